package report

import (
	"io"
	"strings"
)

// WriteMarkdown writes the report as Markdown (charts are left to HTML and DOCX).
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# " + r.Title + "\n\n")
	b.WriteString("**" + upperFirst(r.UnitName) + "** · " + r.meta() + "\n\n")
	blocks := r.body()
	// The opening summary is one paragraph.
	var summary []string
	for len(blocks) > 0 && blocks[0].kind == blockPara {
		summary = append(summary, blocks[0].text)
		blocks = blocks[1:]
	}
	if len(summary) > 0 {
		b.WriteString(strings.Join(summary, " ") + "\n\n")
	}
	for _, bl := range append(blocks, r.annex()...) {
		switch bl.kind {
		case blockHeading:
			b.WriteString(strings.Repeat("#", bl.level+1) + " " + bl.text + "\n\n")
		case blockPara:
			switch bl.style {
			case "note":
				b.WriteString(mdText(bl.text) + "\n\n")
			case "missing":
				b.WriteString("*" + bl.text + "*\n\n")
			default:
				b.WriteString(bl.text + "\n\n")
			}
		case blockList:
			for i, it := range bl.items {
				if bl.ordered {
					b.WriteString(itoa(i+1) + ". " + mdText(it) + "\n")
				} else {
					b.WriteString("- " + mdText(it) + "\n")
				}
			}
			b.WriteString("\n")
		case blockTable:
			t := bl.table
			if t.caption != "" {
				b.WriteString("*" + t.caption + "*\n\n")
			}
			b.WriteString("| " + strings.Join(t.columns, " | ") + " |\n")
			b.WriteString("|" + strings.Repeat("---|", len(t.columns)) + "\n")
			for _, row := range t.rows {
				cells := make([]string, len(row))
				for k, c := range row {
					cells[k] = strings.ReplaceAll(c, "|", `\|`)
				}
				b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
			}
			b.WriteString("\n")
		}
	}
	out := strings.TrimRight(strings.ReplaceAll(b.String(), " \n", "\n"), "\n") + "\n"
	_, err := io.WriteString(w, out)
	return err
}

// mdText keeps recorded text (notes, tasks people typed) as text: it
// cannot start Markdown blocks (headings, lists), nor carry HTML or links
// into the rendered report (<img onerror=…>, [x](javascript:…)).
func mdText(s string) string {
	s = mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
	if s != "" && strings.ContainsRune("#>-*+|", rune(s[0])) {
		s = `\` + s
	}
	return s
}

var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "\\`")
