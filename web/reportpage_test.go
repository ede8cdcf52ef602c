package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestReportSettingsAndLanguages: the report page edits the unit's report
// settings (stored with an audit entry, shown escaped, printed on the DOCX),
// refuses invalid ones naming the field, and every download and the API
// write the report in English on request.
func TestReportSettingsAndLanguages(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	b := body(c.get("/report?unit=20&period=2022Q1"))
	if !strings.Contains(b, `id="settings-form"`) || !strings.Contains(b, "dl-docx-en") {
		t.Fatalf("report page lacks the settings form or the English downloads:\n%.3000s", b)
	}
	noMissing(t, b)
	form := url.Values{"unit": {"20"}, "period": {"2022Q1"}, "issuing_body": {"ỦY BAN NHÂN DÂN\r\nTỈNH LẠNG SƠN"}, "symbol": {"BC-UBND"},
		"number": {"45"}, "place": {"Lạng Sơn"}, "recipients": {"Văn phòng Chính phủ;\r\nBộ Kế hoạch và Đầu tư;\r\n\r\nLưu: VT."},
		"signer_authority": {"TM. ỦY BAN NHÂN DÂN"}, "signer_title": {"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}, "signer_name": {"<b>Đoàn Thu Hà</b>"}}
	rec := c.postForm("/report/settings", form)
	if rec.Code != 303 {
		t.Fatalf("settings: %d %s", rec.Code, body(rec))
	}
	st, err := s.store.ReportSettings(t.Context(), "20")
	if err != nil {
		t.Fatal(err)
	}
	if st.Number != "45" || len(st.Recipients) != 3 || st.SignerTitle != "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" {
		t.Errorf("stored settings: %+v", st)
	}
	audit, err := s.store.Audit(t.Context(), planwatch.AuditQuery{Entity: planwatch.ReportSettingsEntity("20")})
	if err != nil || len(audit) != 1 || audit[0].By == "" {
		t.Errorf("audit of the settings: %+v, %v", audit, err)
	}
	b = body(c.get("/report?unit=20&period=2022Q1"))
	if strings.Contains(b, "<b>Đoàn") || !strings.Contains(b, "&lt;b&gt;Đoàn Thu Hà&lt;/b&gt;") {
		t.Error("signer's name not shown escaped in the form")
	}
	rec = c.get("/report/download?unit=20&period=2022Q1&format=docx")
	doc := docxDocument(t, rec.Body.Bytes())
	for _, want := range []string{"Số: 45/BC-UBND", "Nơi nhận:", "- Bộ Kế hoạch và Đầu tư;", "- Lưu: VT.", "PHÓ CHỦ TỊCH", "&lt;b&gt;Đoàn Thu Hà&lt;/b&gt;"} {
		if !strings.Contains(doc, want) && !strings.Contains(doc, strings.ToUpper(want)) {
			t.Errorf("DOCX lacks %q", want)
		}
	}

	// Invalid settings: the field is named, nothing changes.
	bad := url.Values{"unit": {"20"}, "period": {"2022Q1"}, "place": {"Lạng Sơn\nHà Nội"}}
	rec = c.postForm("/report/settings?lang=en", bad)
	if rec.Code < 400 || !strings.Contains(body(rec), "place") {
		t.Errorf("invalid settings: %d %s", rec.Code, body(rec))
	}
	if st2, _ := s.store.ReportSettings(t.Context(), "20"); st2.Place != "Lạng Sơn" || st2.Number != "45" {
		t.Errorf("refused settings changed the stored ones: %+v", st2)
	}

	// English downloads and API.
	rec = c.get("/report/download?unit=20&period=2022Q1&format=md&lang=en")
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), "report-20-2022Q1-en.md") ||
		!strings.Contains(body(rec), "Socio-economic situation in Q1 and priorities for Q2 2022") {
		t.Errorf("English Markdown: %d %q\n%.500s", rec.Code, rec.Header().Get("Content-Disposition"), body(rec))
	}
	rec = c.get("/report/download?unit=20&period=2022Q1&format=docx&lang=en")
	if doc := docxDocument(t, rec.Body.Bytes()); !strings.Contains(doc, "SOCIALIST REPUBLIC OF VIET NAM") || !strings.Contains(doc, "Recipients:") {
		t.Error("English DOCX lacks its letterhead")
	}
	rec = c.get("/api/reports/20/2022Q1?lang=en")
	var model struct {
		Lang  string
		Title string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &model); err != nil || model.Lang != "en" || !strings.HasPrefix(model.Title, "Socio-economic situation") {
		t.Errorf("API in English: %v %+v", err, model)
	}
	// The page in English writes the report in English.
	if b := body(c.get("/report?unit=20&period=2022Q1&lang=en")); !strings.Contains(b, `lang="en"`) || !strings.Contains(b, "Socio-economic situation") {
		t.Error("the English page does not show the English report")
	}
}

// docxDocument returns word/document.xml of a DOCX.
func docxDocument(t *testing.T, file []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatalf("not a DOCX: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}
