package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestAttackKeptResultsBounded (fifth session): the status of each unit
// and period asked for was kept until the data changed, without bound:
// anyone reading a public server could ask for every unit in every period
// from 1900 to 2200 (a status each, tens of kilobytes for a province's
// indicators) and grow the server's memory until it stopped. What a version
// of the index keeps for pages is bounded (maxKeptResults); past it, an
// answer is computed as before and not kept.
func TestAttackKeptResultsBounded(t *testing.T) {
	s := newTestServer(t, Config{PublicRead: true})
	c := newClient(t, s)
	const asked = 1200
	for i := range asked {
		p := fmt.Sprintf("%d%02d", 1950+i/12, i%12+1)
		if rec := c.get("/api/analytics/status?unit=20&period=" + p); rec.Code != http.StatusOK {
			t.Fatalf("status of %s: %d", p, rec.Code)
		}
	}
	snap, err := s.snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	snap.statusMu.Lock()
	kept := len(snap.status) + len(snap.memos)
	snap.statusMu.Unlock()
	if kept > 1024 {
		t.Errorf("%d results kept after %d questions, want at most 1024", kept, asked)
	}
	// Past the bound, answers are still right.
	if rec := c.get("/api/analytics/status?unit=20&period=2022Q1"); rec.Code != http.StatusOK || !strings.Contains(body(rec), `"plan_pct"`) {
		t.Errorf("status past the bound: %d %.200s", rec.Code, body(rec))
	}
}
