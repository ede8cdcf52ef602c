package planwatch

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// MappingKind names what a mapping entry translates: a partner's data
// element, org unit, category option combo, attribute option combo (DHIS2) or
// column (SDMX-CSV).
type MappingKind string

const (
	// MapDataElement maps a partner's data element, or one disaggregation of
	// it written "element.categoryOptionCombo", to an indicator code. It also
	// maps the INDICATOR values of an SDMX-CSV file.
	MapDataElement MappingKind = "dataElement"
	// MapOrgUnit maps a partner's org unit to a GSO unit code; it also maps
	// the REF_AREA values of an SDMX-CSV file.
	MapOrgUnit MappingKind = "orgUnit"
	// MapCategoryOptionCombo maps a category option combo to the figure a
	// row holds: "default" (the value), YOY, PLAN_PCT or VS_REF.
	MapCategoryOptionCombo MappingKind = "categoryOptionCombo"
	// MapAttributeOptionCombo maps an attribute option combo to a vintage,
	// optionally with the basis: "official", "estimate.cumulative" …
	MapAttributeOptionCombo MappingKind = "attributeOptionCombo"
	// MapColumn renames an SDMX-CSV column (a dimension, measure or
	// attribute) to a planwatch column; an empty code drops the column.
	MapColumn MappingKind = "column"
)

// MappingKinds lists the kinds in the order a mapping file lists them.
var MappingKinds = []MappingKind{MapDataElement, MapOrgUnit, MapCategoryOptionCombo, MapAttributeOptionCombo, MapColumn}

// ValidMappingKind reports whether k is one of MappingKinds.
func ValidMappingKind(k MappingKind) bool {
	for _, m := range MappingKinds {
		if k == m {
			return true
		}
	}
	return false
}

// MappingEntry translates one partner identifier.
type MappingEntry struct {
	Kind      MappingKind `json:"kind"`
	PartnerID string      `json:"partner_id"`
	Code      string      `json:"code"`
	// ValueType is the DHIS2 value type of a data element: NUMBER (the
	// default), BOOLEAN or TRUE_ONLY, whose values are stored as 1 and 0.
	ValueType string `json:"value_type,omitempty"`
}

// Mapping is a named set of translations from a partner system's
// identifiers to planwatch codes (DHIS2 UIDs to indicator and GSO unit
// codes, SDMX column names to planwatch's). It is stored so that users can
// name it on import, from the command line, the upload page or the API.
type Mapping struct {
	Name    string         `json:"name"`
	Entries []MappingEntry `json:"entries"`
	By      string         `json:"by,omitempty"` // who stored this version
	At      time.Time      `json:"at,omitempty"`
}

// MaxMappingEntries bounds one mapping.
const MaxMappingEntries = 100_000

// ValidMappingName reports whether s can name a mapping: 1 to 64 letters,
// digits, '-', '_' or '.', starting with a letter or digit; so that a name
// can never be taken for a file path.
func ValidMappingName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[0] == '-' || s[0] == '_' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Validate checks the name and every entry, naming each bad entry by its
// position (1-based, as a row of the file it came from after its header).
func (m *Mapping) Validate() error {
	e := &Error{Code: EINVALID, Message: fmt.Sprintf("bảng ánh xạ %q không hợp lệ / mapping %q is invalid", m.Name, m.Name)}
	if !ValidMappingName(m.Name) {
		e.Problems = append(e.Problems, Problem{Column: "name", Value: m.Name,
			Reason: "tên gồm 1–64 chữ cái, chữ số, '-', '_' hoặc '.' / a name has 1–64 letters, digits, '-', '_' or '.'"})
	}
	if len(m.Entries) > MaxMappingEntries {
		e.Problems = append(e.Problems, Problem{Reason: fmt.Sprintf("quá %d dòng / more than %d entries", MaxMappingEntries, MaxMappingEntries)})
		return e
	}
	seen := map[string]int{}
	for i, en := range m.Entries {
		row := i + 2
		bad := func(col, value, reason string) {
			e.Problems = append(e.Problems, Problem{Row: row, Column: col, Value: value, Reason: reason})
		}
		switch {
		case !ValidMappingKind(en.Kind):
			bad("kind", string(en.Kind), "loại không rõ / unknown kind: expected dataElement, orgUnit, categoryOptionCombo, attributeOptionCombo or column")
			continue
		case strings.TrimSpace(en.PartnerID) == "":
			bad("partner_id", "", "thiếu mã của đối tác / missing partner id")
			continue
		case en.Code == "" && en.Kind != MapColumn && en.Kind != MapCategoryOptionCombo:
			bad("code", "", "thiếu mã planwatch / missing planwatch code")
		}
		switch en.ValueType {
		case "", "NUMBER", "BOOLEAN", "TRUE_ONLY":
		default:
			bad("value_type", en.ValueType, "expected NUMBER, BOOLEAN or TRUE_ONLY")
		}
		if en.ValueType != "" && en.Kind != MapDataElement {
			bad("value_type", en.ValueType, "only a dataElement has a value type")
		}
		id := string(en.Kind) + "\x00" + en.PartnerID
		if prev, dup := seen[id]; dup {
			bad("partner_id", en.PartnerID, fmt.Sprintf("đã có ở dòng %d / already on row %d", prev, prev))
		}
		seen[id] = row
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

// MappingStore keeps named mappings.
type MappingStore interface {
	// SaveMapping stores m under its name, replacing the entries of a
	// mapping of that name, and records an audit entry (mapping.set) in the
	// same transaction. EINVALID if m fails Validate.
	SaveMapping(ctx context.Context, m Mapping) error
	// Mapping returns one mapping with its entries ordered by kind and
	// partner id. ENOTFOUND if there is none of that name.
	Mapping(ctx context.Context, name string) (Mapping, error)
	// Mappings lists every mapping, with its entries, ordered by name.
	Mappings(ctx context.Context) ([]Mapping, error)
}
