//go:build linux

package ops_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"planwatch/internal/tempfile"
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
	old := time.Now().Add(-2 * time.Hour)
	sch, file := backupDirOfPartials(t)
	live := file("planwatch-20261201T020000Z.backup.part123", old)
	liveLog := file("planwatch-20261201T020000Z.backup.part123-wal", old)
	killed := file("planwatch-20261202T020000Z.backup.part456", old)
	f, err := os.OpenFile(live, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tempfile.Lock(f) // as the live writer's
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
