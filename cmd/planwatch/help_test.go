package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// subcommands of the commands that have them, for the tests below.
var subcommands = map[string][]string{
	"user":      {"add", "set", "set-password", "list", "disable", "enable"},
	"note":      {"add", "list", "import"},
	"task":      {"add", "list", "import"},
	"mapping":   {"import", "list", "export", "template"},
	"catalogue": {"import", "export", "list", "history"},
	"set":       {"import", "export", "list", "remove"},
	"group":     {"import", "export", "list", "remove"},
}

// everyCommand lists every command line of one command or subcommand.
func everyCommand() [][]string {
	var out [][]string
	for name := range commands() {
		out = append(out, []string{name})
		for _, sub := range subcommands[name] {
			out = append(out, []string{name, sub})
		}
	}
	return out
}

// TestHelp (issue 15): planwatch X --help prints its usage on standard
// output and exits 0, for every command and subcommand, and opens no
// database.
func TestHelp(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, cmd := range everyCommand() {
		for _, flag := range []string{"--help", "-h"} {
			args := append(append([]string{}, cmd...), flag)
			var out, errOut bytes.Buffer
			env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: time.Now,
				Getenv: func(string) string { return "" }}
			if err := Run(context.Background(), env, args); err != nil {
				t.Errorf("planwatch %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
				continue
			}
			if !strings.Contains(strings.ToLower(out.String()), "usage") {
				t.Errorf("planwatch %s: no usage on standard output: %q (stderr %q)", strings.Join(args, " "), out.String(), errOut.String())
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("--help created files: %v", entries)
	}
}

// TestArgumentsCheckedFirst (issue 15): a command line that cannot run
// (an unknown flag, a missing or extra argument) is refused before any
// database is created.
func TestArgumentsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "new.db")
	for _, args := range [][]string{
		{"init", "--db", db, "extra"},
		{"init", "--db", db, "--nope"},
		{"import", "--db", db},
		{"import", "--db", db, "a.csv", "b.csv"},
		{"export", "--db", db, "--format", "nope"},
		{"status", "--db", db, "--period", "2022Q9"},
		{"report", "--db", db, "--format", "pdf"},
		{"serve", "--db", db, "--addr", ":8080", "extra"},
		{"user", "add", "--db", db, "--role", "king", "x"},
		{"user", "add", "--db", db, "--role", "viewer"},
		{"user", "nope", "--db", db},
		{"user", "list", "--db", db, "extra"},
		{"note", "add", "--db", db},
		{"note", "nope", "--db", db},
		{"task", "add", "--db", db},
		{"task", "list", "--db", db, "--period", "nope"},
		{"mapping", "import", "--db", db},
		{"copy-store", "--from", "sqlite://" + db},
	} {
		if out, err := run(t, args...); err == nil {
			t.Errorf("planwatch %s succeeded:\n%s", strings.Join(args, " "), out)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("planwatch %s created the database before refusing its arguments", strings.Join(args, " "))
			os.Remove(db)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused command lines left files: %v", entries)
	}
}

// TestImportKeepStoredBy: the operator may keep a DHIS2 file's storedBy as
// who entered each value; the audit still names the operator.
func TestImportKeepStoredBy(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--db", db)
	file := filepath.Join(dir, "set.json")
	for i, keep := range []bool{false, true} {
		os.WriteFile(file, []byte(`{"dataValues":[{"dataElement":"trade.retail_sales_services","period":"2022Q`+strconv.Itoa(i+1)+`","orgUnit":"20","value":"5","storedBy":"dhis2-user"}]}`), 0o644)
		args := []string{"import", "--db", db, "--by", "operator", file}
		if keep {
			args = append(args[:1], append([]string{"--keep-stored-by"}, args[1:]...)...)
		}
		mustRun(t, args...)
	}
	s, err := openStore(context.Background(), &Env{Getenv: func(string) string { return "" }}, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, want := range []string{"operator", "dhis2-user"} {
		revs, err := s.Revisions(context.Background(), planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "20", Period: planwatch.MustPeriod("2022Q" + strconv.Itoa(i+1))})
		if err != nil || len(revs) != 1 || revs[0].By != want {
			t.Errorf("2022Q%d: %+v %v, want by %s", i+1, revs, err, want)
		}
	}
	entries, _ := s.Audit(context.Background(), planwatch.AuditQuery{Entity: "trade.retail_sales_services/20/2022Q2"})
	if len(entries) != 1 || entries[0].By != "operator" || !strings.Contains(entries[0].Detail, "dhis2-user") {
		t.Errorf("audit: %+v", entries)
	}
}
