package dhis2

import (
	"fmt"
	"strings"

	"planwatch"
	"planwatch/nativecsv"
)

// Row is one data value as a file gives it, before any mapping. Period,
// OrgUnit and AttributeOptionCombo are already inherited from the envelope
// when the value lacked them.
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
	// NoComment is set when the file has no comment for this value at all
	// (no comment column, key or attribute), as opposed to an empty one: the
	// stored comment is then kept.
	NoComment bool
}

// Envelope is what a data value set says of all its values: the values'
// defaults and the id schemes its identifiers follow (DXF2 attributes and
// JSON keys such as idScheme and dataElementIdScheme).
type Envelope struct {
	DataSet              string
	Period               string
	OrgUnit              string
	AttributeOptionCombo string
	CompleteDate         string
	Schemes              IDSchemes
}

// Sink receives what a reader finds, in file order: the envelope before the
// first row, then each row or conflict as it is met. A reader holds no more
// of the file than the value it is reading, so a Sink that does not keep
// rows reads a file of any size in constant memory.
type Sink interface {
	Envelope(Envelope)
	// Row takes one value; an error stops the reader, which returns it.
	Row(Row) error
	Conflict(Conflict)
}

// Set is a parsed data value set: the envelope, the rows read and the
// conflicts met while reading. A row with a conflict is not in Rows.
type Set struct {
	DataSet      string
	Period       string
	OrgUnit      string
	CompleteDate string
	Schemes      IDSchemes
	Rows         []Row
	Conflicts    []Conflict
}

// Envelope records the envelope.
func (s *Set) Envelope(e Envelope) {
	s.DataSet, s.Period, s.OrgUnit, s.CompleteDate, s.Schemes = e.DataSet, e.Period, e.OrgUnit, e.CompleteDate, e.Schemes
}

// Row keeps the row.
func (s *Set) Row(r Row) error { s.Rows = append(s.Rows, r); return nil }

// Conflict keeps the conflict.
func (s *Set) Conflict(c Conflict) { s.Conflicts = append(s.Conflicts, c) }

// Feed replays a set into a sink, as if it were read again.
func (s *Set) Feed(sink Sink) error {
	sink.Envelope(Envelope{DataSet: s.DataSet, Period: s.Period, OrgUnit: s.OrgUnit, CompleteDate: s.CompleteDate, Schemes: s.Schemes})
	ci := 0
	for _, r := range s.Rows {
		for ci < len(s.Conflicts) && s.Conflicts[ci].Row < r.Line {
			sink.Conflict(s.Conflicts[ci])
			ci++
		}
		if err := sink.Row(r); err != nil {
			return err
		}
	}
	for ; ci < len(s.Conflicts); ci++ {
		sink.Conflict(s.Conflicts[ci])
	}
	return nil
}

// Conflict is one value that cannot be imported, in the manner of a DHIS2
// import conflict: the object (a column, element or identifier), the value
// found, the reason, and the DHIS2 error code where DHIS2 has one for the
// case (E8103: data element not found …; see Codes).
type Conflict struct {
	Row     int    `json:"row,omitempty"`     // 1-based line of the file; 0 if unknown
	Index   int    `json:"index"`             // 0-based data value index (DHIS2's "indexes"); -1 for the envelope
	Element string `json:"element,omitempty"` // e.g. dataValues[3] in JSON, the column in CSV
	Code    string `json:"errorCode,omitempty"`
	Object  string `json:"object"`
	Value   string `json:"value"`
	Reason  string `json:"reason"`
	// MapKind and MapID name the mapping entry that would resolve the
	// conflict, when a partner's id is not mapped: the rows of a mapping
	// template.
	MapKind planwatch.MappingKind `json:"-"`
	MapID   string                `json:"-"`
}

func (c Conflict) String() string {
	where := c.Element
	if c.Row > 0 {
		where = fmt.Sprintf("line %d", c.Row)
	}
	return fmt.Sprintf("%s: %s %q: %s", where, c.Object, c.Value, c.Reason)
}

// Conflict codes: DHIS2's where DHIS2 reports the same case, planwatch's
// (PW…) for what DHIS2 accepts and planwatch cannot hold or read.
const (
	CodePeriod          = "E8100" // period missing or not one planwatch holds
	CodeNoDataElement   = "E8102" // data element missing
	CodeDataElement     = "E8103" // data element not found (not an indicator, not mapped)
	CodeNoOrgUnit       = "E8105" // org unit missing
	CodeOrgUnit         = "E8107" // org unit not found (not a unit, not mapped)
	CodeCategoryCombo   = "E8108" // category option combo not found or not supported
	CodeAttributeCombo  = "E8110" // attribute option combo not found or not supported
	CodeValueRequired   = "E8120" // empty value without deleted=true
	CodeCommentNoValue  = "E8121" // a comment without a value
	CodeValueType       = "E8122" // value not valid for its type
	CodeDuplicate       = "E8128" // two rows for one value
	CodeUnreadable      = "PW001" // a row, cell or element that cannot be read
	CodeUnknownField    = "PW002" // a column, attribute or element planwatch does not know
	CodeFlag            = "PW003" // followup or deleted other than true or false
	CodeMixedDeletion   = "PW004" // some figures of one value deleted, others not
	CodeSplitValue      = "PW005" // the figures of one value on rows that do not follow each other
	CodeStrategyIgnored = "PW006" // not a conflict: ignored by the import strategy (CREATE, UPDATE)
)

// ValueType is the DHIS2 value type of a partner's data element. planwatch
// indicators are numeric; BOOLEAN and TRUE_ONLY elements are accepted through a
// Mapping and stored as 1 and 0.
type ValueType string

const (
	Number   ValueType = "NUMBER"
	Boolean  ValueType = "BOOLEAN"
	TrueOnly ValueType = "TRUE_ONLY"
)

// Mapping translates a partner's ids to planwatch codes. A key of
// DataElements is a data element id, or "dataElement.categoryOptionCombo" for
// one disaggregation of it (which takes precedence). CategoryOptionCombos
// map to the figure a row holds ("default", YOY, PLAN_PCT, VS_REF) and
// AttributeOptionCombos to a vintage and basis ("official",
// "estimate.cumulative"). Under the default id scheme, ids missing from the
// mapping are used as they are (planwatch codes); under UID, ID, UUID or
// ATTRIBUTE they must be mapped.
type Mapping struct {
	DataElements          map[string]string    `json:"dataElements,omitempty"`
	OrgUnits              map[string]string    `json:"orgUnits,omitempty"`
	CategoryOptionCombos  map[string]string    `json:"categoryOptionCombos,omitempty"`
	AttributeOptionCombos map[string]string    `json:"attributeOptionCombos,omitempty"`
	ValueTypes            map[string]ValueType `json:"valueTypes,omitempty"` // by partner data element id
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

// unescapeText undoes the formula-injection guard of the writers
// (nativecsv.SafeCell).
func unescapeText(s string) string { return nativecsv.UnsafeCell(s) }

// safeText guards a text cell against spreadsheet formula injection.
// The rule is CSV's (nativecsv.SafeCell): a cell may start after any
// separator a spreadsheet might split on.
func safeText(s string) string { return nativecsv.SafeCell(s) }
