package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"planwatch"
	"planwatch/metrics"
	"planwatch/ops"
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
	backupDir := fs.String("backup-dir", "", "thư mục sao lưu định kỳ / directory of scheduled backups (none when empty)")
	backupEvery := fs.Duration("backup-every", 24*time.Hour, "chu kỳ sao lưu / time between scheduled backups")
	backupKeep := fs.Int("backup-keep", 14, "số bản sao lưu giữ lại / scheduled backups kept (the newest; 0: all)")
	logFormat := fs.String("log-format", "text", "định dạng nhật ký / log format: text (logfmt) or json")
	metricsAddr := fs.String("metrics-addr", "", "địa chỉ riêng cho /metrics (Prometheus), vd 127.0.0.1:9464 / a separate address serving /metrics (none when empty)")
	proxies := fs.String("trusted-proxies", "", "các proxy tin cậy, CIDR cách nhau bởi dấu phẩy (X-Forwarded-For của chúng cho biết địa chỉ người dùng) / trusted reverse proxies, comma-separated CIDRs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return err
	}
	if _, err := newLogger(env.Stderr, *logFormat); err != nil {
		return err
	}
	if *backupDir != "" && *backupEvery < time.Minute {
		return planwatch.Errorf(planwatch.EINVALID, "--backup-every phải ít nhất 1m / must be at least 1m")
	}
	s, err := openStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	return serve(ctx, env, s, serveOptions{addr: *addr, public: *public, trustedProxies: trusted,
		backupDir: *backupDir, backupEvery: *backupEvery, backupKeep: *backupKeep, logFormat: *logFormat, metricsAddr: *metricsAddr})
}

// serveOptions are how the web application is served.
type serveOptions struct {
	addr           string
	public         bool
	trustedProxies []netip.Prefix
	timeouts       *timeouts // defaultTimeouts when nil
	backupDir      string    // scheduled backups (none when empty)
	backupEvery    time.Duration
	backupKeep     int
	logFormat      string // text or json
	metricsAddr    string // where /metrics is served (none when empty)
}

// timeouts bound how long a connection may hold the server: a client that
// sends its request slowly, reads the answer slowly or stays idle is
// disconnected, so that thousands of slow clients cannot pile up.
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

// defaultTimeouts: a request's headers within 10 s and the whole request
// within 30 s (the web application gives signed-in users longer for a
// file, see web.Server's guard), the answer within 10 minutes (a big
// import streams its progress), and 2 minutes of idle keep-alive.
func defaultTimeouts() timeouts {
	return timeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 10 * time.Minute, idle: 2 * time.Minute}
}

// parsePrefixes reads a comma-separated list of CIDR prefixes (a bare
// address is a prefix of one).
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, err2 := netip.ParseAddr(s)
			if err2 != nil {
				return nil, fmt.Errorf("--trusted-proxies %q: cần dạng 10.0.0.0/8 / expected a CIDR such as 10.0.0.0/8", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// serve runs the web application on store until ctx is done, printing the
// address it listens on. The demo calls it with public read access.
func serve(ctx context.Context, env *Env, store planwatch.Store, o serveOptions) error {
	addr, public := o.addr, o.public
	logger, err := newLogger(env.Stderr, o.logFormat)
	if err != nil {
		return err
	}
	cfg := web.Config{Store: store, Logger: logger, Now: env.Now, PublicRead: public, TrustedProxies: o.trustedProxies}
	// Accounts (issue 6): sign-in against the store. A fresh install has no
	// account and no default password; say how to create the first one.
	as, ok := store.(planwatch.AccountStore)
	if !ok {
		return errors.New("kho dữ liệu không hỗ trợ tài khoản / this store keeps no accounts")
	}
	cfg.Accounts = as
	accounts, err := as.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		dbFlag := ""
		if p, ok := store.(interface{ Path() string }); ok && p.Path() != dbPath(env, "") {
			dbFlag = " --db " + p.Path()
		}
		fmt.Fprintf(env.Stdout, "Chưa có tài khoản nào; tạo tài khoản quản trị bằng / no accounts yet; create the administrator with:\n"+
			"  planwatch user add%s --role admin NAME\n(mật khẩu đọc từ đầu vào chuẩn / the password is read from standard input)\n", dbFlag)
		if public {
			fmt.Fprintln(env.Stdout, "Đến lúc đó chỉ xem công khai được / until then the site is public and read-only.")
		}
	}
	// The analytics index: from its snapshot plus the changes after it, then
	// kept up to date change by change; its snapshot is saved now and then
	// and at shutdown, so that the next start reads little.
	live, err := openIndex(ctx, env, store, false)
	if err != nil {
		return err
	}
	cfg.Index = live
	snapshot := indexPath(ctx, env, store)
	defer func() {
		if err := live.SaveSnapshot(snapshot); err != nil {
			logger.Warn("analytics index: snapshot", "err", err)
		}
	}()
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := live.SaveSnapshot(snapshot); err != nil {
					logger.Warn("analytics index: snapshot", "err", err)
				}
			}
		}
	}()
	h, err := web.NewServer(cfg)
	if err != nil {
		return err
	}
	var sch *ops.Scheduler
	if o.backupDir != "" {
		sch = &ops.Scheduler{Store: store, Dir: o.backupDir, Every: o.backupEvery, Keep: o.backupKeep, Logger: logger, Now: env.Now}
		bctx, cancel := context.WithCancel(ctx)
		backups := make(chan struct{})
		// A backup under way at SIGTERM is finished (within
		// ops.DefaultGrace; past it stopped, its partial file removed)
		// before the store closes; a backup file is whole or absent.
		defer func() { cancel(); <-backups }()
		go func() { defer close(backups); sch.Run(bctx) }()
	}
	// Several instances on one PostgreSQL database: another instance's commit
	// drops this one's cached analytics at once (LISTEN/NOTIFY), not after the TTL.
	if n, ok := store.(interface{ OnExternalChange(func()) }); ok {
		n.OnExternalChange(h.Invalidate)
	}
	// Every request: an id (X-Request-Id), a log line, and its route,
	// status and latency counted for /metrics.
	reg := metrics.New()
	handler := reg.Middleware(metrics.RequestLog(logger, h))
	if o.metricsAddr != "" {
		registerMetrics(reg, store, live, sch, logger)
		mctx, cancel := context.WithCancel(ctx)
		wait, err := serveMetrics(mctx, env, o.metricsAddr, reg, logger)
		if err != nil {
			cancel()
			return err
		}
		defer func() { cancel(); wait() }()
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
		// Passwords and session cookies must not cross a network in clear.
		fmt.Fprintln(env.Stderr, "Lưu ý: hãy đặt máy chủ sau HTTPS (reverse proxy gửi X-Forwarded-Proto: https) / "+
			"Note: serve this behind HTTPS (a reverse proxy sending X-Forwarded-Proto: https) so that passwords and session cookies are protected.")
	}
	tm := defaultTimeouts()
	if o.timeouts != nil {
		tm = *o.timeouts
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: tm.readHeader,
		ReadTimeout:       tm.read,
		WriteTimeout:      tm.write,
		IdleTimeout:       tm.idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// Requests and writes in flight finish (an import up to its end,
		// within half a minute); then the index snapshot is saved and the
		// store closed by the deferred calls.
		shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
