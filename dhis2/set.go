package dhis2

import (
	"fmt"
	"strings"
)

// Row is one data value as a file gives it, before any mapping. Period and
// OrgUnit are already inherited from the envelope when the value lacked them.
type Row struct {
	Line                 int // 1-based line of the file where the value starts
	Index                int // 0-based position among the file's data values, as DHIS2 counts them
	DataElement          string
	Period               string
	OrgUnit              string
	CategoryOptionCombo  string
	AttributeOptionCombo string
	Value                string
	StoredBy             string
	LastUpdated          string
	Comment              string
	FollowUp             bool
	Deleted              bool
}

// Set is a parsed data value set: the envelope, the rows read and the
// conflicts met while reading. A row with a conflict is not in Rows.
type Set struct {
	DataSet      string
	Period       string
	OrgUnit      string
	CompleteDate string
	Rows         []Row
	Conflicts    []Conflict
}

// Conflict is one value that cannot be imported, in the manner of a DHIS2
// import conflict: the object (a column, element or identifier), the value
// found and the reason.
type Conflict struct {
	Row     int    `json:"row,omitempty"`     // 1-based line of the file; 0 if unknown
	Index   int    `json:"index"`             // 0-based data value index (DHIS2's "indexes"); -1 for the envelope
	Element string `json:"element,omitempty"` // e.g. dataValues[3] in JSON
	Object  string `json:"object"`
	Value   string `json:"value"`
	Reason  string `json:"reason"`
}

func (c Conflict) String() string {
	where := c.Element
	if c.Row > 0 {
		where = fmt.Sprintf("line %d", c.Row)
	}
	return fmt.Sprintf("%s: %s %q: %s", where, c.Object, c.Value, c.Reason)
}

// ValueType is the DHIS2 value type of a partner's data element. planwatch
// indicators are numeric; BOOLEAN and TRUE_ONLY elements are accepted through a
// Mapping and stored as 1 and 0.
type ValueType string

const (
	Number   ValueType = "NUMBER"
	Boolean  ValueType = "BOOLEAN"
	TrueOnly ValueType = "TRUE_ONLY"
)

// Mapping translates a partner's UIDs to planwatch codes. A key of
// DataElements is a data element id, or "dataElement.categoryOptionCombo" for
// one disaggregation of it (which takes precedence). Identifiers missing from
// a non-empty map are used as they are (the CODE scheme).
type Mapping struct {
	DataElements map[string]string    `json:"dataElements,omitempty"`
	OrgUnits     map[string]string    `json:"orgUnits,omitempty"`
	ValueTypes   map[string]ValueType `json:"valueTypes,omitempty"` // by partner data element id
}

// Measures: the figure a row holds, named by its category option combo.
const (
	MeasureValue   = ""
	MeasureYoY     = "YOY"
	MeasurePlanPct = "PLAN_PCT"
	MeasureVsRef   = "VS_REF"
)

// DefaultCombo is the UID of DHIS2's default category option combo.
const DefaultCombo = "HllvX50cXC0"

// isDefaultCombo reports whether a category or attribute option combo means
// "no disaggregation".
func isDefaultCombo(s string) bool {
	return s == "" || s == DefaultCombo || strings.EqualFold(s, "default")
}

// parseBool reads DHIS2's followup and deleted flags.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "f", "0":
		return false, true
	case "true", "t", "1":
		return true, true
	}
	return false, false
}

// unescapeText undoes the formula-injection guard of the writers: a leading
// apostrophe before = + - @ tab or CR.
func unescapeText(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("'=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// safeText guards a text cell against spreadsheet formula injection.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) || len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("'=+-@\t\r", rune(s[1])) {
		return "'" + s
	}
	return s
}

// lineIndex maps byte offsets of an input to 1-based line numbers.
type lineIndex []int

func newLineIndex(b []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range b {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) line(off int64) int {
	lo, hi := 0, len(l)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if int64(l[mid]) <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}
