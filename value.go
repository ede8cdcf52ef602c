package planwatch

import (
	"fmt"
	"time"
)

// Basis says what span a reported figure covers.
type Basis string

const (
	BasisPeriod     Basis = "period"     // the period alone
	BasisCumulative Basis = "cumulative" // lũy kế: cumulative from 1 January through the period's end
)

// Vintage orders the finality of a figure; later vintages revise earlier ones.
type Vintage int

const (
	Estimate    Vintage = 1 // ước tính, ước đạt, dự ước
	Preliminary Vintage = 2 // sơ bộ
	Official    Vintage = 3 // chính thức
)

// String gives the code used in files and the API.
func (v Vintage) String() string {
	switch v {
	case Estimate:
		return "estimate"
	case Preliminary:
		return "preliminary"
	case Official:
		return "official"
	}
	return fmt.Sprintf("vintage(%d)", int(v))
}

// ParseVintage accepts the codes of String and the Vietnamese words.
func ParseVintage(s string) (Vintage, error) {
	switch s {
	case "estimate", "ước", "ước tính", "E":
		return Estimate, nil
	case "preliminary", "sơ bộ", "P":
		return Preliminary, nil
	case "official", "chính thức", "O", "":
		return Official, nil
	}
	return 0, Errorf(EINVALID, "vintage %q: expected estimate, preliminary or official", s)
}

// SourceKind says where a figure came from.
type SourceKind string

const (
	SourceForm         SourceKind = "form"         // typed into a data-entry form
	SourceFile         SourceKind = "file"         // a row of an imported file
	SourceDocument     SourceKind = "document"     // a sentence of a report or article
	SourceDerived      SourceKind = "derived"      // computed from other figures by Formula
	SourceIllustrative SourceKind = "illustrative" // minh họa: invented to illustrate, not real
	SourceAPI          SourceKind = "api"
	// SourceRestated: a figure for a period before a reform, restated by its
	// source for the unit's territory of today (số liệu tính lại theo địa
	// giới mới); it wins over a figure derived from the former units.
	SourceRestated SourceKind = "restated"
)

// Source records the provenance of a value, target or milestone.
type Source struct {
	Kind     SourceKind `json:"kind"`
	Ref      string     `json:"ref,omitempty"`      // file name, document title or URL, form id
	Row      int        `json:"row,omitempty"`      // line of the file
	Sentence string     `json:"sentence,omitempty"` // the sentence of the document
	Formula  string     `json:"formula,omitempty"`  // for derived figures
}

func (s Source) String() string {
	out := string(s.Kind)
	if s.Ref != "" {
		out += ": " + s.Ref
	}
	if s.Row > 0 {
		out += fmt.Sprintf(" dòng %d", s.Row)
	}
	if s.Formula != "" {
		out += " = " + s.Formula
	}
	return out
}

// Key identifies a series point: indicator × unit × period.
type Key struct {
	Indicator string `json:"indicator"`
	Unit      string `json:"orgunit"`
	Period    Period `json:"period"`
}

func (k Key) String() string { return k.Indicator + "/" + k.Unit + "/" + k.Period.ID() }

// DataValue is one reported figure (one revision). Value is in base units
// (VND, USD, ha …). Reported comparisons are stored as reported: an index or
// growth-only statement has no Value but a YoY; "đạt 26,3% kế hoạch" is PlanPct.
type DataValue struct {
	Key
	Basis   Basis     `json:"basis"`
	Vintage Vintage   `json:"vintage"`
	Value   *float64  `json:"value"`    // nil: only comparisons were reported
	YoY     *float64  `json:"yoy_pct"`  // reported growth vs same period last year, percent
	PlanPct *float64  `json:"plan_pct"` // reported share of the annual plan, percent
	VsRef   *float64  `json:"vs_ref"`   // reported change vs the end of last year, percent
	Comment string    `json:"comment,omitempty"`
	Deleted bool      `json:"deleted,omitempty"` // a revision that withdraws the figure
	Source  Source    `json:"source"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	// Revision numbers the revisions of one key and vintage, from 1; set by the store.
	Revision int `json:"revision"`
	// Approved is set by the store when the unit's period has been approved.
	Approved bool `json:"approved,omitempty"`
}

// Normalize keys a cumulative figure by the months it covers: a lũy kế figure
// reported for April covers January–April, so it is stored as 202201-202204
// and never collides with April's own figure. Stores call it before keying.
func (v *DataValue) Normalize() {
	if v.Basis == BasisCumulative && v.Period.First != 1 {
		v.Period = v.Period.YearToDate()
	}
}

// Float returns a pointer to f, for the optional fields.
func Float(f float64) *float64 { return &f }

// Validate checks a value before it is stored.
func (v *DataValue) Validate() error {
	switch {
	case v.Indicator == "":
		return Errorf(EINVALID, "indicator required")
	case v.Unit == "":
		return Errorf(EINVALID, "unit (orgunit) required")
	case v.Period.IsZero():
		return Errorf(EINVALID, "period required")
	case v.Basis != BasisPeriod && v.Basis != BasisCumulative:
		return Errorf(EINVALID, "basis %q: expected period or cumulative", v.Basis)
	case v.Vintage < Estimate || v.Vintage > Official:
		return Errorf(EINVALID, "vintage %d out of range", v.Vintage)
	case !v.Deleted && v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil:
		return Errorf(EINVALID, "%s: a value or a reported comparison is required", v.Key)
	}
	return nil
}

// Current picks the current revision among the revisions of one key: the
// latest revision of the most final vintage. A withdrawn (deleted) latest
// revision of that vintage falls back to the next vintage down. It returns
// false when nothing current remains.
func Current(revisions []DataValue) (DataValue, bool) {
	for vin := Official; vin >= Estimate; vin-- {
		var best *DataValue
		for i := range revisions {
			r := &revisions[i]
			if r.Vintage != vin {
				continue
			}
			if best == nil || r.Revision > best.Revision || (r.Revision == best.Revision && r.At.After(best.At)) {
				best = r
			}
		}
		if best != nil && !best.Deleted {
			return *best, true
		}
	}
	return DataValue{}, false
}
