package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"planwatch"
	"planwatch/storetest"
)

// TestRefusedApplyChangesNothing: a change set refused by a check that
// comes after the store has begun writing in its transaction (the series
// of its new keys created, then a locked key or a unit outside its life
// found among the last values), or whose stream fails after its last
// value, leaves every table of the file as it was; so does its dry run.
func TestRefusedApplyChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	defer db.Close()
	if err := storetest.Fixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	stored := storetest.LargeChangeSet(400)
	var first []planwatch.DataValue
	for _, v := range stored {
		if v.Indicator == "trade.retail" {
			first = append(first, v)
		}
	}
	if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: first}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db.Path()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	before := tableCounts(t, raw)
	if before["series"] == 0 || before["revisions"] == 0 || before["change_sets"] == 0 {
		t.Fatalf("the first change set stored nothing: %v", before)
	}
	// Values of new series (bank.deposits) and new values of stored ones
	// (trade.retail, later years), then the refused one last.
	news := storetest.LargeChangeSet(2000)[400:]
	for i := range news {
		news[i].Value = planwatch.Float(*news[i].Value + 1)
	}
	mk := func(ind, unit, period string) planwatch.DataValue {
		v := news[0]
		v.Key = planwatch.Key{Indicator: ind, Unit: unit, Period: planwatch.MustPeriod(period)}
		v.Source.Row = len(news) + 1
		return v
	}
	for _, c := range []struct {
		name string
		last planwatch.DataValue
		code string
	}{
		{"a locked key", mk("price.cpi", "178", "202202"), planwatch.ECONFLICT},
		{"a unit outside its life", mk("price.cpi", "05977", "202508"), planwatch.EINVALID},
	} {
		vs := append(append([]planwatch.DataValue(nil), news...), c.last)
		for _, dry := range []bool{true, false} {
			_, err := db.Apply(ctx, &planwatch.ChangeSet{By: "bình", DryRun: dry, Values: vs})
			if planwatch.ErrorCode(err) != c.code {
				t.Fatalf("%s (dry run %v): %v, want %s", c.name, dry, err, c.code)
			}
			sameCounts(t, fmt.Sprintf("%s (dry run %v)", c.name, dry), before, tableCounts(t, raw))
		}
	}
	broken := errors.New("the disk went away")
	_, err = db.ApplyStream(ctx, &planwatch.ChangeSet{By: "bình"}, func(yield func(planwatch.DataValue, error) bool) {
		for _, v := range news {
			if !yield(v, nil) {
				return
			}
		}
		yield(planwatch.DataValue{}, broken)
	})
	if !errors.Is(err, broken) {
		t.Fatalf("a stream failing at its end: %v", err)
	}
	sameCounts(t, "a failed stream", before, tableCounts(t, raw))
	// The same values without the refused one go through.
	if res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "bình", Values: news}); err != nil || res.Imported+res.Updated != len(news) {
		t.Fatalf("the values alone: %+v %v", res, err)
	}
	if after := tableCounts(t, raw); after["series"] <= before["series"] || after["revisions"] <= before["revisions"] {
		t.Errorf("the values alone stored nothing: %v, before %v", after, before)
	}
}

// tableCounts counts the rows of every table of the database.
func tableCounts(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		var c int
		if err := raw.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	return out
}

func sameCounts(t *testing.T, what string, want, got map[string]int) {
	t.Helper()
	for n, c := range want {
		if got[n] != c {
			t.Errorf("%s: table %s has %d rows, had %d", what, n, got[n], c)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d tables, had %d", what, len(got), len(want))
	}
}
