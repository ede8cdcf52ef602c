package web

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/sqlite"
)

// Issue 16's example on the pages: new Tuyên Quang (08) against the former
// provinces 02 and 08; its lineage; and the country's dashboard.
func TestReformOnPages(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"), sqlite.WithNow(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveIndicators(ctx, fixtureIndicators(), "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrgUnits(ctx, units, trans, "test"); err != nil {
		t.Fatal(err)
	}
	const code = "trade.retail_sales_services"
	cs := &planwatch.ChangeSet{By: "test", From: "test", Values: []planwatch.DataValue{
		qv(code, "02", "2024Q3", 1000e9), qv(code, "08", "2024Q3", 2000e9), qv(code, "08", "2025Q3", 3150e9),
	}}
	if _, err := st.Apply(ctx, cs); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newTestServer(t, Config{Store: st, PublicRead: true, Authenticate: headerUser}))

	page := body(c.get("/indicators/" + code + "?unit=08&period=2025Q3"))
	for _, want := range []string{"&#43;5%", "cùng kỳ: 3.000 tỷ đồng", "Hà Giang (02)", "Tuyên Quang (08)", `id="lineage"`, "01/07/2025"} {
		if !strings.Contains(page, want) {
			t.Errorf("indicator page of new 08 lacks %q\n%s", want, page[strings.Index(page, "<main"):])
		}
	}
	if strings.Contains(page, "+57,5") {
		t.Error("growth compares new 08 with old 08 alone (+57,5%)")
	}
	// The country adds the provinces: 3.150 tỷ đồng in 2025Q3.
	dash := body(c.get("/?unit=VN&period=2025Q3"))
	if !strings.Contains(dash, "3.150") || !strings.Contains(dash, "&#43;5%") {
		t.Errorf("country dashboard lacks 3.150 and +5%%:\n%s", dash)
	}
	// The province's own dashboard says its growth is against the former units.
	if d08 := body(c.get("/?unit=08&period=2025Q3")); !strings.Contains(d08, "so với các đơn vị cũ") {
		t.Errorf("dashboard of new 08 does not say its growth is against the former units")
	}

	// A planner enters 2024Q3 for new 08 as restated for today's territory
	// (the form offers the choice for a reorganised unit): growth uses it.
	c.user = "planner"
	form := body(c.get("/entry?unit=08&period=2024Q3&sector=" + url.QueryEscape("Thương mại, dịch vụ")))
	if !strings.Contains(form, `id="entry-restated"`) {
		t.Fatal("the entry form of new 08 for 2024Q3 offers no restated choice")
	}
	rec := c.postForm("/entry?unit=08&period=2024Q3&sector="+url.QueryEscape("Thương mại, dịch vụ"), url.Values{
		"v." + code: {"3.100"}, "vin." + code: {"official"}, "basis." + code: {"period"}, "restated": {"1"}})
	if rec.Code >= 400 {
		t.Fatalf("entry: %d\n%s", rec.Code, body(rec))
	}
	page = body(c.get("/indicators/" + code + "?unit=08&period=2025Q3"))
	if !strings.Contains(page, "cùng kỳ: 3.100 tỷ đồng") || !strings.Contains(page, "tính lại theo địa giới mới") {
		t.Errorf("after a restated 2024Q3, the indicator page of 08 does not compare with it:\n%s", page[strings.Index(page, "<main"):])
	}
}

// POST /api/values may say a figure is restated for today's territory.
func TestAPIRestated(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	c := newClient(t, s)
	c.user = "planner"
	rec := c.postJSON("/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2021Q4","value":5,"source":{"kind":"restated","ref":"GSO yearbook 2025"}}]`)
	if rec.Code != 200 {
		t.Fatalf("POST /api/values: %d %s", rec.Code, body(rec))
	}
	v, ok := s.data.live.Dataset().Reported("trade.retail_sales_services", "178", planwatch.MustPeriod("2021Q4"))
	if !ok || v.Source.Kind != planwatch.SourceRestated || v.Source.Ref != "GSO yearbook 2025" {
		t.Fatalf("stored %+v, want a restated value with its reference", v.Source)
	}
}
