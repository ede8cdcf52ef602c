package report

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The DOCX is written by hand: the four parts a WordprocessingML reader
// needs (content types, package relationships, the document and its
// styles, with the document's relationship to the styles), all text
// XML-escaped. Charts are left to the HTML version.

const (
	docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`
	docxDocumentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`
	// Times New Roman 13 pt, the usual face and size of administrative documents.
	docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="288" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:ind w:firstLine="567"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:ind w:firstLine="0"/><w:spacing w:before="120" w:after="240"/></w:pPr><w:rPr><w:b/><w:caps/><w:sz w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/><w:ind w:firstLine="0"/></w:pPr><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:ind w:firstLine="0"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:caps/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="100"/><w:ind w:firstLine="0"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="160" w:after="80"/><w:ind w:firstLine="0"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListItem"><w:name w:val="List Item"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="567" w:hanging="283" w:firstLine="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>`
)

// docxWriter accumulates document.xml.
type docxWriter struct{ b strings.Builder }

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // never fails on a strings.Builder; replaces invalid characters
	return b.String()
}

// para writes a paragraph of one run in a style ("" = Normal).
func (d *docxWriter) para(style, text string, italic bool) {
	d.b.WriteString("<w:p>")
	if style != "" {
		fmt.Fprintf(&d.b, `<w:pPr><w:pStyle w:val="%s"/></w:pPr>`, style)
	}
	d.run(text, italic, false)
	d.b.WriteString("</w:p>\n")
}

func (d *docxWriter) run(text string, italic, bold bool) {
	d.b.WriteString("<w:r>")
	if italic || bold {
		d.b.WriteString("<w:rPr>")
		if bold {
			d.b.WriteString("<w:b/>")
		}
		if italic {
			d.b.WriteString("<w:i/>")
		}
		d.b.WriteString("</w:rPr>")
	}
	fmt.Fprintf(&d.b, `<w:t xml:space="preserve">%s</w:t></w:r>`, xmlText(text))
}

// table writes the annex; the header row repeats on every page.
func (d *docxWriter) table(header []string, rows [][]string, widths []int) {
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&d.b, `<w:gridCol w:w="%d"/>`, w)
	}
	d.b.WriteString("</w:tblGrid>\n")
	row := func(cells []string, head bool) {
		d.b.WriteString("<w:tr>")
		if head {
			d.b.WriteString(`<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
		} else {
			d.b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
		}
		for i, c := range cells {
			fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`, widths[i])
			if head {
				d.b.WriteString(`<w:jc w:val="center"/>`)
			} else if i == 0 || i >= 3 {
				d.b.WriteString(`<w:jc w:val="right"/>`)
			}
			d.b.WriteString("</w:pPr>")
			d.run(c, false, head)
			d.b.WriteString("</w:p></w:tc>")
		}
		d.b.WriteString("</w:tr>\n")
	}
	row(header, true)
	for _, r := range rows {
		row(r, false)
	}
	d.b.WriteString("</w:tbl>\n")
}

// documentXML writes the body of the report.
func (r *Report) documentXML() string {
	var d docxWriter
	d.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	d.b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + "\n")
	d.para("Subtitle", upperFirst(r.UnitName), false)
	d.para("Title", r.Title, false)
	meta := fmt.Sprintf("Kỳ báo cáo: %s (%s)", r.Period.LabelVI(), r.Period.ID())
	if !r.Date.IsZero() {
		meta += " · Ngày lập: " + r.Date.Format("02/01/2006")
	}
	d.para("Subtitle", meta, false)
	for _, s := range r.Summary {
		d.para("", s, false)
	}
	d.para("Heading1", "I. "+r.resultsHeading(), false)
	for i, p := range r.Parts {
		d.para("Heading2", fmt.Sprintf("%c. %s", 'A'+i, p.Title), false)
		for j, s := range p.Sections {
			d.para("Heading3", fmt.Sprintf("%d. %s", j+1, s.Title), false)
			if t := s.paragraph(); t != "" {
				d.para("", t, false)
			}
			for _, n := range s.Notes {
				d.para("", n, false)
			}
			if m := s.missingText(r); m != "" {
				d.para("", m, true)
			}
		}
	}
	if len(r.Parts) == 0 {
		d.para("", "Chưa có số liệu "+r.Period.LabelVI()+".", false)
	}
	d.para("Heading1", "II. Đánh giá chung", false)
	list := func(title string, items []string, empty string) {
		d.para("Heading3", title, false)
		if len(items) == 0 {
			d.para("", empty, false)
		}
		for _, it := range items {
			d.para("ListItem", "– "+it, false)
		}
	}
	list("1. Kết quả nổi bật", r.Assessment.Highlights, "Chưa đủ số liệu kế hoạch để đánh giá tiến độ.")
	list("2. Hạn chế, tồn tại", r.Assessment.Shortcomings, "Không có chỉ tiêu chậm tiến độ trong số các chỉ tiêu có số liệu.")
	if m := r.Assessment.Missing; len(m) > 0 {
		list("3. Số liệu còn thiếu", []string{fmt.Sprintf("Chưa có số liệu %s của %d chỉ tiêu: %s.", r.Period.LabelVI(), len(m), strings.Join(m, "; "))}, "")
	}
	d.para("Heading1", "III. "+r.tasksHeading(), false)
	if len(r.Tasks) == 0 {
		d.para("", r.NoTasks, false)
	}
	for i, t := range r.Tasks {
		d.para("ListItem", fmt.Sprintf("%d. %s", i+1, t.text()), false)
	}
	// The annex starts a new page.
	d.b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>` + "\n")
	d.para("Heading1", r.annexHeading(), false)
	if len(r.Annex) == 0 {
		d.para("", "Chưa có chỉ tiêu nào có số liệu hoặc kế hoạch.", false)
	} else {
		rows := make([][]string, len(r.Annex))
		for i, a := range r.Annex {
			rows[i] = a.cells(i + 1)
		}
		// Column widths in twentieths of a point, within the text width of A4 with these margins (9354).
		d.table(AnnexColumns, rows, []int{454, 2835, 850, 964, 964, 1134, 907, 907})
	}
	// A4 portrait; margins 2 cm top and bottom, 3 cm left, 1.5 cm right.
	d.b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>`)
	d.b.WriteString("</w:body></w:document>\n")
	return d.b.String()
}

// WriteDOCX writes the report as a Word document (.docx) that Word and
// LibreOffice open.
func (r *Report) WriteDOCX(w io.Writer) error {
	z := zip.NewWriter(w)
	// A fixed time keeps the file identical for identical reports.
	mod := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if !r.Date.IsZero() {
		mod = r.Date
	}
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRels},
		{"word/_rels/document.xml.rels", docxDocumentRels},
		{"word/document.xml", r.documentXML()},
		{"word/styles.xml", docxStyles},
	} {
		f, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: mod})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, part.body); err != nil {
			return err
		}
	}
	return z.Close()
}
