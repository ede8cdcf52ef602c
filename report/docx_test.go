package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func docxOf(t *testing.T, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteDOCX(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// docxParagraphs validates the package (the parts a WordprocessingML reader
// needs, each well-formed XML) and returns the text of document.xml, one
// string per paragraph or table cell.
func docxParagraphs(t *testing.T, file []byte) []string {
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
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml"} {
		body, ok := parts[name]
		if !ok {
			t.Fatalf("part %s missing", name)
		}
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", name, err)
			}
		}
	}
	ct := string(parts["[Content_Types].xml"])
	for _, want := range []string{`PartName="/word/document.xml"`, "wordprocessingml.document.main+xml", `PartName="/word/styles.xml"`, `Extension="rels"`} {
		if !strings.Contains(ct, want) {
			t.Errorf("[Content_Types].xml lacks %s", want)
		}
	}
	if !strings.Contains(string(parts["_rels/.rels"]), `Target="word/document.xml"`) {
		t.Error("_rels/.rels does not point at word/document.xml")
	}
	// Every style the document uses is defined.
	doc, styles := string(parts["word/document.xml"]), string(parts["word/styles.xml"])
	for _, s := range []string{"Title", "Subtitle", "Heading1", "Heading2", "Heading3", "ListItem", "TableText", "TableGrid"} {
		if strings.Contains(doc, `w:val="`+s+`"`) && !strings.Contains(styles, `w:styleId="`+s+`"`) {
			t.Errorf("style %s used but not defined", s)
		}
	}
	// Collect the text of each paragraph.
	var paras []string
	var cur strings.Builder
	inText := false
	d := xml.NewDecoder(bytes.NewReader(parts["word/document.xml"]))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			inText = tk.Name.Local == "t"
		case xml.EndElement:
			inText = false
			if tk.Name.Local == "p" {
				paras = append(paras, cur.String())
				cur.Reset()
			}
		case xml.CharData:
			if inText {
				cur.Write(tk)
			}
		}
	}
	return paras
}

func TestDOCXPackage(t *testing.T) {
	r := Build(fixtureInput(t))
	file := docxOf(t, r)
	paras := docxParagraphs(t, file)
	text := strings.Join(paras, "\n")
	for _, want := range []string{
		"Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
		"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"Tổng nguồn vốn huy động của các tổ chức tín dụng trên địa bàn đạt 34.050 tỷ đồng, tăng 1,8% so với 31/12/2021.",
		"hàng hóa <ùn ứ> tại cửa khẩu & bến bãi", // escaped in XML, intact as text
		"Phụ lục: Một số chỉ tiêu chủ yếu quý I/2022",
		"So với kế hoạch (%)",
		"420 (ước)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("document.xml lacks %q", want)
		}
	}
	// Same report, same bytes.
	if !bytes.Equal(file, docxOf(t, r)) {
		t.Error("DOCX output is not deterministic")
	}
}

// TestDOCXLibreOffice converts the document with LibreOffice, when it is
// installed, and checks the text it reads.
func TestDOCXLibreOffice(t *testing.T) {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("LibreOffice (soffice) is not on PATH; the package structure is checked by TestDOCXPackage")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, docxOf(t, Build(fixtureInput(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ", "Phụ lục"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("LibreOffice text lacks %q", want)
		}
	}
}
