package extract

import "testing"

const heldout3Dir = "testdata/heldout3"

// heldout3MinF1 and heldout3MinFull are the floors of the third held-out set
// (testdata/heldout3/README.md): a portal news item with bullets and a
// quote, a half-year report with un-numbered headings, an interview, and a
// statistics bulletin with abbreviations and space thousands groups.
//
// Before any change the set scored F1 0.94, full 0.65; after the fixes it
// prompted, 1.00 and 1.00. The floors leave a margin of one document of the
// "before" kind on F1 and fail when single-quarter paragraphs or asides
// leak into a cumulative report's body again.
const (
	heldout3MinF1   = 0.95
	heldout3MinFull = 0.90
)

// TestHeldout3 scores the extractor on testdata/heldout3 with the eval-dev
// rules and holds floors on F1 and "full".
func TestHeldout3(t *testing.T) { scoreWithFloors(t, heldout3Dir, heldout3MinF1, heldout3MinFull) }
