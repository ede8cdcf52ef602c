package ops_test

import (
	"bytes"
	"context"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
	"planwatch/ops"
	"planwatch/sqlite"
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

// gatedStore is a store whose dump (the backup's reading) waits until
// release is closed, having said on started that it began.
type gatedStore struct {
	*sqlite.DB
	started, release chan struct{}
	once             *sync.Once
}

func (g gatedStore) Dump(ctx context.Context) iter.Seq2[planwatch.Record, error] {
	return func(yield func(planwatch.Record, error) bool) {
		g.once.Do(func() { close(g.started) })
		<-g.release
		for r, err := range g.DB.Dump(ctx) {
			if !yield(r, err) {
				return
			}
		}
	}
}

// TestSchedulerFinishesOnStop: a backup under way when serve is told to
// stop (its context ended) is finished, within the scheduler's grace, not
// thrown away; no new one starts.
func TestSchedulerFinishesOnStop(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, t.Context(), s)
	g := gatedStore{DB: s, started: make(chan struct{}), release: make(chan struct{}), once: &sync.Once{}}
	var log bytes.Buffer
	sch := &ops.Scheduler{Store: g, Dir: filepath.Join(dir, "backups"), Every: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Now: time.Now}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	go func() { defer close(ran); sch.Run(ctx) }()
	<-g.started
	cancel() // SIGTERM while the backup reads
	close(g.release)
	<-ran
	r := sch.Last()
	if !r.OK {
		t.Fatalf("the backup under way at the stop: %+v\n%s", r, log.String())
	}
	if _, err := ops.Verify(t.Context(), r.File); err != nil {
		t.Error(err)
	}
	if names, _ := filepath.Glob(filepath.Join(sch.Dir, "*")); len(names) != 1 {
		t.Errorf("backup directory holds %v, want the one finished backup", names)
	}
}
