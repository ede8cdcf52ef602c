package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxPart bounds what one part of an OOXML package may unpack to, so that a
// small zip cannot expand without end.
const maxPart = 64 << 20

// openPart returns the bytes of the named part of a zip package.
func openPart(zr *zip.Reader, name string) ([]byte, error) {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxPart {
			return nil, fmt.Errorf("%s lớn quá %d MB / larger than %d MB", name, maxPart>>20, maxPart>>20)
		}
		return b, nil
	}
	return nil, nil
}

// readDOCX reads the body of a Word document: paragraphs as lines, tables
// as rows of cells (merged cells repeated), and the dates of its core
// properties. Headers, footers and footnotes are page furniture and are left
// out.
func readDOCX(b []byte) (*Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("tệp Word hỏng / damaged DOCX: %w", err)
	}
	body, err := openPart(zr, "word/document.xml")
	if err != nil || body == nil {
		return nil, fmt.Errorf("tệp Word không có nội dung / DOCX without word/document.xml: %v", err)
	}
	d := &Document{}
	if d.Text, err = docxText(body); err != nil {
		return nil, fmt.Errorf("tệp Word hỏng / damaged DOCX: %w", err)
	}
	if core, _ := openPart(zr, "docProps/core.xml"); core != nil {
		d.Title, d.Date = coreProperties(core)
	}
	return d, nil
}

// docxCell is a table cell being read.
type docxCell struct {
	text   strings.Builder
	span   int
	vMerge string // "restart", "continue" or ""
}

// docxTable is a table being read: its rows, and per grid column the text
// of the cell a vertical merge continues.
type docxTable struct {
	table
	row    []string
	cell   *docxCell
	merged map[int]string
}

func docxText(body []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var out strings.Builder
	var para strings.Builder
	var tables []*docxTable
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				para.WriteByte(' ')
			case "br", "cr":
				para.WriteByte('\n')
			case "tbl":
				tables = append(tables, &docxTable{merged: map[int]string{}})
			case "tr":
				if n := len(tables); n > 0 {
					tables[n-1].row = nil
				}
			case "tc":
				if n := len(tables); n > 0 {
					tables[n-1].cell = &docxCell{span: 1}
				}
			case "gridSpan":
				if n := len(tables); n > 0 && tables[n-1].cell != nil {
					if v, err := strconv.Atoi(attr(t, "val")); err == nil && v > 1 && v < 100 {
						tables[n-1].cell.span = v
					}
				}
			case "gridBefore":
				if n := len(tables); n > 0 {
					if v, err := strconv.Atoi(attr(t, "val")); err == nil && v > 0 && v < 100 {
						for range v {
							tables[n-1].row = append(tables[n-1].row, "")
						}
					}
				}
			case "vMerge":
				if n := len(tables); n > 0 && tables[n-1].cell != nil {
					tables[n-1].cell.vMerge = "continue"
					if attr(t, "val") == "restart" {
						tables[n-1].cell.vMerge = "restart"
					}
				}
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text := strings.TrimRight(para.String(), " ")
				para.Reset()
				if n := len(tables); n > 0 && tables[n-1].cell != nil {
					c := tables[n-1].cell
					if c.text.Len() > 0 && text != "" {
						c.text.WriteByte(' ')
					}
					c.text.WriteString(text)
					continue
				}
				out.WriteString(text)
				out.WriteByte('\n')
			case "tc":
				n := len(tables)
				if n == 0 || tables[n-1].cell == nil {
					continue
				}
				tb := tables[n-1]
				text := cellText(tb.cell.text.String())
				col := len(tb.row)
				switch tb.cell.vMerge {
				case "restart":
					tb.merged[col] = text
				case "continue":
					text = tb.merged[col]
				default:
					delete(tb.merged, col)
				}
				for range tb.cell.span {
					tb.row = append(tb.row, text)
				}
				tb.cell = nil
			case "tr":
				if n := len(tables); n > 0 {
					tables[n-1].rows = append(tables[n-1].rows, tables[n-1].row)
				}
			case "tbl":
				n := len(tables)
				if n == 0 {
					continue
				}
				tb := tables[n-1]
				tables = tables[:n-1]
				if n > 1 && tables[n-2].cell != nil {
					// A table inside a cell: its text joins the cell.
					for _, r := range tb.rows {
						tables[n-2].cell.text.WriteString(" " + strings.Join(r, " "))
					}
					continue
				}
				tb.write(&out)
			}
		}
	}
	return out.String(), nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// coreProperties reads the title and the date of docProps/core.xml: when
// the document was created, else last modified.
func coreProperties(b []byte) (title string, date time.Time) {
	var core struct {
		Title    string `xml:"title"`
		Created  string `xml:"created"`
		Modified string `xml:"modified"`
	}
	if xml.Unmarshal(b, &core) != nil {
		return "", time.Time{}
	}
	date = parseDate(core.Created)
	if date.IsZero() {
		date = parseDate(core.Modified)
	}
	return core.Title, date
}
