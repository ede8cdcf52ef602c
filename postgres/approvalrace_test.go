package postgres_test

import (
	"database/sql"
	"testing"
	"time"

	"planwatch"
)

// TestImportAfterConcurrentApproval: an approval committing while an
// import is being checked must not let the import write into the unit and
// period it locked. The import's lock check (READ COMMITTED) ran before it
// took the change lock, so an approval committed between the check and the
// import's commit was missed: the import waited on the approval's lock and
// then wrote into an approved period.
func TestImportAfterConcurrentApproval(t *testing.T) {
	ctx := t.Context()
	db, dsn := open(t)
	defer db.Close()
	from := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.SaveIndicators(ctx, []planwatch.Indicator{{Code: "trade.retail", NameVI: "Bán lẻ", Unit: "tỷ đồng", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Periodicity: "quarter"}}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveOrgUnits(ctx, []planwatch.OrgUnit{{Code: "20", Name: "Lạng Sơn", Level: planwatch.LevelProvince, ValidFrom: from},
		{Code: "178", Name: "Thành phố Lạng Sơn", Parent: "20", Level: planwatch.LevelDistrict, ValidFrom: from}}, nil, "test"); err != nil {
		t.Fatal(err)
	}
	// An approval in flight on another connection: it holds the change
	// lock and has written its row, not yet committed.
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(0x706c616e63686773)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (orgunit, period, year, first_month, last_month, period_type, state, who, at, comment)
		VALUES ('178', '2022Q1', 2022, 1, 3, $1, 'approved', 'an', now(), '')`, int(planwatch.MustPeriod("2022Q1").Type)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.Apply(ctx, &planwatch.ChangeSet{By: "lan", From: "test", Values: []planwatch.DataValue{{
			Key: planwatch.Key{Indicator: "trade.retail", Unit: "178", Period: planwatch.MustPeriod("2022Q1")}, Basis: planwatch.BasisPeriod,
			Vintage: planwatch.Official, Value: planwatch.Float(1e9), Source: planwatch.Source{Kind: planwatch.SourceIllustrative, Ref: "test"}}}})
		done <- err
	}()
	// The import waits for the lock (wherever it asks for it).
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		var waiting int
		if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import never waited for the change lock")
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	err = <-done
	if planwatch.ErrorCode(err) != planwatch.ECONFLICT {
		t.Errorf("import into 178 2022Q1 after its approval committed: %v, want refused as locked", err)
	}
	vals, _ := db.Values(ctx, planwatch.ValueQuery{Units: []string{"178"}})
	if len(vals) != 0 {
		t.Errorf("the approved period holds %d imported values", len(vals))
	}
}
