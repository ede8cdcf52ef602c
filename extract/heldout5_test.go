package extract

import "testing"

const heldout5Dir = "testdata/heldout5"

// TestHeldout5 scores the extractor on testdata/heldout5, documents written
// after the issue-14 fixes and not tuned on (a fresh probe: statistics
// release, plan resolution, annex table, news page), and logs the figures.
func TestHeldout5(t *testing.T) {
	tot, ok := scoreSet(t, heldout5Dir)
	if !ok {
		t.Fatalf("no held-out set under %s", heldout5Dir)
	}
	t.Logf("held-out 5: F1 %.3f, full %.3f", tot.f1(), ratio(tot.full, tot.gold))
	// Floors: the figures after the fixes (README) less a margin of about
	// one document of the "before" kind.
	if f := tot.f1(); f < 0.95 {
		t.Errorf("held-out 5 F1 = %.3f, want ≥ 0.95", f)
	}
	if f := ratio(tot.full, tot.gold); f < 0.90 {
		t.Errorf("held-out 5 full = %.3f, want ≥ 0.90", f)
	}
}
