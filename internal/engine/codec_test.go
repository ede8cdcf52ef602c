package engine

import (
	"math"
	"reflect"
	"testing"
	"time"

	"planwatch"
)

func TestCodecRoundTrip(t *testing.T) {
	d := ChangeDefaults{By: "an", At: time.Date(2025, 7, 1, 8, 0, 0, 5, time.UTC), Kind: planwatch.SourceFile, Ref: "v.csv"}
	other := time.Date(2021, 1, 2, 3, 4, 5, 999999999, time.UTC)
	values := []planwatch.DataValue{
		{Key: planwatch.Key{Period: planwatch.MustPeriod("2022Q1")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official,
			Value: planwatch.Float(279.6), Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 2}, By: "an", At: d.At},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("202201-202206")}, Basis: planwatch.BasisCumulative, Vintage: planwatch.Estimate,
			Value: planwatch.Float(5953e9), YoY: planwatch.Float(7.35), PlanPct: planwatch.Float(26.3), VsRef: planwatch.Float(-1.8),
			Comment: "ước tính", Source: planwatch.Source{Kind: planwatch.SourceDocument, Ref: "Báo cáo", Sentence: "Tổng mức … 5.953 tỷ", Row: 1},
			By: "binh", At: other},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("2021")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Preliminary,
			Deleted: true, Source: planwatch.Source{Kind: planwatch.SourceDerived, Formula: "a / (1 + g)"}, By: "an", At: d.At},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("202112")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official,
			Value: planwatch.Float(math.Copysign(0, -1)), Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 1_000_000}, By: "an", At: d.At},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("2022S2")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official,
			Value: planwatch.Float(0.1 + 0.2), Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 3}, By: "an", At: d.At},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("2022Q1-Q3")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official,
			Value: planwatch.Float(-1.7976931348623157e308), Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 4}, By: "an", At: d.At},
		{Key: planwatch.Key{Period: planwatch.MustPeriod("2022Q1")}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official,
			Value: planwatch.Float(123456789012345), Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 5}, By: "an", At: d.At},
	}
	var entries []Entry
	for i := range values {
		values[i].Revision = i + 1
		e := EntryOf(&values[i], i, &d)
		e.Revision = uint32(i + 1)
		e.Index = 0
		entries = append(entries, e)
	}
	if entries[0].Extra != nil {
		t.Errorf("a value with the change set's who, when and source has extra fields: %+v", entries[0].Extra)
	}
	data := Encode(nil, entries)
	got, err := Decode(nil, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(values) {
		t.Fatalf("%d entries back, want %d", len(got), len(values))
	}
	for i := range got {
		v := got[i].DataValue("", "", &d)
		want := values[i]
		if math.Float64bits(deref(v.Value)) != math.Float64bits(deref(want.Value)) || !v.At.Equal(want.At) {
			t.Errorf("%d: value %v at %v, want %v at %v", i, deref(v.Value), v.At, deref(want.Value), want.At)
		}
		v.At, want.At = time.Time{}, time.Time{}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("%d:\n got %+v\nwant %+v", i, v, want)
		}
	}
	// A year of monthly figures of a file costs a few bytes each.
	var year []Entry
	for m := 1; m <= 12; m++ {
		v := planwatch.DataValue{Key: planwatch.Key{Period: planwatch.MonthOf(2024, m)}, Basis: planwatch.BasisPeriod,
			Vintage: planwatch.Official, Value: planwatch.Float(float64(1000+m) + 0.5), By: "an", At: d.At,
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: 100 + m}}
		e := EntryOf(&v, m, &d)
		e.Revision = 1
		year = append(year, e)
	}
	if n := len(Encode(nil, year)); n > 12*10 {
		t.Errorf("12 monthly revisions take %d bytes, want at most %d", n, 12*10)
	}
}

func deref(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

func TestDecimalOf(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 279.6, 0.1, 5953e9, 1e22, 1e-22, 123.456e-7, math.Pi, math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1 + 0.2} {
		m, exp, ok := decimalOf(f)
		if ok && math.Float64bits(fromDecimal(m, exp)) != math.Float64bits(f) {
			t.Errorf("%v: %d e%d does not give it back", f, m, exp)
		}
	}
	if _, _, ok := decimalOf(279.6); !ok {
		t.Error("279.6 is not written as a decimal")
	}
	if _, _, ok := decimalOf(math.Copysign(0, -1)); ok {
		t.Error("-0 written as a decimal loses its sign")
	}
}

// FuzzDecode: stored bytes, whatever they are, never crash a reader, and
// what decodes encodes back to the same entries.
func FuzzDecode(f *testing.F) {
	d := ChangeDefaults{By: "x"}
	v := planwatch.DataValue{Key: planwatch.Key{Period: planwatch.MustPeriod("2022Q1")}, Vintage: planwatch.Official,
		Value: planwatch.Float(2.5), YoY: planwatch.Float(1), Comment: "c", By: "y"}
	f.Add(Encode(nil, []Entry{EntryOf(&v, 0, &d)}))
	f.Add([]byte{1, 0x3f, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := Decode(nil, data)
		if err != nil {
			return
		}
		again, err := Decode(nil, Encode(nil, es))
		if err != nil || len(again) != len(es) {
			t.Fatalf("re-encoding %d entries: %d, %v", len(es), len(again), err)
		}
	})
}

// FuzzDecimalOf: a figure written as a decimal gives itself back, bit for bit.
func FuzzDecimalOf(f *testing.F) {
	for _, x := range []float64{279.6, 0.1, 5953e9, -1.5, 1e-7, 123456.789} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if m, exp, ok := decimalOf(x); ok && math.Float64bits(fromDecimal(m, exp)) != math.Float64bits(x) {
			t.Fatalf("%v: %d e%d", x, m, exp)
		}
	})
}
