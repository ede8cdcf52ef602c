package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"planwatch/nativecsv"
)

// cmdImport imports a CSV of values or of targets: every row is checked
// first, and either all rows are stored or none.
func cmdImport(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", "", "cơ sở dữ liệu / database")
	by := fs.String("by", "", "người nhập / user recorded as the author")
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không lưu / validate only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("cách dùng / usage: planwatch import [--db PATH] [--dry-run] FILE")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	cs, err := nativecsv.Read(f, filepath.Base(name))
	if err != nil {
		return err
	}
	cs.By, cs.From, cs.DryRun = user(env, *by), "cli: "+filepath.Base(name), *dry
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Apply(ctx, cs)
	if err != nil {
		return err
	}
	verb := "Đã nhập / imported"
	if *dry {
		verb = "Kiểm tra (không lưu) / dry run"
	}
	fmt.Fprintf(env.Stdout, "%s: %d mới / new, %d cập nhật / updated, %d không đổi / ignored, %d xóa / deleted\n",
		verb, res.Imported, res.Updated, res.Ignored, res.Deleted)
	return nil
}
