package ops

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"planwatch/internal/tempfile"

	"planwatch"
)

// Scheduler makes a backup of a store into a directory now and then every
// interval, keeps the newest few and logs each outcome (serve
// --backup-dir).
type Scheduler struct {
	Store planwatch.Store
	Dir   string
	Every time.Duration
	Keep  int // backups kept (the newest); 0 keeps all
	// Grace is how long a backup under way when Run's context ends may
	// take to finish (DefaultGrace when 0); past it, it is stopped and its
	// partial file removed.
	Grace  time.Duration
	Logger *slog.Logger
	Now    func() time.Time

	mu   sync.Mutex
	last BackupResult
}

// BackupResult is the outcome of the last scheduled backup.
type BackupResult struct {
	At       time.Time // when it ended (zero: none yet)
	OK       bool
	File     string
	Bytes    int64
	Duration time.Duration
	Err      string
}

// Last returns the outcome of the last backup.
func (s *Scheduler) Last() BackupResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

const backupPrefix, backupSuffix = "planwatch-", ".backup"

// partInfix is what Backup's temporary file adds to the backup's name.
const partInfix = ".part"

// DefaultGrace is Scheduler.Grace when not set: within systemd's
// TimeoutStopSec of 60 s in doc/operations.md.
const DefaultGrace = 45 * time.Second

// Run makes a backup at once and then every s.Every until ctx is done. A
// backup under way when ctx ends is finished, within s.Grace, rather than
// thrown away (serve's SIGTERM); none starts after.
func (s *Scheduler) Run(ctx context.Context) {
	grace := s.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	defer stop()
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		if ctx.Err() != nil {
			return
		}
		s.Once(bctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once makes one backup, named by its time, removes the oldest beyond
// Keep, and logs and remembers the outcome.
func (s *Scheduler) Once(ctx context.Context) BackupResult {
	start := s.Now()
	file := filepath.Join(s.Dir, backupPrefix+start.UTC().Format("20060102T150405Z")+backupSuffix)
	r := BackupResult{File: file}
	err := os.MkdirAll(s.Dir, 0o700)
	if removed := removeKilledBackups(s.Dir, time.Now()); len(removed) > 0 {
		s.Logger.Info("backup: partial files of killed backups removed", "files", strings.Join(removed, ","))
	}
	var m *Manifest
	if err == nil {
		m, err = Backup(ctx, s.Store, file, start)
	}
	r.At, r.Duration = s.Now(), s.Now().Sub(start)
	if err != nil {
		r.Err = err.Error()
		s.Logger.Error("backup failed", "file", file, "err", err)
	} else {
		r.OK = true
		if fi, err := os.Stat(file); err == nil {
			r.Bytes = fi.Size()
		}
		s.Logger.Info("backup", "file", file, "bytes", r.Bytes, "change", m.Seq, "audit_head", m.AuditHash,
			"duration_ms", r.Duration.Milliseconds())
		if removed, err := s.prune(); err != nil {
			s.Logger.Warn("backup: removing old backups", "err", err)
		} else if len(removed) > 0 {
			s.Logger.Info("backup: old backups removed", "files", strings.Join(removed, ","))
		}
	}
	s.mu.Lock()
	s.last = r
	s.mu.Unlock()
	return r
}

// killedBackupAge is how long the partial file of a scheduled backup must
// have been left untouched before it is taken for a killed one's: a backup
// writes as it goes (copying the file, or the records of PostgreSQL).
const killedBackupAge = time.Hour

// removeKilledBackups removes from dir the partial files scheduled backups
// killed half-way left (Backup's temporary file beside the backup, with its
// log): those of scheduled backups only (their names), by the rule of
// package tempfile (ours, untouched for killedBackupAge as of now, not
// locked by a live Backup). A log beside a partial file goes with it: it
// stays while that file's backup lives.
func removeKilledBackups(dir string, now time.Time) []string {
	var removed []string
	for _, name := range tempfile.RemoveStale(dir, backupPrefix+"*"+backupSuffix+partInfix+"*", func(name string) bool {
		for _, side := range sqliteSideFiles {
			if base, ok := strings.CutSuffix(name, side); ok {
				return !tempfile.Locked(base)
			}
		}
		return true
	}, now, killedBackupAge) {
		removed = append(removed, filepath.Base(name))
	}
	return removed
}

// prune removes the oldest scheduled backups beyond Keep.
func (s *Scheduler) prune() ([]string, error) {
	if s.Keep <= 0 {
		return nil, nil
	}
	names, err := filepath.Glob(filepath.Join(s.Dir, backupPrefix+"*"+backupSuffix))
	if err != nil {
		return nil, err
	}
	sort.Strings(names) // by time, the names being times
	var removed []string
	for len(names) > s.Keep {
		if err := os.Remove(names[0]); err != nil {
			return removed, fmt.Errorf("remove %s: %w", names[0], err)
		}
		removed = append(removed, filepath.Base(names[0]))
		names = names[1:]
	}
	return removed, nil
}
