package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"

	"planwatch"
)

// unsaid is what the values of a planwatch CSV whose file starts with head
// (its header line at least) do not say: a file without a comment column
// keeps each stored comment, one without yoy_pct, plan_pct or vs_ref_pct
// keeps the stored comparisons (ChangeSet.Keep), so that no import alters
// what its file does not mention. The store fills them in from the current
// value of each key and vintage, which it reads anyway.
func unsaid(head []byte) planwatch.Unsaid {
	keep := planwatch.KeepComment | planwatch.KeepYoY | planwatch.KeepPlanPct | planwatch.KeepVsRef
	line, _, _ := bytes.Cut(head, []byte("\n"))
	rec, _ := csv.NewReader(bytes.NewReader(line)).Read()
	for _, h := range rec {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))) {
		case "comment":
			keep &^= planwatch.KeepComment
		case "yoy_pct":
			keep &^= planwatch.KeepYoY
		case "plan_pct":
			keep &^= planwatch.KeepPlanPct
		case "vs_ref_pct":
			keep &^= planwatch.KeepVsRef
		}
	}
	return keep
}
