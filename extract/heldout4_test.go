package extract

import "testing"

const heldout4Dir = "testdata/heldout4"

// TestHeldout4 scores the extractor on testdata/heldout4 (issue 14: the
// year, comparisons other than the same period, statistics releases, a plan
// resolution, flattened and real tables, web pages, Word and PDF files) with
// the eval-dev rules. The floors are the figures after the fixes (README)
// less a margin of about one document of the "before" kind.
func TestHeldout4(t *testing.T) { scoreWithFloors(t, heldout4Dir, 0.95, 0.90) }
