package planwatch

import (
	"strings"
	"testing"
)

// Category and option codes end up in formulas (CODE~option) where "-" is
// a minus: they are refused with "-", naming the field and the row.
func TestCategoryCodesWithoutMinus(t *testing.T) {
	opts := func(codes ...string) []CategoryOption {
		var out []CategoryOption
		for _, c := range codes {
			out = append(out, CategoryOption{Code: c, NameVI: c})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		c    Category
		col  string
		row  int
	}{
		{"good", Category{Code: "ownership", NameVI: "Sở hữu", Options: opts("state_owned", "fdi", "non.state", "2")}, "", 0},
		{"option with -", Category{Code: "ownership", NameVI: "Sở hữu", Options: opts("fdi", "state-owned")}, "option", 2},
		{"code with -", Category{Code: "own-ship", NameVI: "Sở hữu", Options: opts("fdi", "state")}, "code", 0},
		{"code with ~", Category{Code: "own~ship", NameVI: "Sở hữu", Options: opts("fdi", "state")}, "code", 0},
		{"option with ~", Category{Code: "own", NameVI: "Sở hữu", Options: opts("fdi", "st~ate")}, "option", 2},
	} {
		ps := tc.c.Validate()
		if tc.col == "" {
			if len(ps) > 0 {
				t.Errorf("%s: refused: %+v", tc.name, ps)
			}
			continue
		}
		if len(ps) != 1 || ps[0].Column != tc.col || ps[0].Row != tc.row || !strings.Contains(ps[0].Reason, "no '-'") {
			t.Errorf("%s: problems %+v, want one on %s row %d saying '-' is refused", tc.name, ps, tc.col, tc.row)
		}
	}
}
