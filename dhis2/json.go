package dhis2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"planwatch"
)

// text is a JSON scalar read as text: DHIS2 clients send values as strings,
// numbers or booleans.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, number or boolean")
	default:
		*t = text(b)
	}
	return nil
}

type jsonValue struct {
	DataElement          text `json:"dataElement"`
	Period               text `json:"period"`
	OrgUnit              text `json:"orgUnit"`
	CategoryOptionCombo  text `json:"categoryOptionCombo"`
	AttributeOptionCombo text `json:"attributeOptionCombo"`
	Value                text `json:"value"`
	StoredBy             text `json:"storedBy"`
	LastUpdated          text `json:"lastUpdated"`
	Comment              text `json:"comment"`
	FollowUp             text `json:"followup"`
	Deleted              text `json:"deleted"`
}

// ReadJSON reads a DHIS2 JSON data value set. Unknown keys are ignored (DHIS2
// itself writes both completeDate and completedDate); values inherit period,
// orgUnit and attributeOptionCombo from the envelope. A value that cannot be
// read is a conflict naming its element and line; input that is not JSON, or
// not an object with a dataValues array, is an EINVALID error with no Set.
func ReadJSON(r io.Reader) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	lines := newLineIndex(b)
	fail := func(off int64, why string) (*Set, error) {
		e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 JSON: %s", why)
		e.Problems = []planwatch.Problem{{Row: lines.line(off), Reason: why}}
		return nil, e
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return fail(dec.InputOffset(), "expected a JSON object with dataValues")
	}
	set := &Set{}
	var aoc string
	var raws []json.RawMessage
	var offsets []int64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(dec.InputOffset(), err.Error())
		}
		key, _ := tok.(string)
		switch key {
		case "dataValues":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return fail(dec.InputOffset(), "dataValues must be an array")
			}
			for dec.More() {
				off := dec.InputOffset()
				for off < int64(len(b)) && bytes.IndexByte([]byte(" \t\r\n,"), b[off]) >= 0 {
					off++
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fail(off, err.Error())
				}
				raws = append(raws, raw)
				offsets = append(offsets, off)
			}
			if _, err := dec.Token(); err != nil {
				return fail(dec.InputOffset(), err.Error())
			}
		case "dataSet", "period", "orgUnit", "completeDate", "completedDate", "attributeOptionCombo":
			var v text
			if err := dec.Decode(&v); err != nil {
				return fail(dec.InputOffset(), fmt.Sprintf("%s: %v", key, err))
			}
			switch key {
			case "dataSet":
				set.DataSet = string(v)
			case "period":
				set.Period = string(v)
			case "orgUnit":
				set.OrgUnit = string(v)
			case "attributeOptionCombo":
				aoc = string(v)
			default:
				set.CompleteDate = string(v)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(dec.InputOffset(), err.Error())
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(dec.InputOffset(), err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail(dec.InputOffset(), "unexpected data after the data value set")
	}
	for i, raw := range raws {
		line := lines.line(offsets[i])
		elem := fmt.Sprintf("dataValues[%d]", i)
		var v jsonValue
		if err := json.Unmarshal(raw, &v); err != nil {
			set.Conflicts = append(set.Conflicts, Conflict{Row: line, Index: i, Element: elem,
				Object: "dataValue", Value: string(raw), Reason: err.Error()})
			continue
		}
		row := Row{Line: line, Index: i, DataElement: string(v.DataElement), Period: string(v.Period),
			OrgUnit: string(v.OrgUnit), CategoryOptionCombo: string(v.CategoryOptionCombo),
			AttributeOptionCombo: string(v.AttributeOptionCombo), Value: string(v.Value),
			StoredBy: string(v.StoredBy), LastUpdated: string(v.LastUpdated), Comment: string(v.Comment)}
		inherit(&row, set, aoc)
		ok := true
		for _, f := range []struct {
			name string
			src  text
			dst  *bool
		}{{"followup", v.FollowUp, &row.FollowUp}, {"deleted", v.Deleted, &row.Deleted}} {
			val, good := parseBool(string(f.src))
			if !good {
				set.Conflicts = append(set.Conflicts, Conflict{Row: line, Index: i, Element: elem,
					Object: f.name, Value: string(f.src), Reason: "expected true or false"})
				ok = false
			}
			*f.dst = val
		}
		if ok {
			set.Rows = append(set.Rows, row)
		}
	}
	return set, nil
}

// inherit fills a value's missing period, org unit and attribute option combo
// from the envelope.
func inherit(r *Row, set *Set, aoc string) {
	if r.Period == "" {
		r.Period = set.Period
	}
	if r.OrgUnit == "" {
		r.OrgUnit = set.OrgUnit
	}
	if r.AttributeOptionCombo == "" {
		r.AttributeOptionCombo = aoc
	}
}

type jsonOut struct {
	DataElement          string `json:"dataElement"`
	Period               string `json:"period"`
	OrgUnit              string `json:"orgUnit"`
	CategoryOptionCombo  string `json:"categoryOptionCombo,omitempty"`
	AttributeOptionCombo string `json:"attributeOptionCombo,omitempty"`
	Value                string `json:"value"`
	StoredBy             string `json:"storedBy,omitempty"`
	LastUpdated          string `json:"lastUpdated,omitempty"`
	Comment              string `json:"comment,omitempty"`
	FollowUp             bool   `json:"followup"`
	Deleted              bool   `json:"deleted,omitempty"`
}

// WriteJSON writes values as a DHIS2 JSON data value set
// ({"dataValues": [...]}), indented.
func WriteJSON(w io.Writer, values []planwatch.DataValue, opts WriteOptions) error {
	out := struct {
		DataValues []jsonOut `json:"dataValues"`
	}{DataValues: []jsonOut{}}
	for _, r := range Rows(values, opts) {
		out.DataValues = append(out.DataValues, jsonOut{r.DataElement, r.Period, r.OrgUnit,
			r.CategoryOptionCombo, r.AttributeOptionCombo, r.Value, r.StoredBy, r.LastUpdated,
			r.Comment, r.FollowUp, r.Deleted})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// formatNumber writes a value the way DHIS2 stores numbers: no exponent,
// no trailing zeros.
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
