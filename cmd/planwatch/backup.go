package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"planwatch"
	"planwatch/ops"
)

// cmdBackup writes a verified backup of a database: planwatch backup --db DB -o FILE.
// Online: serve may keep writing meanwhile.
func cmdBackup(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "backup")
	out := fs.String("o", "", "tệp sao lưu / backup file (SQLite format, whatever the engine)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		return planwatch.Errorf(planwatch.EINVALID, "cần -o FILE / -o FILE is required")
	}
	s, err := inspectStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if behind := ops.SchemaBehind(s); behind != "" {
		fmt.Fprintln(env.Stderr, behind)
	}
	start := time.Now()
	m, err := ops.Backup(ctx, s, *out, env.Now())
	if err != nil {
		return err
	}
	printManifest(env, *out, m)
	fmt.Fprintf(env.Stdout, "thời gian / took %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func printManifest(env *Env, file string, m *ops.Manifest) {
	var rows int64
	for _, n := range m.Rows {
		rows += n
	}
	fmt.Fprintf(env.Stdout, "%s: %s, thay đổi / change %d, nhật ký / audit %d %s, %d bảng / tables, %d dòng / rows, %d byte, %d CRC-32C\n",
		file, m.Source, m.Seq, m.AuditID, m.AuditHash, len(m.Rows), rows, m.PageSize*m.Pages, len(m.CRC32C))
}

// cmdRestore restores a backup into a new database: planwatch restore FILE
// --db NEW. A damaged or incomplete backup is refused before anything is
// written; the restored database is checked (integrity, audit chain).
func cmdRestore(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "restore")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 { // planwatch restore FILE --db NEW: flags after the file
		rest := fs.Args()
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			fs.Parse(rest[:1])
		}
	}
	if fs.NArg() != 1 {
		return planwatch.Errorf(planwatch.EINVALID, "cách dùng / usage: planwatch restore FILE --db NEW")
	}
	file := fs.Arg(0)
	if *db == "" {
		return planwatch.Errorf(planwatch.EINVALID, "cần --db (CSDL mới) / --db NEW is required")
	}
	var m *ops.Manifest
	var err error
	if strings.HasPrefix(*db, "postgres://") || strings.HasPrefix(*db, "postgresql://") {
		if _, err := ops.Verify(ctx, file); err != nil {
			return refused(err)
		}
		dst, err := openStore(ctx, env, *db)
		if err != nil {
			return err
		}
		defer dst.Close()
		r, ok := dst.(planwatch.Restorer)
		if !ok {
			return fmt.Errorf("restore: the target engine cannot be restored into")
		}
		if m, err = ops.RestoreInto(ctx, file, r); err != nil {
			return refused(err)
		}
	} else if m, err = ops.RestoreSQLite(ctx, file, strings.TrimPrefix(*db, "sqlite://")); err != nil {
		return refused(err)
	}
	printManifest(env, file, m)
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := ops.Check(ctx, s, ops.CheckOptions{IndexPath: indexPath(ctx, env, s), Head: m.AuditHash})
	if err != nil {
		return err
	}
	r.Write(env.Stdout)
	if !r.OK() {
		return fmt.Errorf("CSDL khôi phục không đạt kiểm tra / the restored database fails its check: %s", strings.Join(r.Problems(), "; "))
	}
	fmt.Fprintf(env.Stdout, "đã khôi phục / restored into %s\n", *db)
	return nil
}

func refused(err error) error {
	if errors.Is(err, ops.ErrBadBackup) {
		return fmt.Errorf("từ chối khôi phục / restore refused: %w", err)
	}
	return err
}
