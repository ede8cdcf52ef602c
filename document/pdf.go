package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// pdfTimeout bounds one conversion, whatever the caller's context allows.
const pdfTimeout = 2 * time.Minute

// readPDF reads the text layer of a PDF with poppler's pdftotext in layout
// mode (which keeps the blank lines between paragraphs and the columns of a
// table, see fromLayout) and its creation date with pdfinfo.
// A PDF of scanned pages has no text layer: it is refused with that reason.
func readPDF(ctx context.Context, b []byte) (*Document, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPDFText
	}
	ctx, cancel := context.WithTimeout(ctx, pdfTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", "-eol", "unix", "-q", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	// The text is bounded as an OOXML part is (maxPart): a few MB of PDF
	// whose pages share one compressed content stream unpack to hundreds.
	// Past it the write fails, the pipe is closed and pdftotext stops.
	out := &boundedBuffer{max: maxPart}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	if err := cmd.Run(); err != nil {
		if out.over {
			return nil, fmt.Errorf("chữ của PDF dài quá %d MB / the PDF's text is larger than %d MB", maxPart>>20, maxPart>>20)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("đọc PDF quá lâu hoặc bị hủy / reading the PDF took too long or was cancelled: %w", ctx.Err())
		}
		return nil, fmt.Errorf("không đọc được PDF / cannot read the PDF: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	// Pages are separated by form feeds.
	text := fromLayout(strings.ReplaceAll(out.String(), "\f", "\n"))
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("PDF không có lớp chữ (bản quét?) / the PDF has no text layer (a scan?)")
	}
	d := &Document{Text: text}
	d.Title, d.Date = pdfInfo(ctx, b)
	return d, nil
}

// pdfInfo reads the title and creation date of a PDF with pdfinfo, when it
// is installed; zero values otherwise.
func pdfInfo(ctx context.Context, b []byte) (string, time.Time) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return "", time.Time{}
	}
	cmd := exec.CommandContext(ctx, bin, "-isodates", "-enc", "UTF-8", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		return "", time.Time{}
	}
	var title string
	var created, modified time.Time
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "Title":
			title = strings.TrimSpace(v)
		case "CreationDate":
			created = parseDate(v)
		case "ModDate":
			modified = parseDate(v)
		}
	}
	if created.IsZero() {
		created = modified
	}
	return title, created
}

// reColumnGap is the space between two columns of a table laid out as text:
// three spaces or more (justified prose spreads its words by one or two).
var reColumnGap = regexp.MustCompile(`\S {3,}\S`)

// fromLayout turns pdftotext's layout text into the reader's text: lines
// lose the indentation and the spacing of the page; a line of three or more
// columns apart by wide gaps, one of them a figure, is a table row.
func fromLayout(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	var rows [][]string
	flushTable := func() {
		if len(rows) > 0 {
			(&table{rows: rows}).write(&b)
			rows = nil
		}
	}
	for _, line := range lines {
		line = strings.TrimRight(line, " \t\r")
		trimmed := strings.TrimLeft(line, " \t")
		if gaps := reColumnGap.FindAllStringIndex(trimmed, -1); len(gaps) >= 2 && strings.ContainsAny(trimmed, "0123456789") {
			var cells []string
			start := 0
			for _, g := range gaps {
				cells = append(cells, cellText(trimmed[start:g[0]+1]))
				start = g[1] - 1
			}
			cells = append(cells, cellText(trimmed[start:]))
			rows = append(rows, cells)
			continue
		}
		flushTable()
		b.WriteString(strings.Join(strings.Fields(trimmed), " "))
		b.WriteByte('\n')
	}
	flushTable()
	return b.String()
}

// boundedBuffer is a buffer that takes at most max bytes: a write past
// them fails (and over is set). (Not an embedded bytes.Buffer: io.Copy
// would fill it through its ReadFrom, past the bound.)
type boundedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("too much text")
	}
	return b.buf.Write(p)
}

func (b *boundedBuffer) String() string { return b.buf.String() }
