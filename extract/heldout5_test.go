package extract

import "testing"

const heldout5Dir = "testdata/heldout5"

// TestHeldout5 scores the extractor on testdata/heldout5, documents written
// after the issue-14 fixes as a fresh probe (statistics release, plan
// resolution, annex table, news page); floors as TestHeldout4's.
func TestHeldout5(t *testing.T) { scoreWithFloors(t, heldout5Dir, 0.95, 0.90) }
