package postgres

import (
	"context"
	"testing"
	"time"

	"planwatch"
	"planwatch/postgres/pgtest"
)

// TestConvertValues: a database of the first schema (one row per revision,
// migration 005) keeps every revision, with its number, author, time,
// source and stated figures, through migration 006, and its current values.
func TestConvertValues(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	old, err := Open(ctx, dsn, func(db *DB) { db.schemaUpTo = 5 })
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := old.w.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// As the code of the time wrote them: raw rows.
	for _, code := range []string{"trade.retail", "bank.deposits"} {
		exec(`INSERT INTO indicators (code, name_vi, kind, time_agg, unit_agg, direction) VALUES ($1, $1, 'flow', 'sum', 'sum', 1)`, code)
	}
	exec(`INSERT INTO orgunits (code, valid_from, name, level) VALUES ('20', '2020-01-01', 'Lạng Sơn', 1)`)
	t1 := time.Date(2022, 4, 5, 6, 7, 8, 9, time.UTC)
	t2 := time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)
	insert := func(k, ind, unit, period string, year, first, last, typ int, basis string, vintage, revision int,
		value, yoy any, comment string, deleted bool, kind, ref string, row int, sentence, who string, at time.Time) {
		t.Helper()
		ts, ns := splitTime(at)
		exec(`INSERT INTO datavalues (k, indicator, orgunit, period, year, first_month, last_month, period_type, basis,
			vintage, revision, value, yoy, comment, deleted, source_kind, source_ref, source_row, source_sentence, who, at, at_ns)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			k, ind, unit, period, year, first, last, typ, basis, vintage, revision, value, yoy, comment, deleted, kind, ref, row, sentence, who, ts, ns)
	}
	insert("trade.retail/20/2022Q1", "trade.retail", "20", "2022Q1", 2022, 1, 3, 2, "period", 3, 1, 10.5, nil, "", false, "file", "a.csv", 2, "", "an", t1)
	insert("trade.retail/20/2022Q1", "trade.retail", "20", "2022Q1", 2022, 1, 3, 2, "period", 3, 2, 11.0, 5.2, "sửa", false, "document", "Báo cáo 12", 0, "Bán lẻ đạt 11 tỷ", "binh", t2)
	insert("bank.deposits/20/202201-202206", "bank.deposits", "20", "202201-202206", 2022, 1, 6, 5, "cumulative", 1, 1, 3.0, nil, "", false, "file", "a.csv", 3, "", "an", t1)
	insert("bank.deposits/20/202201-202206", "bank.deposits", "20", "202201-202206", 2022, 1, 6, 5, "cumulative", 1, 2, nil, nil, "", true, "form", "", 0, "", "chi", t2)
	old.Close()

	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("migrating: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE tablename IN ('datavalues', 'value_heads')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("old tables left: %d (%v)", n, err)
	}
	revs, err := db.Revisions(ctx, planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022Q1")})
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	r1, r2 := revs[0], revs[1]
	if *r1.Value != 10.5 || r1.By != "an" || !r1.At.Equal(t1) || r1.Source != (planwatch.Source{Kind: "file", Ref: "a.csv", Row: 2}) || r1.Revision != 1 {
		t.Errorf("first revision: %+v", r1)
	}
	if *r2.Value != 11 || *r2.YoY != 5.2 || r2.Comment != "sửa" || r2.By != "binh" || !r2.At.Equal(t2) || r2.Revision != 2 ||
		r2.Source != (planwatch.Source{Kind: "document", Ref: "Báo cáo 12", Sentence: "Bán lẻ đạt 11 tỷ"}) {
		t.Errorf("second revision: %+v", r2)
	}
	cum, err := db.Revisions(ctx, planwatch.Key{Indicator: "bank.deposits", Unit: "20", Period: planwatch.MustPeriod("202201-202206")})
	if err != nil || len(cum) != 2 || cum[0].Basis != planwatch.BasisCumulative || !cum[1].Deleted || cum[1].By != "chi" {
		t.Errorf("withdrawn series: %+v %v", cum, err)
	}
	vals, err := db.Values(ctx, planwatch.ValueQuery{})
	if err != nil || len(vals) != 1 || *vals[0].Value != 11 {
		t.Errorf("current values after migration: %+v %v", vals, err)
	}
	v := planwatch.DataValue{Key: r2.Key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(12)}
	if res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "dung", Values: []planwatch.DataValue{v}}); err != nil || res.Updated != 1 {
		t.Fatalf("apply after migration: %+v %v", res, err)
	}
	if revs, _ := db.Revisions(ctx, r2.Key); len(revs) != 3 || revs[2].Revision != 3 {
		t.Errorf("revisions after a new one: %+v", revs)
	}
}
