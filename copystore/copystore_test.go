package copystore

import (
	"context"
	"iter"
	"testing"
	"time"

	"planwatch"
)

type records []planwatch.Record

func (rs records) Dump(context.Context) iter.Seq2[planwatch.Record, error] {
	return func(yield func(planwatch.Record, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func sumOf(t *testing.T, rs records, table string) Summary {
	t.Helper()
	sums, err := Summarize(context.Background(), rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Table == table {
			return s
		}
	}
	t.Fatalf("no summary of %s in %+v", table, sums)
	return Summary{}
}

// The checksum of users covers the password hash, which Account's JSON
// leaves out, and times count to the microsecond, as PostgreSQL keeps them.
func TestSummarizeAccountsAndApprovals(t *testing.T) {
	at := time.Date(2022, 4, 7, 16, 42, 0, 123456789, time.UTC)
	user := func(hash string, created time.Time) records {
		return records{{User: &planwatch.Account{Name: "an", PasswordHash: hash, Role: planwatch.RoleAdmin, Created: created}}}
	}
	approval := func(state planwatch.ApprovalState, at time.Time) records {
		return records{{Approval: &planwatch.Approval{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), State: state, By: "an", At: at}}}
	}
	if a, b := sumOf(t, user("$argon2id$a", at), "users"), sumOf(t, user("$argon2id$b", at), "users"); a == b || a.Rows != 1 {
		t.Errorf("users with different password hashes sum alike: %+v %+v", a, b)
	}
	if a, b := sumOf(t, user("h", at), "users"), sumOf(t, user("h", at.Truncate(time.Microsecond)), "users"); a != b {
		t.Errorf("users created in the same microsecond sum differently: %+v %+v", a, b)
	}
	if a, b := sumOf(t, user("h", at), "users"), sumOf(t, user("h", at.Add(time.Microsecond)), "users"); a == b {
		t.Errorf("users created a microsecond apart sum alike: %+v %+v", a, b)
	}
	if a, b := sumOf(t, approval(planwatch.ApprovalApproved, at), "approvals"), sumOf(t, approval(planwatch.ApprovalApproved, at.Truncate(time.Microsecond)), "approvals"); a != b || a.Rows != 1 {
		t.Errorf("approvals in the same microsecond sum differently: %+v %+v", a, b)
	}
	if a, b := sumOf(t, approval(planwatch.ApprovalApproved, at), "approvals"), sumOf(t, approval(planwatch.ApprovalReturned, at), "approvals"); a == b {
		t.Errorf("approvals of different states sum alike: %+v %+v", a, b)
	}
}
