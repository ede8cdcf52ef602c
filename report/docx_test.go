package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"planwatch"
)

func docxOf(t *testing.T, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteDOCX(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// node is an element of an XML part, enough to walk WordprocessingML.
type node struct {
	name     string // local name
	attrs    map[string]string
	children []*node
	text     string
}

func parseXML(t *testing.T, name string, body []byte) *node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(tk)
		}
	}
	return root
}

// all returns the descendants named name, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

func (n *node) first(name string) *node {
	if a := n.all(name); len(a) > 0 {
		return a[0]
	}
	return nil
}

// child returns the direct children named name.
func (n *node) child(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// plain is the text of a paragraph (its w:t).
func (n *node) plain() string {
	var b strings.Builder
	for _, t := range n.all("t") {
		b.WriteString(t.text)
	}
	return b.String()
}

func (n *node) style() string {
	if s := n.first("pStyle"); s != nil {
		return s.attrs["val"]
	}
	return ""
}

// docxPackage opens the package, checks that every part is well-formed XML
// (or a PNG) and returns the parts by name.
func docxPackage(t *testing.T, file []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("not a zip archive: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml", "word/settings.xml", "word/header1.xml"} {
		if _, ok := parts[name]; !ok {
			t.Fatalf("part %s missing", name)
		}
	}
	for name, body := range parts {
		switch {
		case strings.HasSuffix(name, ".png"):
			if _, err := png.Decode(bytes.NewReader(body)); err != nil {
				t.Errorf("%s is not a PNG: %v", name, err)
			}
		default:
			parseXML(t, name, body)
		}
	}
	ct := string(parts["[Content_Types].xml"])
	for _, want := range []string{`PartName="/word/document.xml"`, "wordprocessingml.document.main+xml", `PartName="/word/styles.xml"`,
		`Extension="rels"`, `Extension="png" ContentType="image/png"`, `Extension="svg" ContentType="image/svg+xml"`} {
		if !strings.Contains(ct, want) {
			t.Errorf("[Content_Types].xml lacks %s", want)
		}
	}
	if !strings.Contains(string(parts["_rels/.rels"]), `Target="word/document.xml"`) {
		t.Error("_rels/.rels does not point at word/document.xml")
	}
	return parts
}

// docxParagraphs returns the text of document.xml, one string per paragraph.
func docxParagraphs(t *testing.T, file []byte) []string {
	t.Helper()
	parts := docxPackage(t, file)
	var out []string
	for _, p := range parseXML(t, "document.xml", parts["word/document.xml"]).all("p") {
		out = append(out, p.plain())
	}
	return out
}

func officialInput(t *testing.T) Input {
	in := fixtureInput(t)
	in.Date = time.Date(2022, 4, 7, 9, 0, 0, 0, time.UTC)
	in.Settings = planwatch.ReportSettings{Unit: "20", Place: "Lạng Sơn",
		Recipients:      []string{"Văn phòng Chính phủ", "Bộ Kế hoạch và Đầu tư", "Lưu: VT, KT"},
		SignerAuthority: "TM. ỦY BAN NHÂN DÂN", SignerTitle: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}
	return in
}

// TestDOCXOfficialDocument opens the OOXML and finds the layout of an
// administrative report (Decree 30/2020/NĐ-CP, Appendix I): A4 and its
// margins in sectPr, the header table with both columns, the italic date
// line, "BÁO CÁO" and the subject, "Nơi nhận:" and the signature block,
// Times New Roman 13–14 pt on the body style, the Word styles an officer
// edits with, a regenerable table of contents, and a chart (PNG with its
// SVG, and a caption) in every section with figures to compare.
func TestDOCXOfficialDocument(t *testing.T) {
	r := Build(officialInput(t))
	file := docxOf(t, r)
	parts := docxPackage(t, file)
	doc := parseXML(t, "document.xml", parts["word/document.xml"])
	body := doc.first("body")

	// Page: A4 portrait, margins top and bottom 20–25 mm, left 30–35 mm,
	// right 15–20 mm (1 mm = 56.7 twentieths of a point).
	sect := body.first("sectPr")
	if sect == nil {
		t.Fatal("no sectPr")
	}
	num := func(n *node, attr string) int {
		v, err := strconv.Atoi(n.attrs[attr])
		if err != nil {
			t.Fatalf("%s/@%s = %q", n.name, attr, n.attrs[attr])
		}
		return v
	}
	sz, mar := sect.first("pgSz"), sect.first("pgMar")
	if num(sz, "w") != 11906 || num(sz, "h") != 16838 {
		t.Errorf("page %d×%d, want A4 11906×16838", num(sz, "w"), num(sz, "h"))
	}
	mm := func(x int) float64 { return float64(x) / 56.7 }
	for _, m := range []struct {
		side     string
		min, max float64
	}{{"top", 20, 25}, {"bottom", 20, 25}, {"left", 30, 35}, {"right", 15, 20}} {
		if got := mm(num(mar, m.side)); got < m.min-0.1 || got > m.max+0.1 {
			t.Errorf("%s margin %.1f mm, want %g–%g mm", m.side, got, m.min, m.max)
		}
	}

	// The header table: two columns.
	tables := body.child("tbl")
	if len(tables) < 2 {
		t.Fatalf("%d top-level tables, want the header, the signature block and more", len(tables))
	}
	cells := tables[0].first("tr").child("tc")
	if len(cells) != 2 {
		t.Fatalf("header table has %d columns, want 2", len(cells))
	}
	texts := func(tc *node) []string {
		var out []string
		for _, p := range tc.all("p") {
			if s := p.plain(); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	if got, want := strings.Join(texts(cells[0]), "|"), "ỦY BAN NHÂN DÂN|TỈNH LẠNG SƠN|Số: "+Blank+"/BC-UBND"; got != want {
		t.Errorf("left column: %q, want %q", got, want)
	}
	if got, want := strings.Join(texts(cells[1]), "|"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc|Lạng Sơn, ngày 07 tháng 4 năm 2022"; got != want {
		t.Errorf("right column: %q, want %q", got, want)
	}
	// Bold issuing body, national title and motto; the motto's rule right
	// under it; the date line in italics.
	right := cells[1].all("p")
	runBold := func(p *node) bool { return p.first("b") != nil }
	if !runBold(cells[0].all("p")[1]) || !runBold(right[0]) || !runBold(right[1]) {
		t.Error("issuing body, national title or motto not bold")
	}
	if right[2].first("pBdr") == nil || right[2].plain() != "" {
		t.Error("no rule under the motto")
	}
	if date := right[len(right)-1]; date.first("i") == nil {
		t.Error("the date line is not italic")
	}
	// After the table: "BÁO CÁO" and the subject, then the text.
	var after []string
	for _, c := range body.children {
		if c.name == "p" && c.plain() != "" {
			after = append(after, c.plain())
		}
		if len(after) == 3 {
			break
		}
	}
	if len(after) < 3 || after[0] != "BÁO CÁO" || after[1] != "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022" ||
		!strings.HasPrefix(after[2], "Trong quý I/2022, tỉnh Lạng Sơn") {
		t.Errorf("title block = %q", after)
	}

	// The signature block: recipients on the left, the signer on the right.
	var sign *node
	for _, tb := range tables {
		if strings.HasPrefix(tb.plain(), "Nơi nhận:") {
			sign = tb
		}
	}
	if sign == nil {
		t.Fatal("no table starting with \"Nơi nhận:\"")
	}
	sc := sign.first("tr").child("tc")
	if got, want := strings.Join(texts(sc[0]), "|"), "Nơi nhận:|- Văn phòng Chính phủ;|- Bộ Kế hoạch và Đầu tư;|- Lưu: VT, KT."; got != want {
		t.Errorf("recipients: %q, want %q", got, want)
	}
	if p := sc[0].first("p"); p.first("b") == nil || p.first("i") == nil {
		t.Error("\"Nơi nhận:\" is not bold italic")
	}
	if got, want := strings.Join(texts(sc[1]), "|"), "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH|"+Blank; got != want {
		t.Errorf("signature block: %q, want %q", got, want)
	}

	// Styles: Times New Roman 13–14 pt on Normal; Word's own heading,
	// caption, TOC and table styles.
	styles := parseXML(t, "styles.xml", parts["word/styles.xml"])
	byID := map[string]*node{}
	for _, s := range styles.all("style") {
		byID[s.attrs["styleId"]] = s
	}
	normal := byID["Normal"]
	if normal == nil {
		t.Fatal("no Normal style")
	}
	if f := normal.first("rFonts"); f == nil || f.attrs["ascii"] != "Times New Roman" || f.attrs["hAnsi"] != "Times New Roman" {
		t.Error("Normal is not in Times New Roman")
	}
	if s := normal.first("sz"); s == nil || (s.attrs["val"] != "26" && s.attrs["val"] != "28") {
		t.Error("Normal is not 13 or 14 pt")
	}
	for id, name := range map[string]string{"Heading1": "heading 1", "Heading2": "heading 2", "Heading3": "heading 3", "Caption": "caption",
		"TOC1": "toc 1", "TOC2": "toc 2", "TOC3": "toc 3", "TableGrid": "Table Grid"} {
		s := byID[id]
		if s == nil || s.first("name").attrs["val"] != name {
			t.Errorf("style %s (%q) missing", id, name)
		}
	}
	for _, h := range []string{"Heading1", "Heading2", "Heading3"} {
		if byID[h].first("outlineLvl") == nil {
			t.Errorf("%s has no outline level (the TOC would miss it)", h)
		}
	}
	used := map[string]bool{}
	for _, p := range doc.all("pStyle") {
		used[p.attrs["val"]] = true
	}
	for _, p := range doc.all("tblStyle") {
		used[p.attrs["val"]] = true
	}
	for s := range used {
		if byID[s] == nil {
			t.Errorf("style %s used but not defined", s)
		}
	}
	instr := ""
	for _, n := range doc.all("instrText") {
		instr += n.text
	}
	if !strings.Contains(instr, `TOC \o "1-3"`) {
		t.Errorf("no table of contents field (instrText %q)", instr)
	}

	// Pictures: each drawing's PNG and SVG exist; every section with
	// figures to compare has one, followed by its caption.
	rels := map[string]string{}
	for _, rel := range parseXML(t, "rels", parts["word/_rels/document.xml.rels"]).all("Relationship") {
		rels[rel.attrs["Id"]] = rel.attrs["Target"]
	}
	paras := body.child("p")
	section, withPicture := "", map[string]bool{}
	for i, p := range paras {
		switch p.style() {
		case "Heading3":
			section = p.plain()
		case "Heading1", "Heading2":
			section = ""
		}
		blip := p.first("blip")
		if blip == nil {
			continue
		}
		pngPart, svg := rels[blip.attrs["embed"]], p.first("svgBlip")
		if !strings.HasSuffix(pngPart, ".png") || parts[path.Join("word", pngPart)] == nil {
			t.Errorf("picture %q: no PNG part", pngPart)
		}
		if svg == nil || !strings.HasSuffix(rels[svg.attrs["embed"]], ".svg") || !bytes.Contains(parts[path.Join("word", rels[svg.attrs["embed"]])], []byte("<svg")) {
			t.Errorf("picture %q: no SVG beside the PNG", pngPart)
		}
		if i+1 >= len(paras) || paras[i+1].style() != "Caption" || !strings.HasPrefix(paras[i+1].plain(), "Hình ") {
			t.Errorf("picture %q has no caption under it", pngPart)
		}
		if section != "" {
			withPicture[section] = true
		}
	}
	// Every section with sentences has figures to compare in the fixture:
	// agriculture (growth of the planted area), industry (IIP), trade
	// (trend of retail sales), finance (deposits against 31/12),
	// investment (% of plan). Sections of notes only have no chart.
	want := 0
	for _, part := range r.Parts {
		for j, s := range part.Sections {
			if len(s.Sentences) == 0 {
				continue
			}
			want++
			if title := strconv.Itoa(j+1) + ". " + s.Title; !withPicture[title] {
				t.Errorf("section %q has figures but no chart", title)
			}
		}
	}
	if want < 5 {
		t.Errorf("the fixture has %d sections with figures, want at least 5", want)
	}

	// Same report, same bytes.
	if !bytes.Equal(file, docxOf(t, r)) {
		t.Error("DOCX output is not deterministic")
	}
}

func TestDOCXText(t *testing.T) {
	r := Build(fixtureInput(t))
	text := strings.Join(docxParagraphs(t, docxOf(t, r)), "\n")
	for _, want := range []string{
		"Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
		"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"Tổng nguồn vốn huy động của các tổ chức tín dụng trên địa bàn đạt 34.050 tỷ đồng, tăng 1,8% so với 31/12/2021.",
		"hàng hóa <ùn ứ> tại cửa khẩu & bến bãi", // escaped in XML, intact as text
		"Phụ lục: Một số chỉ tiêu chủ yếu quý I/2022",
		"So với kế hoạch (%)",
		"420 (ước)",
		// Settings left empty print as dotted blanks.
		"Số: " + Blank + "/BC-UBND",
		"Lạng Sơn, ngày " + Blank + " tháng " + Blank + " năm " + Blank,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("document.xml lacks %q", want)
		}
	}
}

func soffice(t *testing.T) string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("LibreOffice (soffice) is not on PATH (scripts/test.sh installs it); the package is checked by TestDOCXOfficialDocument")
	return ""
}

// TestDOCXLibreOffice converts the document to PDF with LibreOffice and
// reads it back with pdftotext: the first page has the header lines in
// order, and the text the report states.
func TestDOCXLibreOffice(t *testing.T) {
	bin := soffice(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not on PATH; scripts/test.sh installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, docxOf(t, Build(officialInput(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "report.pdf")
	text := func(args ...string) string {
		out, err := exec.CommandContext(ctx, pdftotext, append(args, pdf, "-")...).Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		return string(out)
	}
	first := text("-layout", "-f", "1", "-l", "1")
	// Each column's lines in order, and both above the title.
	for _, column := range [][]string{
		{"ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "Số: " + Blank + "/BC-UBND", "BÁO CÁO", "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội"},
		{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lạng Sơn, ngày 07 tháng 4 năm 2022", "BÁO CÁO"},
	} {
		at := -1
		for _, line := range column {
			i := strings.Index(first, line)
			if i < 0 {
				t.Errorf("first page lacks %q:\n%s", line, first)
				break
			}
			if i <= at {
				t.Errorf("first page: %q is not after the line before it:\n%s", line, first)
			}
			at = i
		}
	}
	all := strings.Join(strings.Fields(text()), " ")
	for _, want := range []string{"quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ", "Nơi nhận:", "PHÓ CHỦ TỊCH", "Phụ lục", "Hình 1."} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// BenchmarkReportDOCX writes the demo report as DOCX: the charts are
// rasterized to PNG, which is most of the work.
func BenchmarkReportDOCX(b *testing.B) {
	r := Build(demoInput(b))
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.WriteDOCX(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
