//go:build linux

package ops_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"planwatch/internal/tempfile"
	"planwatch/ops"
)

// TestSchedulerKeepsLiveBackups (sixth session): the removal of killed
// backups' partial files went by their age alone, so a backup under way
// in another process (a manual `planwatch backup -o` into the backup
// directory, a second instance's schedule) whose file had not changed for
// an hour (a slow PostgreSQL copy, a stopped clock) was removed under it.
// A live backup holds a lock on its partial file (as the snapshot's
// temporary files do), and a locked file, or the log beside it, stays.
func TestSchedulerKeepsLiveBackups(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, ctx, s)
	backups := filepath.Join(dir, "backups")
	os.MkdirAll(backups, 0o700)
	old := time.Now().Add(-2 * time.Hour)
	file := func(name string) string {
		p := filepath.Join(backups, name)
		if err := os.WriteFile(p, []byte("half a backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
		return p
	}
	live := file("planwatch-20261201T020000Z.backup.part123")
	liveLog := file("planwatch-20261201T020000Z.backup.part123-wal")
	killed := file("planwatch-20261202T020000Z.backup.part456")
	f, err := os.OpenFile(live, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tempfile.Lock(f) // as the live writer's
	sch := &ops.Scheduler{Store: s, Dir: backups, Every: 24 * time.Hour, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
	if r := sch.Once(ctx); !r.OK {
		t.Fatalf("backup: %+v", r)
	}
	for _, p := range []string{live, liveLog} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s, a live backup's, was removed: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Lstat(killed); !os.IsNotExist(err) {
		t.Errorf("the killed backup's file was left: %v", err)
	}
}
