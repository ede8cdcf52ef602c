package main

import (
	"context"
	"fmt"

	"planwatch"
	"planwatch/calc"
	"planwatch/demo"
)

// serve runs the web application. Until the web package lands it prints the
// demo's status table and says so.
func serve(ctx context.Context, env *Env, store planwatch.Store, addr string, public bool) error {
	ds, err := calc.Load(ctx, store, false)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "Máy chủ web chưa có trong bản này; bảng tình hình thực hiện: / The web server is not in this build yet; status table:")
	return printStatusTable(env.Stdout, ds, demo.Province, demo.Period, statusRows(ds, demo.Province, demo.Period), "vi")
}
