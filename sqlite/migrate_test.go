package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"planwatch"
)

// TestConvertValues: a database of the first schema (one row per revision,
// migration 005) keeps every revision, with its number, author, time,
// source and stated figures, through migration 006, and its current values.
func TestConvertValues(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, func(db *DB) { db.schemaUpTo = 5 })
	if err != nil {
		t.Fatal(err)
	}
	// As the code of the time wrote them: raw rows.
	for _, code := range []string{"trade.retail", "bank.deposits"} {
		if _, err := old.w.ExecContext(ctx, `INSERT INTO indicators (code, name_vi, kind, time_agg, unit_agg, direction)
			VALUES (?, ?, 'flow', 'sum', 'sum', 1)`, code, code); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := old.w.ExecContext(ctx, `INSERT INTO orgunits (code, valid_from, name, level) VALUES ('20', '2020-01-01', 'Lạng Sơn', 1)`); err != nil {
		t.Fatal(err)
	}
	t1 := time.Date(2022, 4, 5, 6, 7, 8, 9, time.UTC)
	t2 := time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)
	rows := []struct {
		k, ind, unit, period   string
		year, first, last, typ int
		basis                  string
		vintage, revision      int
		value, yoy             any
		comment                string
		deleted                int
		kind, ref              string
		row                    int
		sentence, who          string
		at                     time.Time
	}{
		{"trade.retail/20/2022Q1", "trade.retail", "20", "2022Q1", 2022, 1, 3, 2, "period", 3, 1, 10.5, nil, "", 0, "file", "a.csv", 2, "", "an", t1},
		{"trade.retail/20/2022Q1", "trade.retail", "20", "2022Q1", 2022, 1, 3, 2, "period", 3, 2, 11.0, 5.2, "sửa", 0, "document", "Báo cáo 12", 0, "Bán lẻ đạt 11 tỷ", "binh", t2},
		{"bank.deposits/178/202201-202206", "bank.deposits", "178", "202201-202206", 2022, 1, 6, 5, "cumulative", 1, 1, 3.0, nil, "", 0, "file", "a.csv", 3, "", "an", t1},
		{"bank.deposits/178/202201-202206", "bank.deposits", "178", "202201-202206", 2022, 1, 6, 5, "cumulative", 1, 2, nil, nil, "", 1, "form", "", 0, "", "chi", t2},
	}
	for _, r := range rows {
		if _, err := old.w.ExecContext(ctx, `INSERT INTO datavalues (k, indicator, orgunit, period, year, first_month, last_month,
			period_type, basis, vintage, revision, value, yoy, comment, deleted, source_kind, source_ref, source_row,
			source_sentence, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.k, r.ind, r.unit, r.period, r.year, r.first, r.last, r.typ, r.basis, r.vintage, r.revision, r.value, r.yoy,
			r.comment, r.deleted, r.kind, r.ref, r.row, r.sentence, r.who, formatTime(r.at)); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("migrating: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('datavalues', 'current_values')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("old tables left: %d (%v)", n, err)
	}
	revs, err := db.Revisions(ctx, planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022Q1")})
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	r1, r2 := revs[0], revs[1]
	if *r1.Value != 10.5 || r1.By != "an" || !r1.At.Equal(t1) || r1.Source != (planwatch.Source{Kind: "file", Ref: "a.csv", Row: 2}) || r1.Revision != 1 || r1.YoY != nil {
		t.Errorf("first revision: %+v", r1)
	}
	if *r2.Value != 11 || *r2.YoY != 5.2 || r2.Comment != "sửa" || r2.By != "binh" || !r2.At.Equal(t2) || r2.Revision != 2 ||
		r2.Source != (planwatch.Source{Kind: "document", Ref: "Báo cáo 12", Sentence: "Bán lẻ đạt 11 tỷ"}) || r2.Vintage != planwatch.Official {
		t.Errorf("second revision: %+v", r2)
	}
	cum, err := db.Revisions(ctx, planwatch.Key{Indicator: "bank.deposits", Unit: "178", Period: planwatch.MustPeriod("202201-202206")})
	if err != nil || len(cum) != 2 || cum[0].Basis != planwatch.BasisCumulative || !cum[1].Deleted || cum[1].By != "chi" || cum[1].Vintage != planwatch.Estimate {
		t.Errorf("withdrawn series: %+v %v", cum, err)
	}
	vals, err := db.Values(ctx, planwatch.ValueQuery{})
	if err != nil || len(vals) != 1 || *vals[0].Value != 11 {
		t.Errorf("current values after migration: %+v %v", vals, err)
	}
	seq, err := db.ChangeSeq(ctx)
	if err != nil || seq == 0 {
		t.Errorf("ChangeSeq after migration: %d %v", seq, err)
	}
	var got []planwatch.DataValue
	if _, err := db.CurrentSince(ctx, 0, func(v planwatch.DataValue) error { got = append(got, v); return nil }); err != nil || len(got) != 1 {
		t.Errorf("CurrentSince(0) after migration: %+v %v", got, err)
	}
	// The migrated store takes new revisions after the old ones.
	v := planwatch.DataValue{Key: r2.Key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(12)}
	if res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "dung", Values: []planwatch.DataValue{v}}); err != nil || res.Updated != 1 {
		t.Fatalf("apply after migration: %+v %v", res, err)
	}
	if revs, _ := db.Revisions(ctx, r2.Key); len(revs) != 3 || revs[2].Revision != 3 {
		t.Errorf("revisions after a new one: %+v", revs)
	}
}
