package web

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"planwatch/web/i18n"
)

func (c *client) postFile(target, field, name, content string, extra url.Values) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", c.csrf)
	for k, vs := range extra {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write([]byte(content))
	mw.Close()
	req := httptest.NewRequest("POST", target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func noMissing(t *testing.T, b string) {
	t.Helper()
	if i := strings.Index(b, i18n.Missing); i >= 0 {
		t.Errorf("untranslated key: %s", b[i:min(len(b), i+40)])
	}
}

// TestEveryPageInEveryLanguage renders each page template, GET and after a
// form, in both languages, failing on any missing translation.
func TestEveryPageInEveryLanguage(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, lang := range i18n.Languages {
		c := newClient(t, s)
		for _, path := range []string{"/", "/indicators/trade.retail_sales_services?unit=20", "/entry?unit=20&period=2022Q1", "/upload", "/read", "/report?unit=20&period=2022Q1", "/plans?unit=20&period=2022Q1", "/mappings", "/nope"} {
			rec := c.get(path + map[bool]string{true: "&", false: "?"}[strings.Contains(path, "?")] + "lang=" + lang)
			if rec.Code != 200 && path != "/nope" {
				t.Errorf("%s %s: %d", lang, path, rec.Code)
			}
			noMissing(t, body(rec))
		}
		rec := c.postForm("/read?unit=20&period=2022Q1", url.Values{"text": {"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng quý I/2022 đạt 5.953 tỷ đồng, tăng 7,35% so với cùng kỳ."}})
		if rec.Code != 200 {
			t.Fatalf("%s read: %d %s", lang, rec.Code, body(rec))
		}
		noMissing(t, body(rec))
	}
	for _, name := range pageNames {
		for _, lang := range i18n.Languages {
			if s.pages[lang][name] == nil {
				t.Errorf("page %s not parsed for %s", name, lang)
			}
		}
	}
}

func TestEntryScenario(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	sector := "Nông, lâm nghiệp và thủy sản"
	q := "/entry?" + url.Values{"unit": {"20"}, "period": {"2022Q2"}, "sector": {sector}}.Encode()
	if rec := c.get(q); !strings.Contains(body(rec), "Tổng diện tích gieo trồng") {
		t.Fatal("entry form lacks the sector's indicator")
	}
	// Validation names the field and keeps the input; nothing is stored.
	rec := c.postForm(q, url.Values{"v.agri.planted_area": {"-5"}, "vin.agri.planted_area": {"official"}, "basis.agri.planted_area": {"period"}})
	if rec.Code != 422 || !strings.Contains(body(rec), "không được âm") {
		t.Fatalf("negative area: %d %s", rec.Code, body(rec))
	}
	rec = c.postForm(q, url.Values{"v.agri.planted_area": {"abc"}, "vin.agri.planted_area": {"official"}, "basis.agri.planted_area": {"period"}})
	if rec.Code != 422 || !strings.Contains(body(rec), "không phải là số") || !strings.Contains(body(rec), `value="abc"`) {
		t.Fatalf("not a number: %d %s", rec.Code, body(rec))
	}
	// An outlier is saved with a warning.
	rec = c.postForm(q, url.Values{"v.agri.planted_area": {"310.000"}, "vin.agri.planted_area": {"estimate"}, "basis.agri.planted_area": {"period"}})
	b := body(rec)
	if rec.Code != 200 || !strings.Contains(b, "Đã lưu: 1 số mới") || !strings.Contains(b, "khác xa") {
		t.Fatalf("outlier: %d %s", rec.Code, b)
	}
	// A correction keeps history.
	rec = c.postForm(q, url.Values{"v.agri.planted_area": {"31.000"}, "vin.agri.planted_area": {"estimate"}, "basis.agri.planted_area": {"period"}})
	if !strings.Contains(body(rec), "1 số sửa") {
		t.Fatalf("correction: %s", body(rec))
	}
	b = body(c.get("/indicators/agri.planted_area?unit=20&period=2022Q2"))
	if !strings.Contains(b, "2 lần nhập / sửa") || !strings.Contains(b, "310.000 ha") {
		t.Error("revision history not shown on the indicator page")
	}
	if b := body(c.get("/?unit=20&period=2022Q2")); !strings.Contains(b, "31.000 ha") {
		t.Error("the entered value is not on the dashboard")
	}
	// Without the CSRF token the form is refused.
	rec = c.postForm(q, url.Values{"_csrf": {"forged"}, "v.agri.planted_area": {"1"}})
	if rec.Code != 403 {
		t.Errorf("forged token: %d", rec.Code)
	}
	// A cross-site request is refused before anything else.
	req := httptest.NewRequest("POST", q, strings.NewReader("v.agri.planted_area=1"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := c.do(req); rec.Code != 403 {
		t.Errorf("cross-site post: %d", rec.Code)
	}
}

func TestUploadScenario(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	bad := "indicator,orgunit,period,value\nagri.planted_area,20,2022Q2,31000\nagri.planted_area,20,2022Q9,1\nagri.planted_area,178,2022Q2,abc\n"
	rec := c.postFile("/upload", "file", "bad.csv", bad, nil)
	b := body(rec)
	if rec.Code != 422 || !strings.Contains(b, "dòng 3") || !strings.Contains(b, "period") || !strings.Contains(b, "dòng 4") {
		t.Fatalf("bad file: %d\n%s", rec.Code, b)
	}
	good := "indicator,orgunit,period,value\nagri.planted_area,20,2022Q2,31000\ntrade.retail_sales_services,178,2022Q2,3300000000000\n"
	rec = c.postFile("/upload", "file", "good.csv", good, nil)
	b = body(rec)
	if rec.Code != 200 || !strings.Contains(b, "upload-commit") {
		t.Fatalf("good file preview: %d\n%s", rec.Code, b)
	}
	id := regexpFind(b, `name="id" value="([0-9a-f]+)"`)
	if b := body(c.get("/?unit=20&period=2022Q2")); strings.Contains(b, "31.000 ha") {
		t.Fatal("the preview stored values")
	}
	rec = c.postForm("/upload/commit", url.Values{"id": {id}})
	if rec.Code != 200 || !strings.Contains(body(rec), "2 mới") {
		t.Fatalf("commit: %d %s", rec.Code, body(rec))
	}
	if b := body(c.get("/?unit=20&period=2022Q2")); !strings.Contains(b, "31.000 ha") {
		t.Error("committed values are not on the dashboard")
	}
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != 422 {
		t.Errorf("a second commit of the same file: %d", rec.Code)
	}
}

func TestReadScenarioEscapes(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/read")
	text := "<script>alert(1)</script> Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng quý I/2022 đạt 5.953 tỷ đồng, tăng 7,35% so với cùng kỳ <img src=x onerror=alert(2)>."
	rec := c.postForm("/read?unit=20&period=2022Q1", url.Values{"text": {text}, "ref": {"<b>bài</b>"}})
	b := body(rec)
	if strings.Contains(b, "<script>alert(1)") || strings.Contains(b, "<img src=x") || strings.Contains(b, "<b>bài") {
		t.Fatal("extracted text not escaped")
	}
	if !strings.Contains(b, "<mark id=\"fact-") || !strings.Contains(b, "5953000000000") {
		t.Fatalf("no highlighted fact:\n%s", b)
	}
	form := url.Values{"n": {"1"}, "ref": {"<b>bài</b>"}, "unit": {"20"}, "period": {"2022Q1"}, "inc.1": {"1"}, "code.1": {"trade.retail_sales_services"},
		"value.1": {"5953000000000"}, "period.1": {"2022Q1"}, "yoy.1": {"7.35"}, "sentence.1": {text}}
	rec = c.postForm("/read/save", form)
	if rec.Code != 200 {
		t.Fatalf("save: %d %s", rec.Code, body(rec))
	}
	b = body(c.get("/indicators/trade.retail_sales_services?unit=20&period=2022Q1"))
	if !strings.Contains(b, "văn bản: &lt;b&gt;bài&lt;/b&gt;") || strings.Contains(b, "<script>alert(1)") {
		t.Error("document source not shown escaped on the indicator page")
	}
	if !strings.Contains(b, "5.953 tỷ đồng") {
		t.Error("saved fact not shown")
	}
}

func TestReportAndPlans(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	b := body(c.get("/report?unit=20&period=2022Q1"))
	if !strings.Contains(b, "dl-docx") || !strings.Contains(b, "quý I") {
		t.Fatalf("report page:\n%.2000s", b)
	}
	for _, f := range []string{"md", "html", "docx"} {
		rec := c.get("/report/download?unit=20&period=2022Q1&format=" + f)
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), "bao-cao-20-2022Q1."+f) || rec.Body.Len() < 100 {
			t.Errorf("download %s: %d %q", f, rec.Code, rec.Header().Get("Content-Disposition"))
		}
	}
	rec := c.postForm("/report/notes", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "section": {"trade"}, "text": {"<script>x</script>Sức mua tăng"}})
	if rec.Code != 303 {
		t.Fatalf("note: %d %s", rec.Code, body(rec))
	}
	rec = c.postForm("/report/tasks", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "due": {"2022Q2"}, "text": {"Đẩy nhanh giải ngân"}, "owner": {"Sở Tài chính"}})
	if rec.Code != 303 {
		t.Fatalf("task: %d %s", rec.Code, body(rec))
	}
	b = body(c.get("/report?unit=20&period=2022Q1"))
	if !strings.Contains(b, "Đẩy nhanh giải ngân") || strings.Contains(b, "<script>x") {
		t.Error("task not shown or note not escaped")
	}
	noMissing(t, b)
	taskID := regexpFind(b, `name="id" value="([1-9][0-9]*)"><input type="hidden" name="due"`)
	rec = c.postForm("/report/tasks", url.Values{"id": {taskID}, "unit": {"20"}, "period": {"2022Q1"}, "due": {"2022Q2"}, "text": {"Đẩy nhanh giải ngân"}, "owner": {"Sở Tài chính"}, "status": {"done"}})
	if rec.Code != 303 {
		t.Fatalf("task status: %d %s", rec.Code, body(rec))
	}
	if b := body(c.get("/report?unit=20&period=2022Q1")); !strings.Contains(b, `<option value="done" selected>`) {
		t.Error("task status not updated")
	}
	rec = c.postForm("/plans/targets?unit=20&period=2022Q1", url.Values{"indicator": {"bank.deposits"}, "kind": {"KH"}, "value": {"46.000"}})
	if rec.Code != 200 || !strings.Contains(body(rec), "46.000 tỷ đồng") {
		t.Fatalf("target: %d %s", rec.Code, body(rec))
	}
	rec = c.postForm("/plans/milestones?unit=20&period=2022Q1", url.Values{"indicator": {"agri.planted_area"}, "by": {"2022S1"}, "share": {"60"}, "bound": {"min"}})
	if rec.Code != 200 || !strings.Contains(body(rec), "60%") {
		t.Fatalf("milestone: %d %s", rec.Code, body(rec))
	}
	rec = c.postFile("/plans/import?unit=20&period=2022Q1", "file", "t.csv", "indicator,orgunit,year,value\nagri.planted_area,20,2022,xx\n", nil)
	if rec.Code != 422 || !strings.Contains(body(rec), "dòng 2") {
		t.Fatalf("bad targets file: %d %s", rec.Code, body(rec))
	}
}

func TestUploadStreamsProgressForBigFiles(t *testing.T) {
	old := streamRows
	streamRows = 1
	defer func() { streamRows = old }()
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	good := "indicator,orgunit,period,value\nagri.planted_area,20,2022Q2,31000\ntrade.retail_sales_services,178,2022Q2,3300000000000\n"
	b := body(c.postFile("/upload", "file", "<i>big</i>.csv", good, nil))
	id := regexpFind(b, `name="id" value="([0-9a-f]+)"`)
	rec := c.postForm("/upload/commit?lang=en", url.Values{"id": {id}})
	b = body(rec)
	if !strings.Contains(b, `id="progress"`) || !strings.Contains(b, "Writing 2 rows") || !strings.Contains(b, "2 new") {
		t.Fatalf("streamed commit:\n%s", b)
	}
	if strings.Contains(b, "<i>") || strings.Contains(b, "</i>") {
		t.Error("file name not escaped")
	}
}

// TestEveryTemplateIsRendered makes sure no template file escapes the
// rendering tests (which execute every page in every language).
func TestEveryTemplateIsRendered(t *testing.T) {
	files, err := templateFiles()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"layout": true}
	for _, n := range pageNames {
		known[n] = true
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if !known[name] {
			t.Errorf("template %s is not in pageNames", f)
		}
	}
}

// A DHIS2 data value set and an SDMX-CSV file upload like a planwatch CSV:
// preview, every conflict named, commit.
func TestUploadExchangeFormats(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	bad := `{"dataValues":[{"dataElement":"agri.planted_area","period":"202207","orgUnit":"20","value":"12"},
		{"dataElement":"agri.planted_area","period":"202208","orgUnit":"20","value":"mười"}]}`
	rec := c.postFile("/upload", "file", "dvs.json", bad, nil)
	if b := body(rec); rec.Code != 422 || !strings.Contains(b, "mười") {
		t.Fatalf("bad DHIS2 file: %d\n%s", rec.Code, b)
	}
	good := `{"dataValues":[{"dataElement":"agri.planted_area","period":"202207","orgUnit":"20","value":"32000"}]}`
	rec = c.postFile("/upload", "file", "dvs.json", good, nil)
	b := body(rec)
	if rec.Code != 200 || !strings.Contains(b, "upload-commit") {
		t.Fatalf("DHIS2 preview: %d\n%s", rec.Code, b)
	}
	id := regexpFind(b, `name="id" value="([0-9a-f]+)"`)
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != 200 || !strings.Contains(body(rec), "1 mới") {
		t.Fatalf("DHIS2 commit: %d %s", rec.Code, body(rec))
	}
	sdmx := "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n" +
		"dataflow,PLANWATCH:VALUES(1.0),I,agri.planted_area,20,2022-09,33000\n"
	rec = c.postFile("/upload", "file", "obs.csv", sdmx, nil)
	if b := body(rec); rec.Code != 200 || !strings.Contains(b, "upload-commit") {
		t.Fatalf("SDMX preview: %d\n%s", rec.Code, b)
	}
}
