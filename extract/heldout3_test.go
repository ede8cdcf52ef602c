package extract

import "testing"

const heldout3Dir = "testdata/heldout3"

// TestHeldout3 scores the extractor on testdata/heldout3 with the eval-dev
// rules (see testdata/heldout3/README.md).
func TestHeldout3(t *testing.T) {
	tot, ok := scoreSet(t, heldout3Dir)
	if !ok {
		t.Fatalf("no held-out set under %s", heldout3Dir)
	}
	t.Logf("F1 %.3f full %.3f", tot.f1(), ratio(tot.full, tot.gold))
}
