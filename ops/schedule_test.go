package ops_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch/ops"
)

// TestScheduler: each backup is named by its time, verified when restored,
// logged, and only the newest Keep are kept.
func TestScheduler(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, ctx, s)
	var log bytes.Buffer
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	sch := &ops.Scheduler{Store: s, Dir: filepath.Join(dir, "backups"), Every: 24 * time.Hour, Keep: 2,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Now: func() time.Time { return now }}
	for range 3 {
		if r := sch.Once(ctx); !r.OK || r.Bytes == 0 {
			t.Fatalf("backup: %+v", r)
		}
		now = now.Add(24 * time.Hour)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "backups", "*"))
	if len(names) != 2 || !strings.HasSuffix(names[0], "planwatch-20261207T020000Z.backup") {
		t.Errorf("kept %v", names)
	}
	if _, err := ops.Verify(ctx, names[1]); err != nil {
		t.Error(err)
	}
	if !strings.Contains(log.String(), "msg=backup ") || !strings.Contains(log.String(), "planwatch-20261206T020000Z.backup") {
		t.Errorf("log:\n%s", log.String())
	}
	// A backup that cannot be written is logged as failed and remembered.
	os.RemoveAll(sch.Dir)
	os.WriteFile(sch.Dir, nil, 0o644) // a file where the directory should be
	if r := sch.Once(ctx); r.OK || r.Err == "" || sch.Last().OK {
		t.Errorf("failed backup: %+v", r)
	}
	if !strings.Contains(log.String(), "backup failed") {
		t.Errorf("log:\n%s", log.String())
	}
}
