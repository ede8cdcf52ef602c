package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"planwatch"
	"planwatch/web"
)

// cmdServe runs the web application on a database:
// planwatch serve [--addr :8080] [--db PATH] [--public].
func cmdServe(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", ":8080", "địa chỉ máy chủ / listen address")
	db := fs.String("db", "", "cơ sở dữ liệu (mặc định $PLANWATCH_DB hoặc "+defaultDB+") / database")
	public := fs.Bool("public", false, "cho phép xem không cần đăng nhập / public read-only access")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, s, *addr, *public)
}

// serve runs the web application on store until ctx is done, printing the
// address it listens on. The demo calls it with public read access.
func serve(ctx context.Context, env *Env, store planwatch.Store, addr string, public bool) error {
	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	h, err := web.NewServer(web.Config{Store: store, Logger: logger, Now: env.Now, PublicRead: public})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mở cổng / listen %s: %w", addr, err)
	}
	url := "http://" + ln.Addr().String() + "/"
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		url = fmt.Sprintf("http://localhost:%d/", tcp.Port)
	}
	fmt.Fprintf(env.Stdout, "planwatch đang chạy tại / is running at %s\n", url)
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		// Until accounts arrive (issue 6) every visitor acts as the administrator.
		fmt.Fprintln(env.Stderr, "Cảnh báo: chưa có tài khoản, mọi người truy cập đều có quyền ghi; chỉ nên mở trong mạng tin cậy. / "+
			"Warning: no accounts yet, every visitor can write; listen on a trusted network only (e.g. --addr 127.0.0.1:8080).")
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
