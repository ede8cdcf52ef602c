package dhis2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"planwatch"
)

// text is a JSON scalar read as text: DHIS2 clients send values as strings,
// numbers or booleans. An object of strings (DHIS2 2.43's category options
// {"Sex": "F"}) reads as "Sex=F", several joined by ";" in name order, as
// ADX categories do.
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
	case b[0] == '{':
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("expected an object of category options (names to strings)")
		}
		parts := make([]string, 0, len(m))
		for k, v := range m {
			parts = append(parts, k+"="+v)
		}
		sort.Strings(parts)
		*t = text(strings.Join(parts, ";"))
	case b[0] == '[':
		return fmt.Errorf("expected a string, number or boolean")
	default:
		*t = text(b)
	}
	return nil
}

type jsonValue struct {
	DataElement          text  `json:"dataElement"`
	Period               text  `json:"period"`
	OrgUnit              text  `json:"orgUnit"`
	CategoryOptionCombo  text  `json:"categoryOptionCombo"`
	AttributeOptionCombo text  `json:"attributeOptionCombo"`
	Value                text  `json:"value"`
	StoredBy             text  `json:"storedBy"`
	LastUpdated          text  `json:"lastUpdated"`
	Comment              *text `json:"comment"`
	FollowUp             text  `json:"followup"`
	FollowUp2            text  `json:"followUp"`
	Deleted              text  `json:"deleted"`
}

// ReadJSON reads a whole DHIS2 JSON data value set; see ScanJSON.
func ReadJSON(r io.Reader) (*Set, error) {
	set := &Set{}
	if err := ScanJSON(r, set); err != nil {
		return nil, err
	}
	return set, nil
}

// ScanJSON reads a DHIS2 JSON data value set one value at a time. Unknown
// keys are ignored (DHIS2 itself writes both completeDate and
// completedDate); values inherit period, orgUnit and attributeOptionCombo
// from the envelope, whose id schemes (idScheme, dataElementIdScheme …) the
// Sink receives before the first value. Envelope keys may follow
// dataValues, as JSON does not order keys: values that need a period or org
// unit not yet given wait for the end of the object (only they, and the
// values after them, are held); an attributeOptionCombo or id scheme given
// after dataValues is a conflict, since values before it are already read.
// A value that cannot be read is a conflict naming its element and line;
// input that is not JSON, or not an object, is an EINVALID error.
func ScanJSON(r io.Reader, sink Sink) error {
	lr := newLineReader(r)
	dec := json.NewDecoder(lr)
	fail := func(off int64, why string) error {
		e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 JSON: %s", why)
		e.Problems = []planwatch.Problem{{Row: lr.lineAt(off), Reason: why}}
		return e
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return fail(dec.InputOffset(), "expected a JSON object with dataValues")
	}
	var env Envelope
	seen := map[string]bool{}
	sent := false
	var held []Row // values waiting for the envelope, and those after them
	emit := func(row Row) error {
		if len(held) > 0 || row.Period == "" && !seen["period"] || row.OrgUnit == "" && !seen["orgUnit"] {
			held = append(held, row)
			return nil
		}
		inherit(&row, env)
		return sink.Row(row)
	}
	index := 0
	for dec.More() {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return fail(dec.InputOffset(), err.Error())
		}
		key, _ := tok.(string)
		switch key {
		case "dataValues":
			if !sent {
				sink.Envelope(env)
				sent = true
			}
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return fail(dec.InputOffset(), "dataValues must be an array")
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return fail(dec.InputOffset(), err.Error())
				}
				line := lr.lineAt(dec.InputOffset() - int64(len(raw)))
				i := index
				index++
				elem := fmt.Sprintf("dataValues[%d]", i)
				var v jsonValue
				if err := json.Unmarshal(raw, &v); err != nil {
					sink.Conflict(Conflict{Row: line, Index: i, Element: elem, Code: CodeUnreadable,
						Object: "dataValue", Value: string(raw), Reason: err.Error()})
					continue
				}
				row := Row{Line: line, Index: i, DataElement: string(v.DataElement), Period: string(v.Period),
					OrgUnit: string(v.OrgUnit), CategoryOptionCombo: string(v.CategoryOptionCombo),
					AttributeOptionCombo: string(v.AttributeOptionCombo), Value: string(v.Value),
					StoredBy: string(v.StoredBy), LastUpdated: string(v.LastUpdated), NoComment: v.Comment == nil}
				if v.Comment != nil {
					row.Comment = string(*v.Comment)
				}
				ok := true
				for _, f := range []struct {
					name string
					src  text
					dst  *bool
				}{{"followup", text(first(string(v.FollowUp), string(v.FollowUp2))), &row.FollowUp}, {"deleted", v.Deleted, &row.Deleted}} {
					val, good := parseBool(string(f.src))
					if !good {
						sink.Conflict(Conflict{Row: line, Index: i, Element: elem, Code: CodeFlag,
							Object: f.name, Value: string(f.src), Reason: "expected true or false"})
						ok = false
					}
					*f.dst = val
				}
				if ok {
					if err := emit(row); err != nil {
						return err
					}
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(dec.InputOffset(), err.Error())
			}
		case "dataSet", "period", "orgUnit", "completeDate", "completedDate", "attributeOptionCombo":
			var v text
			if err := dec.Decode(&v); err != nil {
				return fail(dec.InputOffset(), fmt.Sprintf("%s: %v", key, err))
			}
			seen[key] = true
			switch key {
			case "dataSet":
				env.DataSet = string(v)
			case "period":
				env.Period = string(v)
			case "orgUnit":
				env.OrgUnit = string(v)
			case "attributeOptionCombo":
				if sent {
					sink.Conflict(Conflict{Row: lr.lineAt(off), Index: -1, Code: CodeAttributeCombo, Object: key, Value: string(v),
						Reason: "attributeOptionCombo must come before dataValues"})
				}
				env.AttributeOptionCombo = string(v)
			default:
				env.CompleteDate = string(v)
			}
		default:
			if env.Schemes.field(key) != nil {
				var v text
				if err := dec.Decode(&v); err != nil {
					return fail(dec.InputOffset(), fmt.Sprintf("%s: %v", key, err))
				}
				switch err := env.Schemes.Set(key, string(v)); {
				case err != nil:
					sink.Conflict(Conflict{Row: lr.lineAt(off), Index: -1, Code: CodeUnknownField, Object: key, Value: string(v), Reason: err.Error()})
				case sent:
					sink.Conflict(Conflict{Row: lr.lineAt(off), Index: -1, Code: CodeUnknownField, Object: key, Value: string(v),
						Reason: "id schemes must come before dataValues"})
				}
				continue
			}
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
	if !sent {
		sink.Envelope(env)
	}
	for _, row := range held {
		inherit(&row, env)
		if err := sink.Row(row); err != nil {
			return err
		}
	}
	return nil
}

// inherit fills a value's missing period, org unit and attribute option combo
// from the envelope.
func inherit(r *Row, env Envelope) {
	if r.Period == "" {
		r.Period = env.Period
	}
	if r.OrgUnit == "" {
		r.OrgUnit = env.OrgUnit
	}
	if r.AttributeOptionCombo == "" {
		r.AttributeOptionCombo = env.AttributeOptionCombo
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
