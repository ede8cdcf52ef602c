package web

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"planwatch"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
)

// countingStore counts whole reads of the change feed (from change 0).
type countingStore struct {
	*postgres.DB
	whole atomic.Int32
}

func (s *countingStore) CurrentSince(ctx context.Context, seq int64, fn func(planwatch.DataValue) error) (int64, error) {
	if seq == 0 {
		s.whole.Add(1)
	}
	return s.DB.CurrentSince(ctx, seq, fn)
}

// Two instances on one PostgreSQL database: a value written through one
// shows in the other's next dashboard, which reads only what changed (no
// whole reload), woken by the store's notification.
func TestTwoInstancesDashboard(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { srv.Stop() })
	ctx := context.Background()
	dsn, err := srv.CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if err := a.SaveIndicators(ctx, fixtureIndicators(), "test"); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveOrgUnits(ctx, fixtureUnits(), nil, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(ctx, fixtureData()); err != nil {
		t.Fatal(err)
	}
	cb := &countingStore{DB: b}
	hb := newTestServer(t, Config{Store: cb, PublicRead: true})
	woken := make(chan struct{}, 10)
	b.OnExternalChange(func() { hb.Invalidate(); woken <- struct{}{} })
	c := newClient(t, hb)
	const url = "/indicators/trade.retail_sales_services?unit=178&period=2022Q1"
	if page := body(c.get(url)); !strings.Contains(page, "3.210 tỷ đồng") {
		t.Fatalf("first view lacks the fixture's 3.210 tỷ đồng")
	}
	v := qv("trade.retail_sales_services", "178", "2022Q1", 4321e9)
	if _, err := a.Apply(ctx, &planwatch.ChangeSet{By: "a", From: "instance a", Values: []planwatch.DataValue{v}}); err != nil {
		t.Fatal(err)
	}
	// The notification arrives (the listener also signals once on connecting).
	deadline := time.After(30 * time.Second)
	for seen := false; !seen; {
		select {
		case <-woken:
			seen = strings.Contains(body(c.get(url)), "4.321 tỷ đồng")
		case <-deadline:
			t.Fatal("instance b never showed the value written through a")
		}
	}
	if n := cb.whole.Load(); n != 1 {
		t.Errorf("instance b read the whole store %d times, want once (at start)", n)
	}
}
