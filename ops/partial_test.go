package ops_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"planwatch/ops"
)

// TestSchedulerRemovesKilledBackups: a backup killed half-way (the service
// stopped past its grace, the machine down) leaves its partial file, the
// size of the database, beside the backups; the next scheduled backup
// removes those untouched for an hour — not one another process is
// writing now, nor any other file.
func TestSchedulerRemovesKilledBackups(t *testing.T) {
	ctx := t.Context()
	old, fresh := time.Now().Add(-2*time.Hour), time.Now().Add(-time.Minute)
	sch, file := backupDirOfPartials(t)
	killed := []string{file("planwatch-20261201T020000Z.backup.part123", old), file("planwatch-20261201T020000Z.backup.part123-wal", old)}
	kept := []string{file("planwatch-20261206T015900Z.backup.part456", fresh), file("notes.backup.part1", old),
		file("planwatch-20261130T020000Z.backup", old)}
	if r := sch.Once(ctx); !r.OK {
		t.Fatalf("backup: %+v", r)
	}
	for _, p := range killed {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s: the partial file of a killed backup was left (%v)", filepath.Base(p), err)
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	names, _ := filepath.Glob(filepath.Join(sch.Dir, "*"))
	if len(names) != len(kept)+1 || !slices.ContainsFunc(names, func(n string) bool { return filepath.Ext(n) == ".backup" && n != kept[2] }) {
		t.Errorf("left %q", names)
	}
}

// backupDirOfPartials is a scheduler over a filled store whose backup
// directory is made with file(name, mtime): backups and partial files.
func backupDirOfPartials(t *testing.T) (*ops.Scheduler, func(name string, at time.Time) string) {
	dir := t.TempDir()
	s := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, t.Context(), s)
	backups := filepath.Join(dir, "backups")
	os.MkdirAll(backups, 0o700)
	file := func(name string, at time.Time) string {
		p := filepath.Join(backups, name)
		if err := os.WriteFile(p, []byte("half a backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, at, at)
		return p
	}
	return &ops.Scheduler{Store: s, Dir: backups, Every: 24 * time.Hour, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}, file
}
