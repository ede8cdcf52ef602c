// Command planwatch monitors a socio-economic development plan: it stores
// targets and reported figures, computes where each indicator stands, reads
// Vietnamese reports into data and writes the period report.
//
// Each subcommand lives in its own file; main only dispatches.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"time"
)

// Env is what a command may touch of the outside world, so that tests run the
// real program with their own streams and clock.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
	Getenv func(string) string
}

type command struct {
	run     func(ctx context.Context, env *Env, args []string) error
	summary string
}

func commands() map[string]command {
	return map[string]command{
		"init":       {cmdInit, "tạo cơ sở dữ liệu (--demo: kèm dữ liệu mẫu Lạng Sơn) / create a database"},
		"demo":       {cmdDemo, "khởi tạo dữ liệu mẫu và chạy / init the demo database and run it"},
		"serve":      {cmdServe, "chạy máy chủ web / run the web server"},
		"import":     {cmdImport, "nhập tệp số liệu hoặc chỉ tiêu (CSV, DHIS2, SDMX, XLSX) / import values or targets"},
		"export":     {cmdExport, "xuất số liệu (CSV, DHIS2, SDMX, XLSX) / export values or targets"},
		"status":     {cmdStatus, "tình hình thực hiện theo kỳ / where every indicator stands"},
		"report":     {cmdReport, "viết báo cáo kỳ / write the period report"},
		"note":       {cmdNote, "ghi chú theo lĩnh vực / sector notes"},
		"task":       {cmdTask, "nhiệm vụ trọng tâm / priority tasks"},
		"bench":      {cmdBench, "đo hiệu năng / benchmark"},
		"copy-store": {cmdCopyStore, "chép dữ liệu giữa hai CSDL / copy a store between engines"},
		"extract":    {cmdExtract, "đọc số liệu từ văn bản tiếng Việt / read facts out of Vietnamese text"},
		"user":       {cmdUser, "tài khoản: add|set|set-password|list|disable / manage accounts"},
		"mapping":    {cmdMapping, "bảng ánh xạ mã đối tác: import|list|export|template / partner id mappings"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv}
	// PLANWATCH_CPUPROFILE=FILE writes a CPU profile of the command, to find
	// where a whole-process benchmark spends its time.
	if path := os.Getenv("PLANWATCH_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	if err := Run(ctx, env, os.Args[1:]); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "planwatch:", err)
		os.Exit(1)
	}
}

// Run executes one command line.
func Run(ctx context.Context, env *Env, args []string) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout, cmds)
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(env.Stderr, cmds)
		return fmt.Errorf("lệnh không rõ / unknown command %q", args[0])
	}
	return c.run(ctx, env, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Cách dùng / usage: planwatch <lệnh> [tùy chọn]")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, cmds[n].summary)
	}
}
