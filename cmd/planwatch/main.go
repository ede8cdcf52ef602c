// Command planwatch monitors a socio-economic development plan: it stores
// targets and reported figures, computes where each indicator stands, reads
// Vietnamese reports into data and writes the period report.
//
// Each subcommand lives in its own file; main only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
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
	subs    []string // subcommands, for commands that have them
}

func commands() map[string]command {
	return map[string]command{
		"init":       {cmdInit, "tạo cơ sở dữ liệu (--demo: kèm dữ liệu mẫu Lạng Sơn) / create a database", nil},
		"demo":       {cmdDemo, "khởi tạo dữ liệu mẫu và chạy / init the demo database and run it", nil},
		"serve":      {cmdServe, "chạy máy chủ web / run the web server", nil},
		"import":     {cmdImport, "nhập tệp số liệu hoặc chỉ tiêu (CSV, DHIS2, SDMX, XLSX) / import values or targets", nil},
		"export":     {cmdExport, "xuất số liệu (CSV, DHIS2, SDMX, XLSX) / export values or targets", nil},
		"status":     {cmdStatus, "tình hình thực hiện theo kỳ / where every indicator stands", nil},
		"report":     {cmdReport, "viết báo cáo kỳ / write the period report", nil},
		"note":       {cmdNote, "ghi chú theo lĩnh vực / sector notes", []string{"add", "list", "import"}},
		"task":       {cmdTask, "nhiệm vụ trọng tâm / priority tasks", []string{"add", "list", "import"}},
		"bench":      {cmdBench, "đo hiệu năng / benchmark", nil},
		"copy-store": {cmdCopyStore, "chép dữ liệu giữa hai CSDL / copy a store between engines", nil},
		"extract":    {cmdExtract, "đọc số liệu từ văn bản tiếng Việt / read facts out of Vietnamese text", nil},
		"user":       {cmdUser, "tài khoản: add|set|set-password|list|disable / manage accounts", []string{"add", "set", "set-password", "list", "disable", "enable"}},
		"backup":     {cmdBackup, "sao lưu trực tuyến, có kiểm tra / online backup with counts and checksums", nil},
		"restore":    {cmdRestore, "khôi phục bản sao lưu vào CSDL mới / restore a backup into a new database", nil},
		"check":      {cmdCheck, "kiểm tra CSDL, chỉ mục và chuỗi nhật ký / check the database, its index and audit chain", nil},
		"audit":      {cmdAudit, "audit head: mã băm cuối của nhật ký / the latest audit hash, to keep outside", []string{"head"}},
		"rule":       {cmdRule, "quy tắc kiểm tra số liệu: import|list|export / validation rules", []string{"import", "list", "export"}},
		"category":   {cmdCategory, "phân tổ chỉ tiêu: import|list|export|attach / breakdown categories", []string{"import", "list", "export", "attach"}},
		"validate":   {cmdValidate, "kiểm tra số liệu theo quy tắc / list violations of the validation rules", nil},
		"catalogue":  {cmdCatalogue, "danh mục chỉ tiêu: import|export|list|history / the indicator catalogue", []string{"import", "export", "list", "history"}},
		"set":        {cmdSet, "bộ chỉ tiêu theo dõi của đơn vị theo năm: import|export|list|remove / indicator sets", []string{"import", "export", "list", "remove"}},
		"group":      {cmdGroup, "nhóm đơn vị: import|export|list|remove / unit groups", []string{"import", "export", "list", "remove"}},
		"mapping":    {cmdMapping, "bảng ánh xạ mã đối tác: import|list|export|template / partner id mappings", []string{"import", "list", "export", "template"}},
	}
}

func main() {
	// SIGTERM (systemd stop, docker stop) as Ctrl-C: serve finishes the
	// requests and writes in flight and saves its index before exiting.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
	// PLANWATCH_MEMPROFILE=FILE writes a heap profile near the command's
	// largest live heap (memory.go).
	if path := os.Getenv("PLANWATCH_MEMPROFILE"); path != "" {
		defer memProfile(path)()
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
	if !helpWanted(args[1:]) && !(len(c.subs) > 0 && len(args) > 1 && args[1] == "help") {
		return c.run(ctx, env, args[1:])
	}
	// planwatch X --help: the usage on standard output, exit 0, nothing
	// opened (every command checks its command line before it touches a
	// database). A command with subcommands that has no usage of its own
	// gets one listing them.
	help := *env
	help.Stderr = env.Stdout
	err := c.run(ctx, &help, args[1:])
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if len(c.subs) > 0 && (len(args) < 3 || helpWanted(args[1:2]) || args[1] == "help") {
		fmt.Fprintf(env.Stdout, "Cách dùng / usage: planwatch %s <%s> [tùy chọn / flags]\n  %s\n"+
			"planwatch %s <lệnh con / subcommand> --help: tùy chọn của lệnh con / its flags\n",
			args[0], strings.Join(c.subs, "|"), c.summary, args[0])
		return nil
	}
	return err
}

// noArgs refuses positional arguments after a command's flags (before any
// database is opened: a command line that cannot run changes nothing).
func noArgs(fs *flag.FlagSet) error { return extraArgs(fs.Args()) }

// extraArgs refuses arguments a command did not expect.
func extraArgs(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("đối số thừa / unexpected arguments: %s", strings.Join(args, " "))
	}
	return nil
}

// helpWanted reports whether a command line asks for help (-h, --help,
// -help) before any "--"; "help" right after a command with subcommands
// does too.
func helpWanted(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--help", "-help":
			return true
		}
	}
	return false
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
