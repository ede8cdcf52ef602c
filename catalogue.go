package planwatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The catalogue is managed in the product (issue 13): indicators are added,
// edited and retired without a rebuild, every version of an indicator is
// kept, indicator sets say what a unit monitors in a year, and unit groups
// name sets of units. The embedded catalogue (package data) is only the
// starting content.

// IndicatorVersion is one saved version of an indicator's definition: the
// indicator as it was from At on, who saved it, from where and why.
type IndicatorVersion struct {
	Indicator
	Version int       `json:"version"` // 1, 2, … per code
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	From    string    `json:"from,omitempty"` // an address, "cli", a file
	Note    string    `json:"note,omitempty"` // why it changed, as the author said
}

// IndicatorSet is the list of indicators a unit monitors in a year (the
// People's Council resolution's list). A unit without a set for a year
// monitors every indicator that is not retired.
type IndicatorSet struct {
	Unit   string    `json:"unit"`
	Year   int       `json:"year"`
	Source string    `json:"source,omitempty"` // the resolution naming the list
	Items  []SetItem `json:"items"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at,omitempty"`
}

// SetItem is one indicator of a set with the target kinds it is monitored
// against (none: any kind).
type SetItem struct {
	Indicator   string       `json:"indicator"`
	TargetKinds []TargetKind `json:"target_kinds,omitempty"`
}

// Has reports whether the set lists the indicator.
func (s *IndicatorSet) Has(code string) bool {
	return slices.ContainsFunc(s.Items, func(it SetItem) bool { return it.Indicator == code })
}

// UnitGroup is a named group of units (border communes, poor districts),
// usable in rankings, reports and breakdowns.
type UnitGroup struct {
	Code   string    `json:"code"`
	NameVI string    `json:"name_vi"`
	NameEN string    `json:"name_en,omitempty"`
	Units  []string  `json:"units"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at,omitempty"`
}

// Has reports whether the group holds the unit.
func (g *UnitGroup) Has(unit string) bool { return slices.Contains(g.Units, unit) }

// CatalogueChange is one atomic change of the catalogue: every part is
// checked, then either all of it is stored or none of it.
type CatalogueChange struct {
	By   string
	From string
	Note string // why, kept with each new indicator version
	// Indicators are inserted or replaced by code; each one that differs
	// from the stored one becomes a new version.
	Indicators []Indicator
	// Sets replace the set of their unit and year; a set without items
	// removes it.
	Sets []IndicatorSet
	// Groups replace the group of their code; a group without units removes it.
	Groups []UnitGroup
	// Categories are breakdown categories inserted or replaced by code;
	// RemoveCategories are the codes of categories deleted (ENOTFOUND for
	// one not stored). Every indicator whose category the change sets,
	// changes or removes has its parts (CODE~option) made to follow in the
	// same transaction (planwatch.Breakdown): those of its category's
	// options made, the others retired (their values kept).
	Categories       []Category
	RemoveCategories []string
	// Convert allows a change of the unit of an indicator that has stored
	// values: its current values and targets are multiplied by the factor
	// in the same transaction, as a change set of their own (1 keeps the
	// stored amounts, which are in base units, as they are).
	Convert map[string]float64
	// DryRun checks everything and stores nothing.
	DryRun bool
}

// CatalogueResult counts what a catalogue change did.
type CatalogueResult struct {
	Indicators int         `json:"indicators"` // new indicator versions
	Sets       int         `json:"sets"`       // sets replaced or removed
	Groups     int         `json:"groups"`     // groups replaced or removed
	Converted  ApplyResult `json:"converted"`  // values and targets converted
}

// CatalogueEditor is a store whose catalogue is managed in the product.
// Both engines are.
type CatalogueEditor interface {
	// ApplyCatalogue checks and stores a catalogue change atomically, with
	// an audit entry per change. EINVALID listing every problem (a change
	// of meaning of an indicator with stored values among them): then
	// nothing is stored.
	ApplyCatalogue(ctx context.Context, c *CatalogueChange) (CatalogueResult, error)
	// IndicatorHistory returns every version of an indicator, oldest first
	// (none for an unknown code).
	IndicatorHistory(ctx context.Context, code string) ([]IndicatorVersion, error)
	// IndicatorSets returns the sets of a unit and year ("" and 0: any),
	// by unit and year, their items by indicator code.
	IndicatorSets(ctx context.Context, unit string, year int) ([]IndicatorSet, error)
	// UnitGroups returns every unit group by code, its units sorted.
	UnitGroups(ctx context.Context) ([]UnitGroup, error)
}

// MeaningChange says how a new definition of an indicator changes the
// meaning of the values stored under the old one: "" when it does not.
// Aggregations and kind cannot change under stored data (Fixed); the unit can
// when the values are converted (Unit).
type MeaningChange struct {
	Fixed []string // the fields whose change would reinterpret stored values
	Unit  bool     // the base unit or its scale changes
}

// Any reports whether anything changes meaning.
func (m MeaningChange) Any() bool { return len(m.Fixed) > 0 || m.Unit }

// ChangeOfMeaning compares two definitions of one indicator.
func ChangeOfMeaning(old, new *Indicator) MeaningChange {
	var m MeaningChange
	if old.Kind != new.Kind {
		m.Fixed = append(m.Fixed, fmt.Sprintf("kind %s → %s", old.Kind, new.Kind))
	}
	if old.TimeAgg != new.TimeAgg {
		m.Fixed = append(m.Fixed, fmt.Sprintf("time_agg %s → %s", old.TimeAgg, new.TimeAgg))
	}
	if old.UnitAgg != new.UnitAgg {
		m.Fixed = append(m.Fixed, fmt.Sprintf("unit_agg %s → %s", old.UnitAgg, new.UnitAgg))
	} else if new.UnitAgg == UnitRatio && (old.Numerator != new.Numerator || old.Denominator != new.Denominator) {
		m.Fixed = append(m.Fixed, fmt.Sprintf("numerator/denominator %s/%s → %s/%s", old.Numerator, old.Denominator, new.Numerator, new.Denominator))
	}
	ob, os := old.BaseUnit()
	nb, ns := new.BaseUnit()
	m.Unit = ob != nb || os != ns
	return m
}

// UnitFactor is the factor that keeps an indicator's figures as displayed
// when its unit's scale changes from old's to new's (stored amounts are in
// base units: "tỷ đồng" → "triệu đồng" keeps 5.953 shown as 5.953 with 1e-3).
func UnitFactor(old, new *Indicator) float64 {
	_, os := old.BaseUnit()
	_, ns := new.BaseUnit()
	return ns / os
}

// ParseTargetKinds reads a list of target kinds separated by commas or
// spaces; an unknown kind is an error naming it.
func ParseTargetKinds(s string) ([]TargetKind, error) {
	var out []TargetKind
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		k := TargetKind(strings.TrimSpace(f))
		if !slices.ContainsFunc(TargetKinds, func(t struct {
			Kind   TargetKind
			NameVI string
			NameEN string
		}) bool {
			return t.Kind == k
		}) {
			return nil, Errorf(EINVALID, "loại chỉ tiêu kế hoạch không rõ %q (unknown target kind)", k)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// JoinTargetKinds writes kinds as ParseTargetKinds reads them.
func JoinTargetKinds(kinds []TargetKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// Monitors reports whether a unit monitors an indicator in a year, given
// the unit's set for that year (nil when it has none): a retired indicator
// never; with a set, only those it lists (a breakdown part CODE~option
// with its parent); without one, every indicator.
func Monitors(set *IndicatorSet, ind *Indicator) bool {
	if ind.Retired {
		return false
	}
	if set == nil || set.Has(ind.Code) {
		return true
	}
	parent, _, ok := SplitSubIndicator(ind.Code)
	return ok && set.Has(parent)
}

// TargetKind is the kind of target the set monitors an indicator against:
// the first it lists for the indicator, else def.
func (s *IndicatorSet) TargetKind(code string, def TargetKind) TargetKind {
	for _, it := range s.Items {
		if it.Indicator == code && len(it.TargetKinds) > 0 {
			return it.TargetKinds[0]
		}
	}
	return def
}
