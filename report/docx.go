package report

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The DOCX is written by hand as WordprocessingML: the document, its
// styles (Normal in Times New Roman 14 pt, Heading 1–3, Caption, TOC 1–3,
// Table Grid), settings, a page header with the page number, and the charts
// as images (a PNG every reader shows, with the SVG beside it for the
// readers that prefer it). All text is XML-escaped.
//
// The layout follows Decree 30/2020/NĐ-CP, Appendix I: A4 with margins of
// 20 mm top and bottom, 30 mm left and 15 mm right; the header table
// (issuing body and number on the left, the national title and motto with
// its rule and the place-and-date line on the right); "BÁO CÁO" and its
// subject; the text; the recipients and signature block; page numbers at
// the top centre from the second page.

const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsWP  = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
	// The Office extension that gives a picture an SVG beside its PNG.
	svgBlipExt = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
	nsASVG     = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"

	relStyles   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	relSettings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
	relHeader   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
	relImage    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"

	// Page geometry in twentieths of a point: A4 and the Decree's margins.
	pageWidth, pageHeight = 11906, 16838
	marginTop, marginBot  = 1134, 1134 // 20 mm
	marginLeft            = 1701       // 30 mm
	marginRight           = 851        // 15 mm
	textWidth             = pageWidth - marginLeft - marginRight
	emuPerTwip            = 635
)

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Default Extension="svg" ContentType="image/svg+xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
</Types>`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`

// updateFields asks Word to refresh the table of contents (and the caption
// numbers) when the document opens, so its page numbers are right.
const docxSettings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="` + nsW + `"><w:updateFields w:val="true"/><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/></w:settings>`

// The page number, top centre (Decree 30: from the second page on).
const docxHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`

// Styles: an officer editing the document finds Word's own names (Normal,
// heading 1–3, caption, toc 1–3, Table Grid), so that restyling a level or
// regenerating the table of contents works as in any document.
const docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="` + nsW + `">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="288" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="120" w:line="288" w:lineRule="auto"/><w:ind w:firstLine="567"/><w:jc w:val="both"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:ind w:firstLine="0"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:caps/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="100"/><w:ind w:firstLine="567"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="160" w:after="80"/><w:ind w:firstLine="567"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="60" w:after="200"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:i/><w:iCs/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:next w:val="Caption"/><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListItem"><w:name w:val="List Item"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="567" w:hanging="283" w:firstLine="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Letterhead"><w:name w:val="Letterhead"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="9"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9354"/></w:tabs><w:spacing w:after="60"/><w:ind w:firstLine="0"/><w:jc w:val="left"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9354"/></w:tabs><w:spacing w:after="60"/><w:ind w:left="280" w:firstLine="0"/><w:jc w:val="left"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC3"><w:name w:val="toc 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9354"/></w:tabs><w:spacing w:after="60"/><w:ind w:left="560" w:firstLine="0"/><w:jc w:val="left"/></w:pPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/></w:tcPr></w:tblStylePr></w:style>
</w:styles>`

// docxWriter accumulates document.xml and the pictures it refers to.
type docxWriter struct {
	b        strings.Builder
	media    []docxMedia
	pictures int // pictures so far, for their names and relationships
}

type docxMedia struct {
	name, rel string
	data      []byte
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // never fails on a strings.Builder; replaces invalid characters
	return b.String()
}

// runProps are a run's direct formatting.
type runProps struct {
	bold, italic, caps bool
	size               int // half-points; 0 = the style's
}

func (p runProps) xml() string {
	var b strings.Builder
	if p.bold {
		b.WriteString("<w:b/><w:bCs/>")
	}
	if p.italic {
		b.WriteString("<w:i/><w:iCs/>")
	}
	if p.caps {
		b.WriteString("<w:caps/>")
	}
	if p.size > 0 {
		fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, p.size, p.size)
	}
	if b.Len() == 0 {
		return ""
	}
	return "<w:rPr>" + b.String() + "</w:rPr>"
}

func (d *docxWriter) run(text string, p runProps) {
	fmt.Fprintf(&d.b, `<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>`, p.xml(), xmlText(text))
}

// para writes a paragraph of one run in a style ("" = Normal), with extra
// paragraph properties (XML) after the style.
func (d *docxWriter) para(style, pPr, text string, p runProps) {
	d.b.WriteString("<w:p>")
	if style != "" || pPr != "" {
		d.b.WriteString("<w:pPr>")
		if style != "" {
			fmt.Fprintf(&d.b, `<w:pStyle w:val="%s"/>`, style)
		}
		d.b.WriteString(pPr + "</w:pPr>")
	}
	if text != "" {
		d.run(text, p)
	}
	d.b.WriteString("</w:p>\n")
}

// rule writes a short horizontal line, centred, a fraction of the width
// it sits in (the rules under the issuing body, the motto and the subject).
func (d *docxWriter) rule(width, length int) {
	in := (width - length) / 2
	fmt.Fprintf(&d.b, `<w:p><w:pPr><w:pStyle w:val="Letterhead"/><w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:spacing w:before="60" w:after="60" w:line="120" w:lineRule="exact"/><w:ind w:left="%d" w:right="%d"/></w:pPr></w:p>`+"\n", in, in)
}

// table writes a table in the Table Grid style; its header row repeats on
// every page.
func (d *docxWriter) table(t *tableBlock) {
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range t.widths {
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
			fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`, t.widths[i])
			switch {
			case head:
				d.b.WriteString(`<w:jc w:val="center"/>`)
			case i < len(t.numeric) && t.numeric[i]:
				d.b.WriteString(`<w:jc w:val="right"/>`)
			}
			d.b.WriteString("</w:pPr>")
			d.run(c, runProps{bold: head})
			d.b.WriteString("</w:p></w:tc>")
		}
		d.b.WriteString("</w:tr>\n")
	}
	row(t.columns, true)
	for _, r := range t.rows {
		row(r, false)
	}
	d.b.WriteString("</w:tbl>\n")
}

// caption writes a caption paragraph with its number as a SEQ field, which
// Word renumbers: "Hình 1. …".
func (d *docxWriter) caption(label string, n int, text string) {
	fmt.Fprintf(&d.b, `<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>`)
	d.run(label+" ", runProps{})
	fmt.Fprintf(&d.b, `<w:fldSimple w:instr=" SEQ %s \* ARABIC "><w:r><w:t>%d</w:t></w:r></w:fldSimple>`, xmlText(label), n)
	d.run(". "+text, runProps{})
	d.b.WriteString("</w:p>\n")
}

// picture embeds a chart: the PNG as the picture every reader shows, the
// SVG in the Office extension for those that draw it.
func (d *docxWriter) picture(c *Chart, n int) error {
	dr := c.Drawing()
	png, err := dr.PNG(2)
	if err != nil {
		return err
	}
	d.pictures++
	k := d.pictures
	pngRel, svgRel := fmt.Sprintf("rIdImg%dp", k), fmt.Sprintf("rIdImg%ds", k)
	d.media = append(d.media,
		docxMedia{name: fmt.Sprintf("media/chart%d.png", k), rel: pngRel, data: png},
		docxMedia{name: fmt.Sprintf("media/chart%d.svg", k), rel: svgRel, data: []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + string(dr.SVG()))})
	cx := int64(textWidth) * emuPerTwip
	cy := cx * int64(dr.Height) / int64(dr.Width)
	name := xmlText(c.Title)
	fmt.Fprintf(&d.b, `<w:p><w:pPr><w:pStyle w:val="Figure"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="chart%d" descr="%s"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="%s"><pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="chart%d.png" descr="%s"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="%s"><a:extLst><a:ext uri="%s"><asvg:svgBlip xmlns:asvg="%s" r:embed="%s"/></a:ext></a:extLst></a:blip><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`+"\n",
		cx, cy, k, k, name, nsPic, k, k, name, pngRel, svgBlipExt, nsASVG, svgRel, cx, cy)
	return nil
}

// letterhead writes the header table and the title block.
func (d *docxWriter) letterhead(h *Letterhead) {
	const left = 3600
	const right = textWidth - left
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + fmt.Sprint(textWidth) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>`)
	fmt.Fprintf(&d.b, `<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid><w:tr>`, left, right)
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, left)
	for _, g := range h.Governing {
		d.para("Letterhead", "", g, runProps{})
	}
	for _, s := range h.Issuing {
		d.para("Letterhead", "", s, runProps{bold: true})
	}
	d.rule(left, left/3)
	d.para("Letterhead", "", h.Number, runProps{})
	d.b.WriteString("</w:tc>")
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, right)
	d.para("Letterhead", "", h.Nation, runProps{bold: true})
	// The motto's rule is as long as the motto (13 pt bold: about 130
	// twips a character).
	d.para("Letterhead", "", h.Motto, runProps{bold: true, size: 28})
	d.rule(right, min(right, 125*len([]rune(h.Motto))))
	d.para("Letterhead", `<w:spacing w:before="120"/>`, h.DateLine, runProps{italic: true, size: 28})
	d.b.WriteString("</w:tc></w:tr></w:tbl>\n")
	d.para("Letterhead", `<w:spacing w:before="360"/>`, h.Kind, runProps{bold: true, size: 28})
	d.para("Letterhead", `<w:ind w:left="567" w:right="567"/>`, h.Subject, runProps{bold: true, size: 28})
	d.rule(textWidth, textWidth/4)
}

// signature writes the recipients (left) and the signature block (right).
func (d *docxWriter) signature(h *Letterhead) {
	const left = 4200
	const right = textWidth - left
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + fmt.Sprint(textWidth) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>`)
	fmt.Fprintf(&d.b, `<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>`, left, right)
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, left)
	d.para("Letterhead", `<w:spacing w:before="240"/><w:jc w:val="left"/>`, h.RecipientsTitle, runProps{bold: true, italic: true, size: 24})
	for _, r := range h.Recipients {
		d.para("Letterhead", `<w:jc w:val="left"/>`, r, runProps{size: 22})
	}
	d.b.WriteString("</w:tc>")
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, right)
	for i, a := range append(append([]string{}, h.Authority...), h.SignerTitle...) {
		pPr := ""
		if i == 0 {
			pPr = `<w:spacing w:before="240"/>`
		}
		d.para("Letterhead", pPr, strings.ToUpper(a), runProps{bold: true, size: 28})
	}
	d.para("Letterhead", `<w:spacing w:before="1680"/>`, h.SignerName, runProps{bold: true, size: 28})
	d.b.WriteString("</w:tc></w:tr></w:tbl>\n")
}

// toc writes a table of contents field. Its cached entries list the
// headings (without page numbers); Word fills in the page numbers when it
// updates the field, which settings ask on opening.
func (d *docxWriter) toc(l lang, blocks []block) {
	d.para("TOCHeading", "", l.pick("Mục lục", "Contents"), runProps{})
	d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>` + "\n")
	for _, b := range blocks {
		if b.kind == blockHeading {
			d.para(fmt.Sprintf("TOC%d", b.level), "", b.text, runProps{})
		}
	}
	d.b.WriteString(`<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>` + "\n")
}

func (d *docxWriter) pageBreak() {
	d.b.WriteString(`<w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>` + "\n")
}

// blocks writes the report's blocks.
func (d *docxWriter) blocks(l lang, bs []block) error {
	for _, b := range bs {
		switch b.kind {
		case blockHeading:
			d.para(fmt.Sprintf("Heading%d", b.level), "", b.text, runProps{})
		case blockPara:
			d.para("", "", b.text, runProps{italic: b.style == "missing"})
		case blockList:
			for i, it := range b.items {
				mark := "– "
				if b.ordered {
					mark = fmt.Sprintf("%d. ", i+1)
				}
				d.para("ListItem", "", mark+it, runProps{})
			}
		case blockTable:
			if b.table.caption != "" {
				d.para("Caption", "<w:keepNext/>", b.table.caption, runProps{})
			}
			d.table(b.table)
			d.para("", `<w:spacing w:after="0"/>`, "", runProps{})
		case blockChart:
			if err := d.picture(b.chart, b.figure); err != nil {
				return err
			}
			d.caption(l.pick("Hình", "Figure"), b.figure, b.chart.Title+" ("+b.chart.Unit+")")
		}
	}
	return nil
}

// document writes document.xml and collects the pictures.
func (r *Report) document() (*docxWriter, error) {
	l := langOf(r.Lang)
	d := &docxWriter{}
	d.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	fmt.Fprintf(&d.b, `<w:document xmlns:w="%s" xmlns:r="%s" xmlns:wp="%s" xmlns:a="%s" xmlns:pic="%s"><w:body>`+"\n", nsW, nsR, nsWP, nsA, nsPic)
	d.letterhead(&r.Letterhead)
	body, annex := r.body(), r.annex()
	if err := d.blocks(l, body); err != nil {
		return nil, err
	}
	d.signature(&r.Letterhead)
	// The annex starts a new page, the table of contents another.
	d.pageBreak()
	if err := d.blocks(l, annex); err != nil {
		return nil, err
	}
	d.pageBreak()
	d.toc(l, append(body, annex...))
	// A4 portrait with the Decree's margins; the page number in the header,
	// not on the first page (titlePg).
	fmt.Fprintf(&d.b, `<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/><w:titlePg/></w:sectPr>`,
		pageWidth, pageHeight, marginTop, marginRight, marginBot, marginLeft)
	d.b.WriteString("</w:body></w:document>\n")
	return d, nil
}

// WriteDOCX writes the report as a Word document (.docx) that Word and
// LibreOffice open.
func (r *Report) WriteDOCX(w io.Writer) error {
	d, err := r.document()
	if err != nil {
		return err
	}
	var rels strings.Builder
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	fmt.Fprintf(&rels, `<Relationship Id="rIdStyles" Type="%s" Target="styles.xml"/>`, relStyles)
	fmt.Fprintf(&rels, `<Relationship Id="rIdSettings" Type="%s" Target="settings.xml"/>`, relSettings)
	fmt.Fprintf(&rels, `<Relationship Id="rIdHeader" Type="%s" Target="header1.xml"/>`, relHeader)
	for _, m := range d.media {
		fmt.Fprintf(&rels, `<Relationship Id="%s" Type="%s" Target="%s"/>`, m.rel, relImage, m.name)
	}
	rels.WriteString("</Relationships>")

	z := zip.NewWriter(w)
	// A fixed time keeps the file identical for identical reports.
	mod := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if !r.Date.IsZero() {
		mod = r.Date
	}
	parts := []struct {
		name string
		body []byte
	}{
		{"[Content_Types].xml", []byte(docxContentTypes)},
		{"_rels/.rels", []byte(docxRels)},
		{"word/_rels/document.xml.rels", []byte(rels.String())},
		{"word/document.xml", []byte(d.b.String())},
		{"word/styles.xml", []byte(strings.Replace(docxStyles, `<w:lang w:val="vi-VN"/>`, `<w:lang w:val="`+langOf(r.Lang).pick("vi-VN", "en-GB")+`"/>`, 1))},
		{"word/settings.xml", []byte(docxSettings)},
		{"word/header1.xml", []byte(docxHeader)},
	}
	for _, m := range d.media {
		parts = append(parts, struct {
			name string
			body []byte
		}{"word/" + m.name, m.data})
	}
	for _, part := range parts {
		method := zip.Deflate
		if strings.HasSuffix(part.name, ".png") {
			method = zip.Store // already compressed
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: method, Modified: mod})
		if err != nil {
			return err
		}
		if _, err := f.Write(part.body); err != nil {
			return err
		}
	}
	return z.Close()
}
