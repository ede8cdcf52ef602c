package extract

import "testing"

const heldout2Dir = "testdata/heldout2"

// heldout2MinF1 and heldout2MinFull are the floors of the second held-out
// set (testdata/heldout2/README.md): four documents written to stress the
// period context (a month then its cumulative months, a quarter headline
// over a 9-month body, a period set once for a paragraph, stocks at a
// date, a half-year review with some quarter sentences).
//
// Before any change the set scored F1 0.99, full 0.86; after the fixes it
// prompted, 1.00 and 1.00. The floors are the after figures less a margin
// that still lets one document of the "before" kind through on F1, and
// fails when the headline's quarter leaks into a 9-month body again (file
// 23 alone took the total to 0.86).
const (
	heldout2MinF1   = 0.95
	heldout2MinFull = 0.90
)

// TestHeldout2 scores the extractor on testdata/heldout2 with the eval-dev
// rules and prints the per-file figures. Unlike TestHeldout it also holds a
// floor on "full", since the set is about periods.
func TestHeldout2(t *testing.T) { scoreWithFloors(t, heldout2Dir, heldout2MinF1, heldout2MinFull) }
