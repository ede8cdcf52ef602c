package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importValue imports one figure of retail sales into db.
func importValue(t *testing.T, db, value string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "v.csv")
	csv := "indicator,orgunit,period,value,unit\ntrade.retail_sales_services,20,202201," + value + ",tỷ đồng\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "import", "--db", db, file)
}

// TestCheck: a sound database passes check and audit head prints the hash
// check verifies; an index snapshot that is not the store's is reported
// (exit status non-zero) naming the indicator.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	for _, db := range []string{a, b} {
		mustRun(t, "init", "--db", db)
	}
	importValue(t, a, "100")
	importValue(t, b, "200")
	for _, db := range []string{a, b} {
		mustRun(t, "status", "--db", db, "--unit", "20", "--period", "202201") // writes the index snapshot
	}
	out := mustRun(t, "check", "--db", b)
	for _, want := range []string{"database integrity: ok", "audit chain: ok", "analytics index: ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("check of a sound database lacks %q:\n%s", want, out)
		}
	}
	head := strings.Fields(mustRun(t, "audit", "head", "--db", b))
	if len(head) != 3 || len(head[2]) != 64 || !strings.Contains(out, head[2]) {
		t.Fatalf("audit head %q, check said:\n%s", head, out)
	}
	mustRun(t, "check", "--db", b, "--head", head[2])
	if out, err := run(t, "check", "--db", b, "--head", strings.Repeat("0", 64)); err == nil || !strings.Contains(out, "not in the chain") {
		t.Errorf("check with a head not in the chain: %v\n%s", err, out)
	}
	// a's snapshot, at the same change number, beside b.
	snap, err := os.ReadFile(a + ".index")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b+".index", snap, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "check", "--db", b)
	if err == nil || !strings.Contains(out, "the index differs from the store for indicator trade.retail_sales_services") {
		t.Errorf("check with another database's index: %v\n%s", err, out)
	}
	if err := os.WriteFile(b+".index", []byte("planwatch-index\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "check", "--db", b); err == nil || !strings.Contains(out, "cannot be read") {
		t.Errorf("check with a damaged index: %v\n%s", err, out)
	}
}
