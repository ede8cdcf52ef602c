package storetest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
)

// AccountsAndApprovals is what RunAccounts needs of a store.
type AccountsAndApprovals interface {
	planwatch.Store
	planwatch.AccountStore
	planwatch.ApprovalStore
}

// RunAccounts runs the conformance suite of planwatch.AccountStore and
// planwatch.ApprovalStore. open must return a new, empty store that
// implements both; RunAccounts closes it.
func RunAccounts(t *testing.T, open func(t *testing.T) planwatch.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, s AccountsAndApprovals)
	}{
		{"Accounts", testAccounts},
		{"AccountErrors", testAccountErrors},
		{"AccountChanges", testAccountChanges},
		{"Sessions", testSessions},
		{"LoginAttempts", testLoginAttempts},
		{"Approvals", testApprovals},
		{"CheckLocked", testCheckLocked},
		{"ApplyHonoursLocks", testApplyHonoursLocks},
		{"LockCoversChildUnits", testLockCoversChildUnits},
		{"ApprovedOnly", testApprovedOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			s, ok := st.(AccountsAndApprovals)
			if !ok {
				t.Fatalf("%T does not implement AccountStore and ApprovalStore", st)
			}
			tt.fn(t, t.Context(), s)
		})
	}
}

// at is a time with whole microseconds, which every engine keeps exactly.
var at = time.Date(2022, 4, 20, 9, 30, 15, 123456000, time.UTC)

func testAccounts(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	a := planwatch.Account{Name: "lan", PasswordHash: "$argon2id$x", Role: planwatch.RoleReporter,
		Units: []string{"178", "180"}, Sectors: []string{"Thương mại"}, Created: at}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, planwatch.Account{Name: "an", Role: planwatch.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Account(ctx, "lan")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "lan" || got.Role != planwatch.RoleReporter || got.PasswordHash != a.PasswordHash ||
		len(got.Units) != 2 || got.Units[1] != "180" || len(got.Sectors) != 1 || got.Sectors[0] != "Thương mại" ||
		got.Indicators != nil || got.Disabled || !got.Created.Equal(at) {
		t.Errorf("Account = %+v, want %+v", got, a)
	}
	if got.MustChangePassword {
		t.Error("a new account must change its password without being told to")
	}
	role, noUnits, yes, hash := planwatch.RolePlanner, []string(nil), true, "$argon2id$y"
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "lan", Role: &role, Units: &noUnits, Disabled: &yes, PasswordHash: &hash,
		MustChangePassword: &yes, Audit: planwatch.AuditEntry{Action: "user.set", By: "an"}}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "an" || list[1].Name != "lan" {
		t.Fatalf("Accounts = %+v", list)
	}
	if l := list[1]; l.Role != planwatch.RolePlanner || l.Units != nil || !l.Disabled || l.PasswordHash != "$argon2id$y" || !l.Created.Equal(at) || !l.MustChangePassword {
		t.Errorf("after update: %+v", l)
	}
	if list[0].Created.IsZero() {
		t.Error("Created not set by the store")
	}
}

func testAccountErrors(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	if err := s.CreateAccount(ctx, planwatch.Account{Name: "x", Role: "king"}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("bad role: %v", err)
	}
	if err := s.CreateAccount(ctx, planwatch.Account{Role: planwatch.RoleViewer}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("no name: %v", err)
	}
	evil := planwatch.Account{Name: "x';DROP/**/TABLE/**/accounts;--", Role: planwatch.RoleViewer}
	if err := s.CreateAccount(ctx, evil); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, evil); planwatch.ErrorCode(err) != planwatch.ECONFLICT {
		t.Errorf("duplicate: %v", err)
	}
	if got, err := s.Account(ctx, evil.Name); err != nil || got.Name != evil.Name {
		t.Errorf("Account(%q) = %+v, %v", evil.Name, got, err)
	}
	if _, err := s.Account(ctx, "nobody"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("missing: %v", err)
	}
	viewer := planwatch.RoleViewer
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "nobody", Role: &viewer, Audit: planwatch.AuditEntry{Action: "user.set", By: "an"}}); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("update missing: %v", err)
	}
}

func testSessions(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	if err := s.CreateAccount(ctx, planwatch.Account{Name: "lan", Role: planwatch.RolePlanner}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, planwatch.Account{Name: "binh", Role: planwatch.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	sess := planwatch.Session{IDHash: "h1", User: "lan", Created: at, LastSeen: at, Expires: at.Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, sess); planwatch.ErrorCode(err) != planwatch.ECONFLICT {
		t.Errorf("duplicate session: %v", err)
	}
	if err := s.CreateSession(ctx, planwatch.Session{IDHash: "h9", User: "nobody", Created: at, LastSeen: at, Expires: at}); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("session of a missing user: %v", err)
	}
	for _, x := range []planwatch.Session{
		{IDHash: "h2", User: "lan", Created: at, LastSeen: at, Expires: at.Add(time.Hour)},
		{IDHash: "h3", User: "binh", Created: at, LastSeen: at, Expires: at.Add(time.Hour)},
		{IDHash: "h4", User: "binh", Created: at, LastSeen: at, Expires: at.Add(-time.Minute)},
	} {
		if err := s.CreateSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Session(ctx, "h1")
	if err != nil || got.User != "lan" || !got.Expires.Equal(at.Add(time.Hour)) || !got.Created.Equal(at) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	later := at.Add(30 * time.Minute)
	if err := s.TouchSession(ctx, "h1", later, later.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Session(ctx, "h1"); !got.LastSeen.Equal(later) || !got.Expires.Equal(later.Add(time.Hour)) {
		t.Errorf("after touch: %+v", got)
	}
	if err := s.TouchSession(ctx, "gone", later, later); err != nil {
		t.Errorf("touching a missing session: %v", err)
	}
	if err := s.DeleteSession(ctx, "h2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "h2"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("deleted session: %v", err)
	}
	if err := s.DeleteSession(ctx, "h2"); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	// Ending lan's sessions also sweeps binh's expired one, not his live one.
	if err := s.DeleteSessions(ctx, "lan", at); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"h1": false, "h3": true, "h4": false} {
		_, err := s.Session(ctx, id)
		if (err == nil) != want {
			t.Errorf("session %s present = %v, want %v (%v)", id, err == nil, want, err)
		}
	}
}

func testLoginAttempts(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	for i, a := range []planwatch.LoginAttempt{
		{User: "lan", IP: "10.0.0.1", OK: false},
		{User: "lan", IP: "10.0.0.2", OK: false},
		{User: "binh", IP: "10.0.0.1", OK: false},
		{User: "lan", IP: "10.0.0.1", OK: true},
		{User: "lan", IP: "10.0.0.1", OK: false, At: at.Add(-2 * time.Hour)},
	} {
		if a.At.IsZero() {
			a.At = at.Add(time.Duration(i) * time.Second)
		}
		if err := s.RecordLoginAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	byUser, byIP, err := s.FailedLogins(ctx, "lan", "10.0.0.1", at.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if byUser != 2 || byIP != 2 {
		t.Errorf("FailedLogins = %d by user, %d by IP; want 2, 2", byUser, byIP)
	}
	byUser, byIP, _ = s.FailedLogins(ctx, "x'; DROP TABLE login_attempts;--", "10.0.0.9", at.Add(-time.Hour))
	if byUser != 0 || byIP != 0 {
		t.Errorf("unknown user and IP: %d, %d", byUser, byIP)
	}
}

func testApprovals(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	q1 := planwatch.MustPeriod("2022Q1")
	for _, a := range []planwatch.Approval{
		{Unit: "20", Period: q1, State: planwatch.ApprovalSubmitted, By: "lan", At: at},
		{Unit: "178", Period: q1, State: planwatch.ApprovalApproved, By: "an", At: at},
		{Unit: "20", Period: planwatch.MustPeriod("2021"), State: planwatch.ApprovalApproved, By: "an", At: at},
		{Unit: "20", Period: q1, State: planwatch.ApprovalReturned, By: "an", At: at.Add(time.Minute), Comment: "thiếu số liệu"},
	} {
		if err := s.SetApproval(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "20", Period: q1, State: "done"}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("bad state: %v", err)
	}
	all, err := s.Approvals(ctx, planwatch.ApprovalQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 {
		t.Fatalf("Approvals = %+v", all)
	}
	if a := all[0]; a.Unit != "178" || a.Period != q1 || a.State != planwatch.ApprovalApproved || !a.At.Equal(at) {
		t.Errorf("first = %+v", a)
	}
	if a := all[2]; a.Unit != "20" || a.Period != q1 || a.State != planwatch.ApprovalReturned || a.Comment != "thiếu số liệu" || a.By != "an" {
		t.Errorf("replaced = %+v", a)
	}
	got, err := s.Approvals(ctx, planwatch.ApprovalQuery{Units: []string{"20"}, Year: 2022})
	if err != nil || len(got) != 1 || got[0].Period != q1 {
		t.Errorf("by unit and year: %+v, %v", got, err)
	}
	got, err = s.Approvals(ctx, planwatch.ApprovalQuery{State: planwatch.ApprovalApproved})
	if err != nil || len(got) != 2 {
		t.Errorf("approved: %+v, %v", got, err)
	}
	// Limit lists the first ones (the lock check asks whether any is approved).
	got, err = s.Approvals(ctx, planwatch.ApprovalQuery{State: planwatch.ApprovalApproved, Limit: 1})
	if err != nil || len(got) != 1 || got[0].Unit != "178" {
		t.Errorf("approved, limit 1: %+v, %v", got, err)
	}
}

func testCheckLocked(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	v := func(unit, p string) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail", Unit: unit, Period: planwatch.MustPeriod(p)}}
	}
	cases := []struct {
		values []planwatch.DataValue
		locked bool
	}{
		{[]planwatch.DataValue{v("178", "2022Q1")}, true},
		{[]planwatch.DataValue{v("180", "2022Q1"), v("178", "202202")}, true},
		{[]planwatch.DataValue{v("178", "2022Q2"), v("180", "2022Q1")}, false},
		{[]planwatch.DataValue{v("178", "2022")}, false}, // a year is wider than the approved quarter
	}
	for i, c := range cases {
		err := planwatch.CheckLocked(ctx, s, &planwatch.ChangeSet{Values: c.values})
		if locked := planwatch.ErrorCode(err) == planwatch.ECONFLICT; locked != c.locked {
			t.Errorf("case %d: %v, want locked=%v", i, err, c.locked)
		}
		if c.locked && err != nil && !containsAll(planwatch.ErrorMessage(err), "178", "2022Q1") {
			t.Errorf("case %d: message %q does not name the unit and period", i, planwatch.ErrorMessage(err))
		}
	}
}

// Apply itself refuses values under an approved unit-period, inside its
// transaction, and stores nothing of the change set; after an unlock it stores.
func testApplyHonoursLocks(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	st, ok := s.(planwatch.Store)
	if !ok {
		t.Skip("not a planwatch.Store")
	}
	if err := Fixture(ctx, st); err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: q1, State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	cs := &planwatch.ChangeSet{By: "bình", Values: []planwatch.DataValue{
		value("trade.retail", "20", "2022Q1", planwatch.Official, 1),  // not locked: the province above
		value("trade.retail", "178", "202203", planwatch.Official, 2), // within the approved quarter
	}}
	for _, dry := range []bool{true, false} {
		cs.DryRun = dry
		if _, err := st.Apply(ctx, cs); planwatch.ErrorCode(err) != planwatch.ECONFLICT || !containsAll(planwatch.ErrorMessage(err), "178", "2022Q1") {
			t.Fatalf("dry=%v: Apply under a lock: %v", dry, err)
		}
	}
	if vals, err := st.Values(ctx, planwatch.ValueQuery{}); err != nil || len(vals) != 0 {
		t.Fatalf("a refused change set stored %d values (%v)", len(vals), err)
	}
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: q1, State: planwatch.ApprovalOpen, By: "an", Comment: "sửa số liệu"}); err != nil {
		t.Fatal(err)
	}
	cs.DryRun = false
	if res, err := st.Apply(ctx, cs); err != nil || res.Imported != 2 {
		t.Fatalf("after unlock: %+v %v", res, err)
	}
}

// testLockCoversChildUnits (issue 15, 12): approving a district's quarter
// freezes the figures of its communes for that quarter too (they roll up
// into the approved figures); the province above and other districts are
// not frozen, nor is a wider period of the district (a six-month report
// after an approved first quarter).
func testLockCoversChildUnits(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	st, ok := s.(planwatch.Store)
	if !ok {
		t.Skip("not a planwatch.Store")
	}
	if err := Fixture(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		unit, period string
		locked       bool
	}{
		{"05977", "2022Q1", true}, {"06000", "202202", true}, {"05977", "2022Q2", false},
		{"20", "2022Q1", false}, {"178", "2022S1", false},
	} {
		cs := &planwatch.ChangeSet{By: "bình", DryRun: true, Values: []planwatch.DataValue{value("trade.retail", c.unit, c.period, planwatch.Official, 1)}}
		_, err := st.Apply(ctx, cs)
		if locked := planwatch.ErrorCode(err) == planwatch.ECONFLICT; locked != c.locked {
			t.Errorf("%s %s: %v, want locked=%v", c.unit, c.period, err, c.locked)
		}
		if c.locked && !containsAll(planwatch.ErrorMessage(err), "178", "2022Q1") {
			t.Errorf("%s %s: message %q does not name the approved unit and period", c.unit, c.period, planwatch.ErrorMessage(err))
		}
	}
	// Targets: an approved quarter leaves the year's plan open to a
	// mid-year adjustment; an approved year freezes it, below too.
	target := func(unit string, year int) error {
		_, err := st.Apply(ctx, &planwatch.ChangeSet{By: "bình", DryRun: true, Targets: []planwatch.Target{
			{Indicator: "trade.retail", Unit: unit, Year: year, Kind: planwatch.TargetPlan, Value: 1}}})
		return err
	}
	if err := target("178", 2022); err != nil {
		t.Errorf("a target of a year with an approved quarter: %v", err)
	}
	if err := s.SetApproval(ctx, planwatch.Approval{Unit: "20", Period: planwatch.MustPeriod("2022"), State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	for _, unit := range []string{"20", "178", "05977"} {
		if err := target(unit, 2022); planwatch.ErrorCode(err) != planwatch.ECONFLICT {
			t.Errorf("target of %s for an approved year: %v", unit, err)
		}
	}
	if err := target("20", 2023); err != nil {
		t.Errorf("a target of the next year: %v", err)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// testAccountChanges: each account change is one transaction that sets only
// the fields it names. Changes of different fields made at once (a role by
// one administrator, a password by another, scopes from the command line)
// all stay; the change, the end of the sessions and its audit entry are
// one; a change leaving no enabled administrator is refused, also when two
// are made at once.
func testAccountChanges(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	lan := planwatch.Account{Name: "lan", PasswordHash: "$argon2id$1", Role: planwatch.RoleReporter, Units: []string{"178"}, Created: at}
	for _, a := range []planwatch.Account{lan, {Name: "an", Role: planwatch.RoleAdmin, Created: at}} {
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, planwatch.Session{IDHash: "lan1", User: "lan", Created: at, LastSeen: at, Expires: at.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	role, hash, yes := planwatch.RolePlanner, "$argon2id$2", true
	units, sectors, inds := []string{"180", "181"}, []string{"Nông nghiệp"}, []string{"agri.planted_area"}
	audit := func(action string) planwatch.AuditEntry {
		return planwatch.AuditEntry{Action: action, By: "an", From: "10.0.0.1", At: at}
	}
	changes := []planwatch.AccountChange{
		{Name: "lan", Role: &role, Audit: audit("user.set")},
		{Name: "lan", PasswordHash: &hash, MustChangePassword: &yes, EndSessions: true, Audit: audit("user.password")},
		{Name: "lan", Units: &units, Audit: audit("user.set")},
		{Name: "lan", Sectors: &sectors, Audit: audit("user.set")},
		{Name: "lan", Indicators: &inds, Audit: audit("user.set")},
	}
	var wg sync.WaitGroup
	errs := make([]error, len(changes))
	for i, c := range changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.ChangeAccount(ctx, c)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	got, err := s.Account(ctx, "lan")
	if err != nil {
		t.Fatal(err)
	}
	if got.Role != role || got.PasswordHash != hash || !got.MustChangePassword || strings.Join(got.Units, ",") != "180,181" ||
		strings.Join(got.Sectors, ",") != "Nông nghiệp" || strings.Join(got.Indicators, ",") != "agri.planted_area" || got.Disabled || !got.Created.Equal(at) {
		t.Errorf("after five changes made at once: %+v; a change was lost", got)
	}
	if _, err := s.Session(ctx, "lan1"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("the new password left the session: %v", err)
	}
	entries, err := s.Audit(ctx, planwatch.AuditQuery{Entity: "user/lan"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(changes) {
		t.Fatalf("%d audit entries for %d changes", len(entries), len(changes))
	}
	for _, e := range entries {
		if e.By != "an" || e.From != "10.0.0.1" || e.Old == "" || e.New == "" || strings.Contains(e.Old+e.New, "argon2id") {
			t.Errorf("audit entry %+v", e)
		}
	}

	// A change's old and new: what it read and what it wrote.
	viewer := planwatch.RoleViewer
	old, after, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "lan", Role: &viewer, Audit: audit("user.set")})
	if err != nil || old.Role != role || after.Role != viewer || after.PasswordHash != hash {
		t.Errorf("ChangeAccount = %+v, %+v, %v", old, after, err)
	}
	// A new password over a hash that is no longer the stored one (an
	// administrator's reset came between) is refused and changes nothing.
	stale, newer := "$argon2id$1", "$argon2id$3"
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "lan", PasswordHash: &newer, IfPasswordHash: &stale,
		Audit: audit("user.password")}); planwatch.ErrorCode(err) != planwatch.ECONFLICT {
		t.Errorf("a password over a stale hash: %v, want a conflict", err)
	}
	if a, _ := s.Account(ctx, "lan"); a.PasswordHash != hash {
		t.Errorf("the refused password was written: %q", a.PasswordHash)
	}
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "lan", PasswordHash: &newer, IfPasswordHash: &hash,
		Audit: audit("user.password")}); err != nil {
		t.Errorf("a password over the stored hash: %v", err)
	}
	bad := "king"
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "lan", Role: &bad, Audit: audit("user.set")}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("a bad role: %v", err)
	}
	if _, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: "nobody", Role: &viewer, Audit: audit("user.set")}); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("a missing account: %v", err)
	}

	// The last enabled administrator stays; of two disabled at once, one.
	off := true
	disable := func(name string) error {
		_, _, err := s.ChangeAccount(ctx, planwatch.AccountChange{Name: name, Disabled: &off, KeepAdmin: true, EndSessions: true, Audit: audit("user.disable")})
		return err
	}
	if err := disable("an"); planwatch.ErrorCode(err) != planwatch.ECONFLICT {
		t.Errorf("disabling the only administrator: %v", err)
	}
	if a, _ := s.Account(ctx, "an"); a.Disabled {
		t.Error("the refused change was written")
	}
	if err := s.CreateAccount(ctx, planwatch.Account{Name: "binh", Role: planwatch.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	errs = make([]error, 2)
	for i, name := range []string{"an", "binh"} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = disable(name) }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Errorf("two administrators disabled at once: %v, %v; want one refused", errs[0], errs[1])
	}
	n := 0
	list, _ := s.Accounts(ctx)
	for _, a := range list {
		if a.IsEnabledAdmin() {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d enabled administrators left, want 1", n)
	}
	if all, _ := s.Audit(ctx, planwatch.AuditQuery{Action: "user.disable"}); len(all) != 1 {
		t.Errorf("%d audit entries of disabling, want 1 (refused changes keep none)", len(all))
	}
}

// testApprovedOnly (sixth session): Values with ApprovedOnly answers the
// values of approved unit-periods alone, marked Approved, and leaves the
// others out before its Limit counts: a limited read among many
// unapproved values still finds the approved ones.
func testApprovedOnly(t *testing.T, ctx context.Context, s AccountsAndApprovals) {
	if err := Fixture(ctx, s); err != nil {
		t.Fatal(err)
	}
	var vs []planwatch.DataValue
	for _, unit := range []string{"20", "178"} {
		for _, p := range []string{"202201", "202202", "202203", "2022Q1", "202204", "2022Q2", "2022"} {
			vs = append(vs, value("trade.retail", unit, p, planwatch.Official, 1))
		}
	}
	apply(t, ctx, s, &planwatch.ChangeSet{Values: vs})
	for _, a := range []planwatch.Approval{
		{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "an"},
		{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalSubmitted, By: "lan"},
	} {
		if err := s.SetApproval(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"trade.retail/178/202201", "trade.retail/178/202202", "trade.retail/178/202203", "trade.retail/178/2022Q1"}
	for _, limit := range []int{0, 1, 4, 5} {
		got := values(t, ctx, s, planwatch.ValueQuery{ApprovedOnly: true, Limit: limit})
		n := len(want)
		if limit > 0 {
			n = min(n, limit)
		}
		if len(got) != n {
			t.Errorf("ApprovedOnly, limit %d: %d values, want %d", limit, len(got), n)
		}
		for _, v := range got {
			if !slices.Contains(want, v.Key.String()) || !v.Approved {
				t.Errorf("ApprovedOnly, limit %d: %s (approved %v) answered, want only %v", limit, v.Key, v.Approved, want)
			}
		}
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != len(vs) {
		t.Errorf("without ApprovedOnly: %d values, want all %d", len(got), len(vs))
	}
}
