package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"planwatch"
	"planwatch/internal/engine"
)

// auditChainer is how a store hands its audit trail over in chain order.
type auditChainer interface {
	AuditChain(ctx context.Context, fn func(planwatch.AuditEntry) bool) error
}

// testAuditChain: writers of every kind appending audit entries at once
// (change sets with per-value entries, logins, catalogue saves) leave one
// unbroken chain, every entry hashed.
func testAuditChain(t *testing.T, ctx context.Context, s planwatch.Store) {
	c, ok := s.(auditChainer)
	if !ok {
		t.Skip("the store does not chain its audit trail")
	}
	fixture(t, ctx, s)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Go(func() {
			for i := range 5 {
				v := value("bank.deposits", "20", fmt.Sprintf("2022%02d", w+1), planwatch.Official, float64(i))
				if _, err := s.Apply(ctx, &planwatch.ChangeSet{By: fmt.Sprintf("w%d", w), Values: []planwatch.DataValue{v}}); err != nil {
					errs <- err
				}
				if err := s.RecordAudit(ctx, planwatch.AuditEntry{By: fmt.Sprintf("w%d", w), Action: "login"}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for range 3 {
			if err := s.SaveIndicators(ctx, fixtureIndicators[:1], "admin"); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var v engine.ChainVerifier
	if err := c.AuditChain(ctx, v.Add); err != nil {
		t.Fatal(err)
	}
	n, problem := v.Finish()
	if problem != "" || n < 4*5*3 {
		t.Errorf("audit chain of %d entries: %q", n, problem)
	}
}
