package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

// cmdDemo creates the demo database (if it does not exist yet) and serves it
// with public read access, so a visitor sees the dashboard without logging in.
func cmdDemo(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", "planwatch-data/demo.db", "cơ sở dữ liệu mẫu / demo database")
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ máy chủ / listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if _, err := os.Stat(*db); os.IsNotExist(err) {
		if err := initStore(ctx, env, *db, true, env.Stdout); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(env.Stdout, "Dùng cơ sở dữ liệu có sẵn / using existing database %s\n", *db)
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, s, serveOptions{addr: *addr, public: true})
}
