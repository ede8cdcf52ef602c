// Package document reads the reports planwatch extracts facts from — plain
// text, Word (DOCX), PDF with a text layer, web pages (HTML) and workbooks
// (XLSX) — into one text, with the tables kept as tables and the date the
// file itself carries (DOCX core properties, PDF metadata, HTML meta).
//
// The format is told by content, not by the file name, so the command line,
// the web upload and the API read a file the same way. Tables become lines
// of cells between "|" ("| Chỉ tiêu | Đơn vị tính | Quý I/2024 |"), one line
// per row, with the text of a merged cell repeated in every cell it covers;
// the extractor reads such lines as tables.
package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Formats the reader knows.
const (
	Text = "text"
	DOCX = "docx"
	PDF  = "pdf"
	HTML = "html"
	XLSX = "xlsx"
)

// Document is what a file says, ready for the extractor.
type Document struct {
	Format string    // Text, DOCX, PDF, HTML or XLSX
	Text   string    // NFC text; paragraphs on their own lines, tables as "| a | b |" rows
	Title  string    // the title the file declares, when it declares one
	Date   time.Time // the date the file carries (created, published); zero when none
}

// ErrNoPDFText is returned for a PDF when pdftotext (Debian package
// poppler-utils) is not installed.
var ErrNoPDFText = errors.New("đọc PDF cần chương trình pdftotext (gói poppler-utils) / reading a PDF needs pdftotext (package poppler-utils)")

// Detect names the format of b from its content.
func Detect(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		switch {
		case bytes.Contains(b, []byte("word/document.xml")):
			return DOCX
		case bytes.Contains(b, []byte("xl/workbook.xml")):
			return XLSX
		}
		return ""
	case looksHTML(b):
		return HTML
	}
	return Text
}

// looksHTML reports markup at the start of b: a doctype, an <html>, <head>
// or <body> tag, or a comment followed by one.
func looksHTML(b []byte) bool {
	head := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n"))
	if len(head) > 1024 {
		head = head[:1024]
	}
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<article"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.HasPrefix(head, []byte("<!--")) && bytes.Contains(head, []byte("<html"))
}

// Read reads a file of any known format. A file that is none of them and not
// text is refused with a message naming what was expected.
func Read(ctx context.Context, b []byte) (*Document, error) {
	var (
		d   *Document
		err error
	)
	switch f := Detect(b); f {
	case DOCX:
		d, err = readDOCX(b)
	case XLSX:
		d, err = readXLSX(b)
	case PDF:
		d, err = readPDF(ctx, b)
	case HTML:
		d, err = readHTML(b)
	case Text:
		var s string
		s, err = decodeText(b)
		d = &Document{Text: s}
	default:
		err = fmt.Errorf("tệp nén không phải Word (.docx) hay Excel (.xlsx) / a zip file that is neither DOCX nor XLSX")
	}
	if err != nil {
		return nil, err
	}
	d.Format = Detect(b)
	d.Text = norm.NFC.String(strings.ReplaceAll(d.Text, "\r\n", "\n"))
	d.Title = norm.NFC.String(strings.TrimSpace(d.Title))
	return d, nil
}

// decodeText accepts UTF-8 (with or without a byte-order mark) and UTF-16
// with a byte-order mark, as Windows editors save it.
func decodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		b = b[3:]
	case bytes.HasPrefix(b, []byte("\xff\xfe")), bytes.HasPrefix(b, []byte("\xfe\xff")):
		little := b[0] == 0xff
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			if little {
				u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
			} else {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
		}
		return string(utf16.Decode(u)), nil
	}
	if !utf8.Valid(b) {
		return "", errors.New("văn bản không phải UTF-8 / the text is not UTF-8")
	}
	return string(b), nil
}

// table collects the rows of one table and writes them as "| a | b |" lines.
type table struct {
	rows [][]string
}

// cellText makes a cell's text fit one line of a table row.
func cellText(s string) string {
	s = strings.NewReplacer("|", "/", "\n", " ", "\r", " ", "\t", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// write appends the table to b, one line per row that has any text, with a
// blank line before and after.
func (t *table) write(b *strings.Builder) {
	width := 0
	for _, r := range t.rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return
	}
	if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n\n") {
		if !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	for _, r := range t.rows {
		empty := true
		for _, c := range r {
			if c != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		b.WriteString("|")
		for i := 0; i < width; i++ {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
}

// parseDate reads the dates metadata carries: RFC 3339, without a zone or
// seconds, or the date alone at the start ("2024-06-03…").
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t
		}
	}
	return time.Time{}
}
