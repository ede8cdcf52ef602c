package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/postgres/pgtest"
	"planwatch/rules"
	"planwatch/web"
)

// The passwords of the accounts seedAccounts makes.
var copyPasswords = map[string]string{"an": "mật khẩu đủ dài", "lan": "mật khẩu của Lan"}

// seedAccounts adds accounts with planwatch user (the password on standard
// input) and approvals to the SQLite store at dsn, and returns them as stored.
// One approval's time has nanoseconds, which PostgreSQL does not keep.
func seedAccounts(t *testing.T, dsn string) ([]planwatch.Account, []planwatch.Approval) {
	t.Helper()
	if out, err := runIn(t, copyPasswords["an"]+"\n", "user", "add", "--db", dsn, "--role", "admin", "an"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if out, err := runIn(t, copyPasswords["lan"]+"\n", "user", "add", "--db", dsn, "--role", "reporter",
		"--units", "20,178", "--sectors", "Thương mại", "--indicators", "grdp", "lan"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	mustRun(t, "user", "disable", "--db", dsn, "lan")
	ctx := context.Background()
	s, err := openStore(ctx, &Env{Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: func(string) string { return "" }}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	aps := s.(planwatch.ApprovalStore)
	for _, a := range []planwatch.Approval{
		{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "an",
			At: time.Date(2022, 4, 12, 8, 30, 15, 123456789, time.UTC), Comment: "đã rà soát / checked"},
		{Unit: "178", Period: planwatch.MustPeriod("202203"), State: planwatch.ApprovalReturned, By: "an",
			At: time.Date(2022, 4, 11, 10, 0, 0, 0, time.UTC), Comment: "thiếu số liệu / figures missing"},
	} {
		if err := aps.SetApproval(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	// Report settings, with a time PostgreSQL keeps only to the microsecond.
	if err := s.SaveReportSettings(ctx, planwatch.ReportSettings{Unit: "20", Number: "45", Place: "Lạng Sơn",
		Recipients: []string{"Văn phòng Chính phủ", "Lưu: VT"}, SignerTitle: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", SignerName: "Đoàn Thu Hà"}, "an", "cli"); err != nil {
		t.Fatal(err)
	}
	// A partner mapping, replaced once (two audit entries).
	for _, code := range []string{"178", "180"} {
		if err := s.(planwatch.MappingStore).SaveMapping(ctx, planwatch.Mapping{Name: "sierra-leone", By: "an", Entries: []planwatch.MappingEntry{
			{Kind: planwatch.MapOrgUnit, PartnerID: "DiszpKrYNg8", Code: code},
			{Kind: planwatch.MapDataElement, PartnerID: "f7n9E0hX8qk", Code: "agri.planted_area", ValueType: "NUMBER"}}}); err != nil {
			t.Fatal(err)
		}
	}
	accounts, err := s.(planwatch.AccountStore).Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	approvals, err := aps.Approvals(ctx, planwatch.ApprovalQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 2 || len(approvals) != 2 {
		t.Fatalf("seeded %d accounts and %d approvals, want 2 and 2", len(accounts), len(approvals))
	}
	return accounts, approvals
}

// checkAccounts checks that the store at dsn holds the accounts and approvals
// (times to the microsecond) and that every account signs in with its password.
func checkAccounts(t *testing.T, dsn string, accounts []planwatch.Account, approvals []planwatch.Approval) {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, &Env{Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: func(string) string { return "" }}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.(planwatch.AccountStore).Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]planwatch.Account, len(accounts))
	for i, a := range accounts {
		a.Created = a.Created.Truncate(time.Microsecond)
		want[i] = a
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: accounts\n%+v\nwant\n%+v", dsn, got, want)
	}
	for _, a := range got {
		if !strings.HasPrefix(a.PasswordHash, "$argon2id$") || !web.CheckPassword(a.PasswordHash, copyPasswords[a.Name]) {
			t.Errorf("%s: %s cannot sign in with the password (hash %q)", dsn, a.Name, a.PasswordHash)
		}
		if web.CheckPassword(a.PasswordHash, copyPasswords[a.Name]+"x") {
			t.Errorf("%s: %s signs in with a wrong password", dsn, a.Name)
		}
	}
	gotAp, err := s.(planwatch.ApprovalStore).Approvals(ctx, planwatch.ApprovalQuery{})
	if err != nil {
		t.Fatal(err)
	}
	wantAp := make([]planwatch.Approval, len(approvals))
	for i, a := range approvals {
		a.At = a.At.Truncate(time.Microsecond)
		wantAp[i] = a
	}
	if !reflect.DeepEqual(gotAp, wantAp) {
		t.Errorf("%s: approvals\n%+v\nwant\n%+v", dsn, gotAp, wantAp)
	}
}

// copyRows reads copy-store's table by table name: the rows in the
// source and in the copy, the checksum and the mark.
func copyRows(out string) map[string][]string {
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 5 {
			rows[f[0]] = f[1:]
		}
	}
	return rows
}

// checkCopyRows checks the rows copy-store reports for some tables.
func checkCopyRows(t *testing.T, out string, want map[string]int) {
	t.Helper()
	rows := copyRows(out)
	for table, n := range want {
		r := rows[table]
		if r == nil {
			t.Errorf("copy-store output lacks %s:\n%s", table, out)
			continue
		}
		if w := strconv.Itoa(n); r[0] != w || r[1] != w || r[3] != "ok" {
			t.Errorf("copy-store %s: %v, want %d rows copied and ok:\n%s", table, r, n, out)
		}
	}
}

// tableSums is every table's rows and checksum in copy-store's output.
func tableSums(t *testing.T, out string) string {
	t.Helper()
	var b strings.Builder
	rows := copyRows(out)
	for _, table := range planwatch.Tables {
		r := rows[table]
		if r == nil {
			t.Errorf("copy-store output lacks %s:\n%s", table, out)
			continue
		}
		b.WriteString(table + " " + r[1] + " " + r[2] + "\n")
	}
	return b.String()
}

// TestCopyStoreRoundTrip copies the demo database, with accounts and
// approvals, SQLite → PostgreSQL → SQLite and checks that status and the
// report read the same on all three, and that the accounts can still sign in.
func TestCopyStoreRoundTrip(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	pg, err := srv.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := "sqlite://" + filepath.Join(dir, "demo.db")
	back := "sqlite://" + filepath.Join(dir, "back.db")
	mustRun(t, "init", "--demo", "--db", first)
	wantAccounts, wantApprovals := seedAccounts(t, first)
	// The catalogue's history, an indicator set and a unit group (issue 13).
	catFile, setFile, groupFile := filepath.Join(dir, "cat.csv"), filepath.Join(dir, "sets.csv"), filepath.Join(dir, "groups.csv")
	mustRun(t, "catalogue", "export", "--db", first, "-o", catFile)
	cat, _ := os.ReadFile(catFile)
	os.WriteFile(catFile, []byte(strings.Replace(string(cat), ",Tổng lượt khách du lịch,", ",Tổng lượt khách du lịch đến tỉnh,", 1)), 0o644)
	mustRun(t, "catalogue", "import", "--db", first, "--note", "NQ 35", catFile)
	os.WriteFile(setFile, []byte("unit,year,indicator,target_kinds,source\n20,2022,trade.retail_sales_services,KH,NQ 35\n20,2022,tourism.visitors_total,,\n"), 0o644)
	mustRun(t, "set", "import", "--db", first, setFile)
	os.WriteFile(groupFile, []byte("group,name_vi,unit\nborder,Huyện biên giới,178\nborder,,180\n"), 0o644)
	mustRun(t, "group", "import", "--db", first, groupFile)

	out := mustRun(t, "copy-store", "--from", first, "--to", pg)
	for _, table := range []string{"indicators", "orgunits", "datavalues", "targets", "audit"} {
		if !strings.Contains(out, table) {
			t.Errorf("copy-store output lacks %s:\n%s", table, out)
		}
	}
	checkCopyRows(t, out, map[string]int{"users": len(wantAccounts), "approvals": len(wantApprovals), "report_settings": 1, "mappings": 1, "rules": len(rules.Starter()),
		"indicator_sets": 1, "unit_groups": 1})
	if strings.Contains(out, "DIFFERS") {
		t.Errorf("copy differs:\n%s", out)
	}
	t.Logf("sqlite → postgres:\n%s", out)
	outBack := mustRun(t, "copy-store", "--from", pg, "--to", back)
	checkCopyRows(t, outBack, map[string]int{"users": len(wantAccounts), "approvals": len(wantApprovals), "report_settings": 1, "mappings": 1, "rules": len(rules.Starter())})
	if strings.Contains(outBack, "DIFFERS") {
		t.Errorf("copy back differs:\n%s", outBack)
	}
	// Every table has the same rows and checksum after the round trip as in
	// the first copy (each copy-store already compared its source and copy).
	if got, want := tableSums(t, outBack), tableSums(t, out); got != want {
		t.Errorf("rows and checksums after the round trip:\n%s\nwant:\n%s", got, want)
	}
	for _, dsn := range []string{pg, back} {
		checkAccounts(t, dsn, wantAccounts, wantApprovals)
	}
	// Copying into a store that is not empty is refused.
	if _, err := run(t, "copy-store", "--from", first, "--to", pg); err == nil {
		t.Error("copy into a non-empty store succeeded")
	}

	for _, args := range [][]string{
		{"status", "--unit", "20", "--period", "2022Q1", "--format", "json"},
		{"status", "--unit", "20", "--period", "2022Q1"},
		{"report", "--unit", "20", "--period", "2022Q1", "--format", "md"},
		{"report", "--unit", "20", "--period", "2022Q1", "--format", "html"}, // with the report settings
		{"catalogue", "history", "tourism.visitors_total"},
		{"set", "export"},
		{"group", "export"},
	} {
		want := mustRun(t, append(args, "--db", first)...)
		if got := mustRun(t, append(args, "--db", pg)...); got != want {
			t.Errorf("planwatch %s differs on PostgreSQL:\n%s\nwant (SQLite):\n%s", strings.Join(args, " "), got, want)
		}
		if got := mustRun(t, append(args, "--db", back)...); got != want {
			t.Errorf("planwatch %s differs after the round trip:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
}
