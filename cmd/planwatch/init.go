package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"planwatch/calc"
	"planwatch/demo"
)

// cmdInit creates a database with the catalogue and the administrative units,
// and with the Lạng Sơn demo data when asked.
func cmdInit(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", "", "cơ sở dữ liệu / database path (default "+defaultDB+")")
	withDemo := fs.Bool("demo", false, "nạp dữ liệu mẫu Lạng Sơn quý I/2022 / load the Lạng Sơn demo")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	return initStore(ctx, env, *db, *withDemo, env.Stdout)
}

func initStore(ctx context.Context, env *Env, db string, withDemo bool, out io.Writer) error {
	if path := dbPath(env, db); !strings.Contains(path, "://") {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			// A new database: an index snapshot left by an earlier one is stale.
			calc.RemoveSnapshot(calc.SnapshotPath(path))
		}
	}
	s, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := seed(ctx, s, "init"); err != nil {
		return err
	}
	fmt.Fprintf(out, "Đã tạo cơ sở dữ liệu / database ready: %s\n", dbPath(env, db))
	if !withDemo {
		return nil
	}
	res, err := demo.Load(ctx, s, env.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Dữ liệu mẫu Lạng Sơn / demo data: %d giá trị mới, %d cập nhật, %d không đổi\n", res.Imported, res.Updated, res.Ignored)
	return nil
}
