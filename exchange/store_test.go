package exchange

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/demo"
	"planwatch/dhis2"
	"planwatch/sqlite"
)

// newStore opens an in-memory database with the embedded catalogue.
func newStore(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveIndicators(ctx, inds, "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveOrgUnits(ctx, units, trans, "test"); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestDemoRoundTrip exports the demo database's values in every format,
// imports them into a fresh database and compares the current values; a
// second import of the same file changes nothing.
func TestDemoRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	if _, err := demo.Load(ctx, src, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	values, err := src.Values(ctx, planwatch.ValueQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(values) < 10 {
		t.Fatalf("only %d demo values", len(values))
	}
	indList, _ := src.Indicators(ctx)
	inds := map[string]planwatch.Indicator{}
	for _, ind := range indList {
		inds[ind.Code] = ind
	}
	unitList, _ := src.OrgUnits(ctx)
	units := map[string]bool{}
	for _, u := range unitList {
		units[u.Code] = true
	}
	// XLSX numbers keep 15 significant digits, as Excel does; the other
	// formats all 17. round makes a value comparable at that precision.
	digits := -1
	round := func(p *float64) *float64 {
		if p == nil || digits < 0 || *p == 0 {
			return p
		}
		mag := math.Pow(10, float64(digits-1)-math.Floor(math.Log10(math.Abs(*p))))
		r := math.Trunc(*p*mag) / mag
		r, _ = strconv.ParseFloat(strconv.FormatFloat(r, 'g', digits-1, 64), 64)
		return &r
	}
	strip := func(vs []planwatch.DataValue) []planwatch.DataValue {
		out := make([]planwatch.DataValue, len(vs))
		for i, v := range vs {
			v.Source, v.By, v.At, v.Revision, v.Approved = planwatch.Source{}, "", time.Time{}, 0, false
			v.Value, v.YoY, v.PlanPct, v.VsRef = round(v.Value), round(v.YoY), round(v.PlanPct), round(v.VsRef)
			out[i] = v
		}
		return out
	}
	for _, f := range WriteFormats {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(f, &b, values, inds, dhis2.Mapping{}); err != nil {
				t.Fatal(err)
			}
			file := b.Bytes()
			digits = -1
			if f == XLSX {
				digits = 15
			}
			dst := newStore(t)
			opts := Options{Ref: "export", By: "importer", Indicators: inds, Units: units}
			s, err := Import(ctx, dst, Detect("export", file), bytes.NewReader(file), opts)
			if err != nil || s.Status != StatusSuccess {
				t.Fatalf("import: %+v, %v", s, err)
			}
			if s.ImportCount.Imported == 0 {
				t.Errorf("summary %+v: nothing imported", s.ImportCount)
			}
			got, err := dst.Values(ctx, planwatch.ValueQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(strip(got), strip(values)) {
				for i := range min(len(got), len(values)) {
					if !reflect.DeepEqual(strip(got[i:i+1]), strip(values[i:i+1])) {
						t.Fatalf("%d values, want %d; first difference:\n got %s\nwant %s", len(got), len(values), describe(got[i]), describe(values[i]))
					}
				}
				t.Fatalf("%d values, want %d", len(got), len(values))
			}
			// Importing the same file again changes nothing.
			s, err = Import(ctx, dst, Detect("export", file), bytes.NewReader(file), opts)
			if err != nil || s.Status != StatusSuccess || s.ImportCount.Imported+s.ImportCount.Updated != 0 {
				t.Errorf("second import: %+v, %v", s, err)
			}
		})
	}
}

func describe(v planwatch.DataValue) string {
	f := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return strconv.FormatFloat(*p, 'g', -1, 64)
	}
	return fmt.Sprintf("%s %s %s value=%s yoy=%s plan=%s ref=%s comment=%q deleted=%v",
		v.Key, v.Basis, v.Vintage, f(v.Value), f(v.YoY), f(v.PlanPct), f(v.VsRef), v.Comment, v.Deleted)
}

// TestReimportAltersOnlyWhatTheFileSays: against a real store, a DHIS2 file
// without a comment column keeps the stored comment and the reported
// comparison, an empty value changes nothing, and deleted=true deletes.
func TestReimportAltersOnlyWhatTheFileSays(t *testing.T) {
	ctx := context.Background()
	db := newStore(t)
	opts := func() Options {
		var o Options
		inds, _ := db.Indicators(ctx)
		units, _ := db.OrgUnits(ctx)
		o.SetCatalogue(inds, units)
		o.SetStore(ctx, db)
		o.Ref, o.By = "partner.csv", "importer"
		return o
	}
	imp := func(in string) Summary {
		t.Helper()
		s, err := Import(ctx, db, DHIS2CSV, strings.NewReader(in), opts())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	k := planwatch.Key{Indicator: "agri.planted_area", Unit: "20", Period: planwatch.MonthOf(2022, 3)}
	cur := func() planwatch.DataValue {
		t.Helper()
		vs, err := db.Values(ctx, planwatch.ValueQuery{Indicators: []string{k.Indicator}, Units: []string{k.Unit}, FromMonth: 202203, ToMonth: 202203})
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 1 {
			return planwatch.DataValue{}
		}
		return vs[0]
	}
	if s := imp("dataelement,period,orgunit,categoryoptioncombo,value,comment\nagri.planted_area,202203,20,,500,đo đạc lại\nagri.planted_area,202203,20,YOY,4.5,\n"); s.Status != StatusSuccess {
		t.Fatalf("first import %+v", s)
	}
	if s := imp("dataelement,period,orgunit,value\nagri.planted_area,202203,20,510\n"); s.Status != StatusSuccess || s.ImportCount.Updated != 1 {
		t.Fatalf("re-import %+v", s)
	}
	if v := cur(); *v.Value != 510 || v.Comment != "đo đạc lại" || v.YoY == nil || *v.YoY != 4.5 {
		t.Errorf("after a file without comments: %+v", v)
	}
	if s := imp("dataelement,period,orgunit,value\nagri.planted_area,202203,20,\n"); s.Status != StatusError || s.Conflicts[0].ErrorCode != "E8120" {
		t.Errorf("empty value: %+v", s)
	}
	if v := cur(); v.Value == nil || *v.Value != 510 {
		t.Errorf("an empty value changed the stored one: %+v", v)
	}
	if s := imp("dataelement,period,orgunit,deleted\nagri.planted_area,202203,20,true\n"); s.Status != StatusSuccess || s.ImportCount.Deleted != 1 {
		t.Errorf("deleted=true: %+v", s)
	}
	if v := cur(); v.Value != nil {
		t.Errorf("still there: %+v", v)
	}
}

// TestStreamedImportNamesStoreProblems: streamed into a real store, a file
// with a conflict is refused whole, and the store's own problem with another
// row (a figure of 2022 for a commune formed in 2025) is reported with it.
func TestStreamedImportNamesStoreProblems(t *testing.T) {
	ctx := context.Background()
	db := newStore(t)
	var opts Options
	inds, _ := db.Indicators(ctx)
	units, _ := db.OrgUnits(ctx)
	opts.SetCatalogue(inds, units)
	opts.SetStore(ctx, db)
	in := "dataelement,period,orgunit,value\nagri.planted_area,202203,20,abc\nagri.planted_area,202204,11948,5\nagri.planted_area,202205,20,7\n"
	s, err := Import(ctx, db, DHIS2CSV, strings.NewReader(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusError || s.ConflictCount != 2 || s.Conflicts[0].Row != 2 || s.Conflicts[1].Row != 3 || !strings.Contains(s.Conflicts[1].Reason, "2025-07-01") {
		t.Errorf("summary %+v", s)
	}
	vs, _ := db.Values(ctx, planwatch.ValueQuery{Indicators: []string{"agri.planted_area"}, Units: []string{"20"}})
	if len(vs) != 0 {
		t.Errorf("stored %+v", vs)
	}
}

// TestNativeReimportKeepsUnsaid: a planwatch CSV without a comment column
// or comparison columns leaves the stored comment and comparisons as they
// are; with the column, an empty cell says the comment is empty.
func TestNativeReimportKeepsUnsaid(t *testing.T) {
	ctx := context.Background()
	db := newStore(t)
	var opts Options
	inds, _ := db.Indicators(ctx)
	units, _ := db.OrgUnits(ctx)
	opts.SetCatalogue(inds, units)
	opts.SetStore(ctx, db)
	imp := func(in string) Summary {
		t.Helper()
		s, err := Import(ctx, db, Native, strings.NewReader(in), opts)
		if err != nil || s.Status != StatusSuccess {
			t.Fatalf("%q: %+v %v", in, s, err)
		}
		return s
	}
	cur := func() planwatch.DataValue {
		vs, _ := db.Values(ctx, planwatch.ValueQuery{Indicators: []string{"agri.planted_area"}, Units: []string{"20"}})
		if len(vs) != 1 {
			t.Fatalf("values %+v", vs)
		}
		return vs[0]
	}
	imp("indicator,orgunit,period,value,yoy_pct,comment\nagri.planted_area,20,2022Q1,5,4.5,đo lại\n")
	imp("indicator,orgunit,period,value\nagri.planted_area,20,2022Q1,6\n")
	if v := cur(); *v.Value != 6 || v.Comment != "đo lại" || v.YoY == nil || *v.YoY != 4.5 {
		t.Errorf("without the columns: %+v", v)
	}
	imp("indicator,orgunit,period,value,comment\nagri.planted_area,20,2022Q1,7,\n")
	if v := cur(); *v.Value != 7 || v.Comment != "" || v.YoY == nil {
		t.Errorf("with an empty comment cell: %+v", v)
	}
}
