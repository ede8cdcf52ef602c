package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"planwatch"
	"planwatch/exchange"
	"planwatch/sheet"
)

// sampleMapping maps the DHIS2 demo UIDs of the interop samples to the
// fixture's indicators and units.
const sampleMapping = "kind,partner_id,code\n" +
	"dataElement,f7n9E0hX8qk,agri.planted_area\n" +
	"dataElement,Ix2HsbDMLea,trade.retail_sales_services\n" +
	"dataElement,eY5ehpbEsB7,bank.deposits\n" +
	"orgUnit,DiszpKrYNg8,178\n" +
	"orgUnit,BdfsJfj87js,180\n"

func sampleFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "dhis2", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestUploadDHIS2WithMapping: a DHIS2 CSV keyed by UIDs (DHIS2's own test
// file) is refused without a mapping, naming the ids to map and offering
// their mapping template; with the mapping imported on the mapping page and
// chosen on the upload page, it lands.
func TestUploadDHIS2WithMapping(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	file := sampleFile(t, "dhis2core-dataValueSetB.csv")
	rec := c.postFile("/upload", "file", "dataValueSetB.csv", file, nil)
	b := body(rec)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(b, `id="unmapped"`) || !strings.Contains(b, "f7n9E0hX8qk") {
		t.Fatalf("without a mapping: %d\n%s", rec.Code, bodyStart(b))
	}
	href := regexpFind(b, `id="mapping-template" href="([^"]+)"`)
	tmpl := c.get(strings.ReplaceAll(href, "&amp;", "&"))
	if tmpl.Code != 200 || !strings.Contains(tmpl.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %v", tmpl.Code, tmpl.Header())
	}
	m, err := exchange.ReadMapping(strings.NewReader(body(tmpl)), "t")
	if err == nil {
		t.Fatal("a template without codes is a complete mapping")
	}
	if got := body(tmpl); strings.Count(got, "\n") != 6 || !strings.Contains(got, "orgUnit,BdfsJfj87js,") || !strings.Contains(got, "dataElement,eY5ehpbEsB7,") {
		t.Errorf("template:\n%s", got)
	}
	_ = m
	// The mapping page lists the same ids.
	if b := body(c.get("/mappings?refused=" + regexpFind(href, `refused=([0-9a-f]+)`))); !strings.Contains(b, "BdfsJfj87js") {
		t.Errorf("mapping page lacks the unmapped ids")
	}

	// A mapping with an unknown code is refused, naming its row.
	c.get("/mappings")
	rec = c.postFile("/mappings", "file", "sl.csv", sampleMapping+"orgUnit,O6uvpzGd5pu,99\n", url.Values{"name": {"sierra-leone"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "99") {
		t.Fatalf("unknown code: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	rec = c.postFile("/mappings", "file", "sl.csv", sampleMapping, url.Values{"name": {"sierra-leone"}})
	if rec.Code != 200 || !strings.Contains(body(rec), "sierra-leone") {
		t.Fatalf("mapping import: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if dl := c.get("/mappings/sierra-leone.csv"); body(dl) != exchangeMapping(t, sampleMapping) {
		t.Errorf("download:\n%s", body(dl))
	}

	c.get("/upload")
	rec = c.postFile("/upload", "file", "dataValueSetB.csv", file, url.Values{"mapping": {"sierra-leone"}})
	b = body(rec)
	if rec.Code != 200 || !strings.Contains(b, `id="upload-commit"`) {
		t.Fatalf("with the mapping: %d\n%s", rec.Code, bodyStart(b))
	}
	id := regexpFind(b, `name="id" value="([0-9a-f]+)"`)
	rec = c.postForm("/upload/commit", url.Values{"id": {id}})
	if rec.Code != 200 || !strings.Contains(body(rec), "12") {
		t.Fatalf("commit: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	vals, err := s.store.Values(t.Context(), planwatch.ValueQuery{Units: []string{"180"}, FromMonth: 201201, ToMonth: 201202})
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 6 {
		t.Fatalf("%d values stored for 180, want 6", len(vals))
	}
	for _, v := range vals {
		if v.Indicator == "bank.deposits" && v.Period.ID() == "201202" && (*v.Value != 10012 || v.Comment != "comment") {
			t.Errorf("value %+v", v)
		}
	}
}

// exchangeMapping is how a mapping file comes back from the store: entries
// in kind and id order.
func exchangeMapping(t *testing.T, in string) string {
	m, err := exchange.ReadMapping(strings.NewReader(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	sorted := append([]planwatch.MappingEntry(nil), m.Entries...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j].Kind < sorted[i].Kind || sorted[j].Kind == sorted[i].Kind && sorted[j].PartnerID < sorted[i].PartnerID {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	exchange.WriteMapping(&b, sorted)
	return b.String()
}

func storeMapping(t *testing.T, s *Server, name, in string) {
	t.Helper()
	m, err := exchange.ReadMapping(strings.NewReader(in), name)
	if err != nil {
		t.Fatal(err)
	}
	m.By = "test"
	if err := s.store.(planwatch.MappingStore).SaveMapping(t.Context(), m); err != nil {
		t.Fatal(err)
	}
}

func postDVS(c *client, target, ctype, payload string) (*httptest.ResponseRecorder, exchange.Summary) {
	req := httptest.NewRequest("POST", target, strings.NewReader(payload))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-CSRF-Token", c.csrf)
	rec := c.do(req)
	var sum exchange.Summary
	json.Unmarshal(rec.Body.Bytes(), &sum)
	return rec, sum
}

// TestDataValueSetsParameters: POST /api/dataValueSets with DHIS2's
// parameters: a stored mapping, id schemes, importStrategy, atomicMode.
func TestDataValueSetsParameters(t *testing.T) {
	s := newTestServer(t, Config{})
	storeMapping(t, s, "sl", sampleMapping)
	c := newClient(t, s)
	c.get("/upload")
	mortality := sampleFile(t, "dhis2docs-webapi-data-mortality-dataValueSet.json")

	// DHIS2's default id scheme is UID: without a mapping, the UIDs are named.
	rec, sum := postDVS(c, "/api/dataValueSets?idScheme=UID", "application/json", mortality)
	if rec.Code != http.StatusConflict || sum.ConflictCount != 6 || len(sum.Unmapped) != 4 || sum.Conflicts[0].ErrorCode != "E8103" {
		t.Fatalf("no mapping: %d %+v", rec.Code, sum)
	}
	// A mapping that does not exist is named.
	if rec, _ := postDVS(c, "/api/dataValueSets?mapping=nope", "application/json", mortality); rec.Code != http.StatusNotFound {
		t.Errorf("unknown mapping: %d %s", rec.Code, body(rec))
	}
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl&dryRun=true", "application/json", mortality)
	if rec.Code != 200 || sum.Status != exchange.StatusSuccess || sum.ImportCount.Imported != 3 || !sum.DryRun {
		t.Fatalf("dry run: %d %+v", rec.Code, sum)
	}
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl", "application/json", mortality)
	if rec.Code != 200 || sum.ImportCount.Imported != 3 {
		t.Fatalf("import: %d %+v", rec.Code, sum)
	}
	// CODE says the ids are planwatch codes: the mapping does not apply.
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl&dataElementIdScheme=CODE", "application/json", mortality)
	if rec.Code != http.StatusConflict || sum.ConflictCount != 3 {
		t.Errorf("CODE: %d %+v", rec.Code, sum)
	}
	if rec, _ := postDVS(c, "/api/dataValueSets?idScheme=GUID", "application/json", mortality); rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad scheme: %d", rec.Code)
	}

	// An empty value is a conflict (E8120), and the stored value stays.
	empty := `{"period": "201401", "orgUnit": "DiszpKrYNg8", "dataValues": [{"dataElement": "f7n9E0hX8qk", "value": ""}]}`
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl", "application/json", empty)
	if rec.Code != http.StatusConflict || sum.Conflicts[0].ErrorCode != "E8120" {
		t.Fatalf("empty value: %d %+v", rec.Code, sum)
	}
	k := planwatch.Key{Indicator: "agri.planted_area", Unit: "178", Period: planwatch.MonthOf(2014, 1)}
	if cur, ok := current(t, s, k); !ok || *cur.Value != 1 {
		t.Errorf("the empty value changed the stored one: %+v", cur)
	}
	// atomicMode=NONE stores the valid part; the default stores nothing.
	mixed := `{"period": "201402", "orgUnit": "DiszpKrYNg8", "dataValues": [{"dataElement": "f7n9E0hX8qk", "value": "7"}, {"dataElement": "Ix2HsbDMLea", "value": "x"}]}`
	if rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl", "application/json", mixed); rec.Code != http.StatusConflict || sum.ImportCount.Imported != 0 {
		t.Errorf("atomic ALL: %d %+v", rec.Code, sum)
	}
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl&atomicMode=NONE", "application/json", mixed)
	if rec.Code != 200 || sum.Status != exchange.StatusWarning || sum.ImportCount.Imported != 1 || sum.ImportCount.Ignored != 1 {
		t.Errorf("atomic NONE: %d %+v", rec.Code, sum)
	}
	// importStrategy=DELETE withdraws what the file names, whatever it holds.
	rec, sum = postDVS(c, "/api/dataValueSets?mapping=sl&importStrategy=DELETE", "application/json", mortality)
	if rec.Code != 200 || sum.ImportCount.Deleted != 3 {
		t.Errorf("DELETE: %d %+v", rec.Code, sum)
	}
	if _, ok := current(t, s, k); ok {
		t.Error("DELETE left the value")
	}
}

func current(t *testing.T, s *Server, k planwatch.Key) (planwatch.DataValue, bool) {
	t.Helper()
	revs, err := s.store.Revisions(t.Context(), k)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := planwatch.Current(revs)
	return v, ok && !v.Deleted
}

// TestUploadSDMXWithColumnMapping: an SDMX-CSV file keyed by FREQ, REF_AREA
// and a partner's indicator dimension lands through a mapping of its
// columns and codes.
func TestUploadSDMXWithColumnMapping(t *testing.T) {
	s := newTestServer(t, Config{})
	storeMapping(t, s, "gso-sdmx", "kind,partner_id,code\ncolumn,SERIES,INDICATOR\ncolumn,DECIMALS,\n"+
		"dataElement,RETAIL,trade.retail_sales_services\norgUnit,VN-20,20\n")
	c := newClient(t, s)
	c.get("/upload")
	file := "DATAFLOW,FREQ,REF_AREA,SERIES,TIME_PERIOD,OBS_VALUE,UNIT_MULT,DECIMALS\n" +
		"VN:DF_PROV(1.0),Q,VN-20,RETAIL,2022-Q2,6.1,12,1\n"
	if rec := c.postFile("/upload", "file", "gso.csv", file, nil); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "SERIES") {
		t.Fatalf("without mapping: %d", rec.Code)
	}
	rec := c.postFile("/upload", "file", "gso.csv", file, url.Values{"mapping": {"gso-sdmx"}})
	id := regexpFind(body(rec), `name="id" value="([0-9a-f]+)"`)
	if rec.Code != 200 || id == "" {
		t.Fatalf("with mapping: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != 200 {
		t.Fatalf("commit: %d", rec.Code)
	}
	v, ok := current(t, s, planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "20", Period: planwatch.QuarterOf(2022, 2)})
	if !ok || *v.Value != 6.1e12 {
		t.Errorf("stored %+v", v)
	}
}

// TestEntryWorkbookRoundTrip: the entry page offers the data-entry
// workbook of its unit, period and sector; filled in and uploaded, it is
// stored.
func TestEntryWorkbookRoundTrip(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	sector := "Nông, lâm nghiệp và thủy sản"
	q := url.Values{"unit": {"20"}, "period": {"2022Q2"}, "sector": {sector}}.Encode()
	if b := body(c.get("/entry?" + q)); !strings.Contains(b, `id="entry-workbook"`) {
		t.Fatal("the entry page offers no workbook")
	}
	rec := c.get("/entry/workbook?" + q)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("workbook: %d %v", rec.Code, rec.Header())
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	// Row 5 is the sector's one indicator, with last year's figure and the plan.
	if code, _ := f.GetCellValue(sheet.EntrySheet, "A5"); code != "agri.planted_area" {
		t.Fatalf("A5 = %q", code)
	}
	if plan, _ := f.GetCellValue(sheet.EntrySheet, "E5", excelize.Options{RawCellValue: true}); plan != "100000" {
		t.Errorf("plan = %q", plan)
	}
	f.SetCellValue(sheet.EntrySheet, "F5", 31500)
	f.SetCellValue(sheet.EntrySheet, "G5", "theo báo cáo huyện")
	var filled bytes.Buffer
	if _, err := f.WriteTo(&filled); err != nil {
		t.Fatal(err)
	}
	c.get("/upload")
	rec = c.postFile("/upload", "file", "bieu-nhap.xlsx", filled.String(), nil)
	id := regexpFind(body(rec), `name="id" value="([0-9a-f]+)"`)
	if rec.Code != 200 || id == "" {
		t.Fatalf("upload: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != 200 {
		t.Fatalf("commit: %d", rec.Code)
	}
	v, ok := current(t, s, planwatch.Key{Indicator: "agri.planted_area", Unit: "20", Period: planwatch.QuarterOf(2022, 2)})
	if !ok || *v.Value != 31500 || v.Comment != "theo báo cáo huyện" || v.Source.Row != 5 {
		t.Errorf("stored %+v", v)
	}
}

// TestUploadAtomicNone: chosen on the upload page, atomicMode=NONE previews
// the valid part with the refused rows as warnings, and stores that part.
func TestUploadAtomicNone(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload?lang=en")
	file := "indicator,orgunit,period,value\nagri.planted_area,20,2022Q2,31000\nagri.planted_area,178,2022Q2,abc\n"
	if rec := c.postFile("/upload", "file", "v.csv", file, nil); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("all or nothing by default: %d", rec.Code)
	}
	rec := c.postFile("/upload?lang=en", "file", "v.csv", file, url.Values{"atomicMode": {"NONE"}})
	b := body(rec)
	id := regexpFind(b, `name="id" value="([0-9a-f]+)"`)
	if rec.Code != 200 || id == "" || !strings.Contains(b, "Save the valid part") || !strings.Contains(b, "abc") {
		t.Fatalf("NONE preview: %d\n%s", rec.Code, bodyStart(b))
	}
	noMissing(t, b)
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != 200 {
		t.Fatalf("commit: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if v, ok := current(t, s, planwatch.Key{Indicator: "agri.planted_area", Unit: "20", Period: planwatch.QuarterOf(2022, 2)}); !ok || *v.Value != 31000 {
		t.Errorf("valid row not stored: %+v", v)
	}
	if _, ok := current(t, s, planwatch.Key{Indicator: "agri.planted_area", Unit: "178", Period: planwatch.QuarterOf(2022, 2)}); ok {
		t.Error("the refused row was stored")
	}
}
