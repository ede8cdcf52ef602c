package demo

import (
	"reflect"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
)

// TestBuildDeterministic (issue 15, 18): two demos differed in 332 values,
// the districts coming in map order. Two builds are now the same.
func TestBuildDeterministic(t *testing.T) {
	units, transitions, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	list, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	inds := map[string]planwatch.Indicator{}
	for _, ind := range list {
		inds[ind.Code] = ind
	}
	now := time.Date(2022, 4, 20, 0, 0, 0, 0, time.UTC)
	var first *planwatch.ChangeSet
	for i := range 4 {
		cs, err := Build(planwatch.NewHierarchy(units, transitions), inds, now)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = cs
			continue
		}
		if len(cs.Values) != len(first.Values) {
			t.Fatalf("build %d: %d values, first %d", i, len(cs.Values), len(first.Values))
		}
		differ := 0
		for k := range cs.Values {
			if !reflect.DeepEqual(cs.Values[k], first.Values[k]) {
				differ++
			}
		}
		if differ > 0 || !reflect.DeepEqual(cs.Targets, first.Targets) {
			t.Fatalf("build %d differs from the first in %d values", i, differ)
		}
	}
}
