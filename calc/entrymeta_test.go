package calc

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"planwatch"
)

// An entry's revision, provenance and detail are kept apart from it
// (entryMeta, a slice beside the series): after random additions,
// replacements and withdrawals, spread over series that grow and shrink,
// every current value comes back with its own revision, author, time,
// source and comment — from the index, and from a snapshot of it read back
// (and the current version of each target).
func TestEntryMetaStaysWithItsEntry(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 12))
	d := NewDataset(nil, nil, nil, nil, nil)
	type key struct {
		ind, unit         string
		year, first, last int
		basis             planwatch.Basis
	}
	want := map[key]planwatch.DataValue{}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for n := range 3000 {
		year, m := 2023+rng.IntN(3), 1+rng.IntN(12)
		period := fmt.Sprintf("%dM%02d", year, m)
		basis := planwatch.BasisPeriod
		if rng.IntN(5) == 0 {
			period = fmt.Sprintf("%dM01-%dM%02d", year, year, m)
			basis = planwatch.BasisCumulative
		}
		v := val([]string{"a", "b"}[rng.IntN(2)], fmt.Sprintf("U%d", rng.IntN(6)), period, float64(rng.IntN(1000)), basis)
		v.Normalize()
		v.Revision = n + 1
		v.By = fmt.Sprintf("user%d", rng.IntN(50))
		v.At = at.Add(time.Duration(n) * time.Minute)
		v.Source = planwatch.Source{Kind: planwatch.SourceKind([]string{"import", "form", "restated"}[rng.IntN(3)]), Ref: fmt.Sprintf("file%d.csv", rng.IntN(40))}
		if rng.IntN(3) == 0 {
			v.Comment = fmt.Sprintf("ghi chú %d", n)
		}
		k := key{v.Indicator, v.Unit, v.Period.Year, v.Period.First, v.Period.Last, v.Basis}
		if rng.IntN(6) == 0 {
			v.Deleted, v.Value = true, nil
			delete(want, k)
		} else {
			want[k] = v
		}
		d.AddValue(v)
	}
	check := func(what string, d *Dataset) {
		t.Helper()
		got := d.Values(planwatch.ValueQuery{})
		if len(got) != len(want) || d.Len() != len(want) {
			t.Fatalf("%s: %d values (Len %d), want %d", what, len(got), d.Len(), len(want))
		}
		for _, g := range got {
			w, ok := want[key{g.Indicator, g.Unit, g.Period.Year, g.Period.First, g.Period.Last, g.Basis}]
			if !ok {
				t.Fatalf("%s: %v %s is not current", what, g.Key, g.Basis)
			}
			if g.Revision != w.Revision || g.By != w.By || !g.At.Equal(w.At) || g.Source.Kind != w.Source.Kind || g.Source.Ref != w.Source.Ref ||
				g.Comment != w.Comment || *g.Value != *w.Value {
				t.Fatalf("%s: %v %s came back as rev %d by %s at %v from %s %s (%q) = %v, want rev %d by %s at %v from %s %s (%q) = %v", what, g.Key, g.Basis,
					g.Revision, g.By, g.At, g.Source.Kind, g.Source.Ref, g.Comment, *g.Value, w.Revision, w.By, w.At, w.Source.Kind, w.Source.Ref, w.Comment, *w.Value)
			}
		}
	}
	check("index", d)
	// Targets with several versions: the latest of each key comes back.
	var targets []planwatch.Target
	for v := 3; v >= 1; v-- {
		targets = append(targets, planwatch.Target{Indicator: "a", Unit: "U1", Year: 2025, Kind: planwatch.TargetPlan, Value: float64(100 * v), Version: v},
			planwatch.Target{Indicator: "b", Unit: "U2", Year: 2024, Kind: planwatch.TargetPlan, Value: float64(10 * v), Version: 4 - v})
	}
	d.SetTargets(targets, nil)
	var buf bytes.Buffer
	if err := d.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	img := make([]byte, buf.Len()+8)
	img = img[:buf.Len()] // 8-byte aligned, as a mapping is
	copy(img, buf.Bytes())
	back := NewDataset(nil, nil, nil, nil, nil)
	if _, _, err := back.readSnapshot(img); err != nil {
		t.Fatal(err)
	}
	check("snapshot read back", back)
	if a, _ := back.Target("a", "U1", 2025, planwatch.TargetPlan); a.Value != 300 {
		t.Fatalf("target of a read back: %v, want version 3's 300", a.Value)
	}
	if b, _ := back.Target("b", "U2", 2024, planwatch.TargetPlan); b.Value != 10 {
		t.Fatalf("target of b read back: %v, want version 3's 10", b.Value)
	}
	if n := len(back.Targets()); n != 2 {
		t.Fatalf("%d targets read back, want 2", n)
	}
	// A change after the read copies the mapped entries and their rest out together.
	for k, v := range want {
		v.Revision += 10000
		v.Comment = "sửa"
		want[k] = v
		back.AddValue(v)
		break
	}
	check("snapshot read back, then a change", back)
}
