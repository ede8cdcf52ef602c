package dhis2

import (
	"fmt"
	"strings"
)

// IDScheme says what kind of identifier a file uses for an object, as
// DHIS2's idScheme parameters do: UID (DHIS2's default), CODE, NAME, ID,
// UUID or ATTRIBUTE:<uid>. planwatch has codes and names; the identifiers of
// the other schemes are a partner's, which a Mapping translates. Empty means
// not given: a mapped id is translated and any other is taken as a code.
type IDScheme string

// ID schemes.
const (
	SchemeUID  IDScheme = "UID"
	SchemeCode IDScheme = "CODE"
	SchemeName IDScheme = "NAME"
	SchemeID   IDScheme = "ID"
	SchemeUUID IDScheme = "UUID"
)

// ParseIDScheme reads an id scheme, in any case ("code", "Code"),
// ATTRIBUTE:<uid> included. "" is no scheme.
func ParseIDScheme(s string) (IDScheme, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > len("ATTRIBUTE:") && strings.EqualFold(s[:len("ATTRIBUTE:")], "ATTRIBUTE:") {
		return IDScheme("ATTRIBUTE:" + s[len("ATTRIBUTE:"):]), nil
	}
	switch u := IDScheme(strings.ToUpper(s)); u {
	case SchemeUID, SchemeCode, SchemeName, SchemeID, SchemeUUID:
		return u, nil
	}
	return "", fmt.Errorf("id scheme %q: expected UID, CODE, NAME, ID, UUID or ATTRIBUTE:<uid>", s)
}

// partner reports whether ids of the scheme are a partner's, which only a
// Mapping can translate.
func (s IDScheme) partner() bool { return s != "" && s != SchemeCode && s != SchemeName }

// IDSchemes are the id schemes of a data value set: ID for every object,
// and one per object that overrides it.
type IDSchemes struct {
	ID                   IDScheme `json:"idScheme,omitempty"`
	DataElement          IDScheme `json:"dataElementIdScheme,omitempty"`
	OrgUnit              IDScheme `json:"orgUnitIdScheme,omitempty"`
	CategoryOptionCombo  IDScheme `json:"categoryOptionComboIdScheme,omitempty"`
	AttributeOptionCombo IDScheme `json:"attributeOptionComboIdScheme,omitempty"`
}

// SchemeParams are the names of the id scheme parameters and attributes,
// as DHIS2 names them, in the order of IDSchemes' fields.
var SchemeParams = []string{"idScheme", "dataElementIdScheme", "orgUnitIdScheme", "categoryOptionComboIdScheme", "attributeOptionComboIdScheme"}

// field returns the scheme named by one of SchemeParams.
func (s *IDSchemes) field(name string) *IDScheme {
	switch name {
	case "idScheme":
		return &s.ID
	case "dataElementIdScheme":
		return &s.DataElement
	case "orgUnitIdScheme":
		return &s.OrgUnit
	case "categoryOptionComboIdScheme":
		return &s.CategoryOptionCombo
	case "attributeOptionComboIdScheme":
		return &s.AttributeOptionCombo
	}
	return nil
}

// Set sets the scheme of one of SchemeParams from its text; an error names
// the parameter. Unknown names are an error too.
func (s *IDSchemes) Set(name, value string) error {
	f := s.field(name)
	if f == nil {
		return fmt.Errorf("unknown id scheme parameter %q", name)
	}
	v, err := ParseIDScheme(value)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	*f = v
	return nil
}

// Over returns s with the schemes o gives replacing s's: a file's own
// schemes over the request's, as DHIS2 applies them.
func (s IDSchemes) Over(o IDSchemes) IDSchemes {
	for _, name := range SchemeParams {
		if v := *o.field(name); v != "" {
			*s.field(name) = v
		}
	}
	return s
}

func (s IDSchemes) dataElement() IDScheme          { return first2(s.DataElement, s.ID) }
func (s IDSchemes) orgUnit() IDScheme              { return first2(s.OrgUnit, s.ID) }
func (s IDSchemes) categoryOptionCombo() IDScheme  { return first2(s.CategoryOptionCombo, s.ID) }
func (s IDSchemes) attributeOptionCombo() IDScheme { return first2(s.AttributeOptionCombo, s.ID) }

func first2(a, b IDScheme) IDScheme {
	if a != "" {
		return a
	}
	return b
}
