package ops_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/ops"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
	"planwatch/sqlite"
)

// fill gives a store a catalogue, units, a change set of values and an
// audit trail.
func fill(t *testing.T, ctx context.Context, s planwatch.Store) {
	t.Helper()
	ind := planwatch.Indicator{Code: "trade.retail", NameVI: "Tổng mức bán lẻ", Unit: "tỷ đồng", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter, Periodicity: "month"}
	if err := s.SaveIndicators(ctx, []planwatch.Indicator{ind}, "admin"); err != nil {
		t.Fatal(err)
	}
	units := []planwatch.OrgUnit{{Code: "20", Name: "Lạng Sơn", Level: 1, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if err := s.SaveOrgUnits(ctx, units, nil, "admin"); err != nil {
		t.Fatal(err)
	}
	var vs []planwatch.DataValue
	for m := 1; m <= 12; m++ {
		vs = append(vs, planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MonthOf(2022, m)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(float64(100 + m))})
	}
	if _, err := s.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: vs}); err != nil {
		t.Fatal(err)
	}
	trail(t, ctx, s)
}

func openSQLite(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// restoreAndCheck restores file into a new SQLite database and checks it.
func restoreAndCheck(t *testing.T, ctx context.Context, file string) (*ops.Manifest, *ops.Report) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "restored.db")
	m, err := ops.RestoreSQLite(ctx, file, dst)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	s := openSQLite(t, dst)
	r, err := ops.Check(ctx, s, ops.CheckOptions{Head: m.AuditHash})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := s.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
	if err != nil || len(vs) != 12 {
		t.Errorf("restored values: %d, %v", len(vs), err)
	}
	return m, r
}

func TestBackupRestore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	src := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, ctx, src)
	file := filepath.Join(dir, "b.backup")
	m, err := ops.Backup(ctx, src, file, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Seq < 1 || m.AuditHash == "" || m.Rows["audit"] < 6 || m.Rows["revisions"] < 1 || len(m.CRC32C) == 0 {
		t.Fatalf("manifest %+v", m)
	}
	got, r := restoreAndCheck(t, ctx, file)
	if !r.OK() || len(got.CRC32C) != len(m.CRC32C) || r.AuditHead.Hash != m.AuditHash {
		t.Errorf("restored: ok %v %v, head %s want %s", r.OK(), r.Problems(), r.AuditHead.Hash, m.AuditHash)
	}
	if _, err := ops.RestoreSQLite(ctx, file, filepath.Join(dir, "src.db")); err == nil {
		t.Error("restore over an existing database succeeded")
	}

	// A database whose log is empty (closed, reopened): the file alone is
	// copied, counted in the read transaction and checksummed as copied.
	src.Close()
	quiet := openSQLite(t, filepath.Join(dir, "src.db"))
	if fi, err := os.Stat(filepath.Join(dir, "src.db-wal")); err == nil && fi.Size() > 0 {
		t.Fatalf("the log of a reopened database has %d bytes", fi.Size())
	}
	file2 := filepath.Join(dir, "quiet.backup")
	m2, err := ops.Backup(ctx, quiet, file2, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m2.Seq != m.Seq || m2.AuditHash != m.AuditHash || m2.Rows["audit"] != m.Rows["audit"] {
		t.Errorf("quiet backup %+v, first %+v", m2, m)
	}
	if _, r := restoreAndCheck(t, ctx, file2); !r.OK() {
		t.Errorf("restored quiet backup: %v", r.Problems())
	}

	image := func(t *testing.T) []byte {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	damaged := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string
	}{
		{"truncated to half", func(t *testing.T, path string) {
			b := image(t)
			os.WriteFile(path, b[:len(b)/2], 0o644)
		}, "no manifest"},
		{"last byte cut", func(t *testing.T, path string) {
			b := image(t)
			os.WriteFile(path, b[:len(b)-1], 0o644)
		}, "no manifest"},
		{"image cut, manifest kept", func(t *testing.T, path string) {
			b := image(t)
			n := int(m.PageSize)
			os.WriteFile(path, append(append([]byte(nil), b[:n]...), b[int(m.PageSize*m.Pages):]...), 0o644)
		}, "the database image has"},
		{"a byte of a value's text flipped", func(t *testing.T, path string) {
			b := image(t)
			i := strings.Index(string(b[:m.PageSize*m.Pages]), "Lạng Sơn")
			if i < 0 {
				t.Fatal("no unit name in the image")
			}
			b[i] ^= 0x20
			os.WriteFile(path, b, 0o644)
		}, "of the database image differ from the backup's checksum"},
		{"rows deleted", func(t *testing.T, path string) {
			os.WriteFile(path, image(t), 0o644)
			raw := rawSQLite(t, path)
			if _, err := raw.Exec(`DELETE FROM targets_none`); err == nil {
				t.Fatal("unexpected table")
			}
			if _, err := raw.Exec(`DELETE FROM orgunits`); err != nil {
				t.Fatal(err)
			}
			raw.Close()
		}, "table orgunits has 0 rows, the backup recorded 1"},
		{"not a backup", func(t *testing.T, path string) {
			b, _ := os.ReadFile(filepath.Join(dir, "src.db"))
			os.WriteFile(path, b, 0o644)
		}, "no manifest"},
	}
	for _, tt := range damaged {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.backup")
			tt.damage(t, path)
			dst := filepath.Join(t.TempDir(), "new.db")
			_, err := ops.RestoreSQLite(ctx, path, dst)
			if !errors.Is(err, ops.ErrBadBackup) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("restore of a damaged backup: %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(dst); err == nil {
				t.Error("a damaged backup left a database behind")
			}
		})
	}
}

// TestBackupPostgres: a PostgreSQL store backs up into the same SQLite
// format, which restores into SQLite and into PostgreSQL.
func TestBackupPostgres(t *testing.T) {
	ctx := t.Context()
	pg, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	fill(t, ctx, pg)
	file := filepath.Join(t.TempDir(), "pg.backup")
	m, err := ops.Backup(ctx, pg, file, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "postgres" || m.Rows["audit"] < 6 {
		t.Errorf("manifest %+v", m)
	}
	if _, r := restoreAndCheck(t, ctx, file); !r.OK() {
		t.Errorf("restored into SQLite: %v", r.Problems())
	}
	pg2, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg2.Close()
	if _, err := ops.RestoreInto(ctx, file, pg2); err != nil {
		t.Fatal(err)
	}
	r, err := ops.Check(ctx, pg2, ops.CheckOptions{Head: m.AuditHash})
	if err != nil || !r.OK() {
		t.Errorf("restored into PostgreSQL: %v %v", err, r.Problems())
	}
}
