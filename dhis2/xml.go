package dhis2

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"planwatch"
)

// ReadXML reads a whole DHIS2 DXF2 XML data value set or ADX message; see
// ScanXML.
func ReadXML(r io.Reader) (*Set, error) { return collect(r, ScanXML) }

// ReadADX reads a whole ADX message; see ScanADX.
func ReadADX(r io.Reader) (*Set, error) { return collect(r, ScanADX) }

func collect(r io.Reader, scan func(io.Reader, Sink) error) (*Set, error) {
	set := &Set{}
	if err := scan(r, set); err != nil {
		return nil, err
	}
	return set, nil
}

// ScanXML reads a DHIS2 DXF2 XML data value set (<dataValueSet> with
// <dataValue> elements carrying their fields as attributes) one value at a
// time or, when the root element is <adx>, an ADX message as ScanADX does.
// The root's attributes are the envelope: defaults for the values, id
// schemes (idScheme, dataElementIdScheme …), and category options of the
// attribute option combo (any other attribute, as DHIS2 writes them).
// Unknown elements and, on a data value, unknown attributes are conflicts
// naming their line.
func ScanXML(r io.Reader, sink Sink) error { return scanXML(r, "", sink) }

// ScanADX reads an ADX message one value at a time: <group> elements
// carrying dataSet, period (2020-01-01/P1M), orgUnit and the attribute option
// combo, holding <dataValue> elements. Category attributes such as
// Sex_category="F" are the disaggregation: they become the category option
// combo "Sex_category=F" (several joined by ";" in name order), as does an
// explicit categoryOptionCombo, so that a Mapping can name them; category
// attributes of a group are its attribute option combo in the same way.
// DHIS2's own attributes (comment, deleted, followup, storedBy, created,
// lastUpdated, and period, orgUnit and attributeOptionCombo on a value) are
// not categories, and DHIS2's own child elements (created, lastUpdated,
// storedBy, comment) are read or ignored. An <annotation> is the value of a
// text data element, as DHIS2 writes it.
func ScanADX(r io.Reader, sink Sink) error { return scanXML(r, "adx", sink) }

type xmlReader struct {
	dec   *xml.Decoder
	lines *lineReader
	sink  Sink
	index int
}

func scanXML(r io.Reader, want string, sink Sink) error {
	lr := newLineReader(r)
	x := &xmlReader{dec: xml.NewDecoder(bufio.NewReader(lr)), lines: lr, sink: sink}
	x.dec.Strict = true
	root, line, err := x.next()
	if err != nil {
		return err
	}
	start, ok := root.(xml.StartElement)
	if !ok {
		return x.fail(line, "expected a root element")
	}
	switch {
	case start.Name.Local == "adx" && (want == "" || want == "adx"):
		sink.Envelope(Envelope{})
		err = x.adx(start)
	case start.Name.Local == "dataValueSet" && want == "":
		err = x.dxf2(start, line)
	default:
		return x.fail(line, fmt.Sprintf("unexpected root element <%s>", start.Name.Local))
	}
	if err != nil {
		return err
	}
	for {
		tok, line, err := x.next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if _, ok := tok.(xml.StartElement); ok {
			return x.fail(line, "unexpected data after the root element")
		}
	}
}

// next returns the next meaningful token and the line where it starts.
// Syntax errors are EINVALID errors naming the line.
func (x *xmlReader) next() (xml.Token, int, error) {
	for {
		off := x.dec.InputOffset()
		tok, err := x.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil, x.lines.lineAt(off), io.EOF
		} else if err != nil {
			return nil, 0, x.fail(x.lines.lineAt(x.dec.InputOffset()), err.Error())
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			continue
		}
		return xml.CopyToken(tok), x.lines.lineAt(off), nil
	}
}

func (x *xmlReader) fail(line int, why string) error {
	e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 XML: %s", why)
	e.Problems = []planwatch.Problem{{Row: line, Reason: why}}
	return e
}

func (x *xmlReader) conflict(line, index int, code, object, value, reason string) {
	x.sink.Conflict(Conflict{Row: line, Index: index, Code: code, Object: object, Value: value, Reason: reason})
}

// skip consumes the rest of an element whose start tag was just read, and
// returns its text content.
func (x *xmlReader) skip() (string, error) {
	var text strings.Builder
	for depth := 1; depth > 0; {
		tok, line, err := x.next()
		if errors.Is(err, io.EOF) {
			return "", x.fail(line, "unexpected end of file")
		} else if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if text.Len() < maxText {
				text.Write(t)
			}
		}
	}
	return strings.TrimSpace(text.String()), nil
}

// maxText bounds the text kept of one element.
const maxText = 64 << 10

// children walks the child elements of the element just opened, calling f
// for each start tag; f must consume the child.
func (x *xmlReader) children(f func(el xml.StartElement, line int) error) error {
	for {
		tok, line, err := x.next()
		if errors.Is(err, io.EOF) {
			return x.fail(line, "unexpected end of file")
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if err := f(t, line); err != nil {
				return err
			}
		case xml.CharData:
			x.conflict(line, -1, CodeUnknownField, "text", strings.TrimSpace(string(t)), "unexpected text")
		}
	}
}

func attrs(el xml.StartElement) map[string]string {
	m := map[string]string{}
	for _, a := range el.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Name.Space != "" {
			continue
		}
		m[a.Name.Local] = a.Value
	}
	return m
}

// envelopeAttrs are the attributes of a DXF2 root or an ADX group that are
// not category options.
var envelopeAttrs = map[string]bool{"dataSet": true, "period": true, "orgUnit": true, "attributeOptionCombo": true,
	"completeDate": true, "completedDate": true, "dryRun": true, "created": true, "lastUpdated": true,
	"storedBy": true, "timestamp": true, "idScheme": true, "dataSetIdScheme": true, "dataElementIdScheme": true,
	"orgUnitIdScheme": true, "categoryOptionComboIdScheme": true, "attributeOptionComboIdScheme": true,
	"categoryIdScheme": true, "categoryOptionIdScheme": true}

// envelope reads a DXF2 root's attributes; a bad id scheme is a conflict.
func (x *xmlReader) envelope(a map[string]string, line int) Envelope {
	env := Envelope{DataSet: a["dataSet"], Period: a["period"], OrgUnit: a["orgUnit"],
		AttributeOptionCombo: first(a["attributeOptionCombo"], categories(a, envelopeAttrs)),
		CompleteDate:         first(a["completeDate"], a["completedDate"])}
	for _, name := range SchemeParams {
		if v, ok := a[name]; ok {
			if err := env.Schemes.Set(name, v); err != nil {
				x.conflict(line, -1, CodeUnknownField, name, v, err.Error())
			}
		}
	}
	return env
}

var dxf2ValueAttrs = map[string]bool{"dataElement": true, "period": true, "orgUnit": true,
	"categoryOptionCombo": true, "attributeOptionCombo": true, "value": true, "storedBy": true,
	"created": true, "lastUpdated": true, "timestamp": true, "comment": true, "followup": true,
	"followUp": true, "deleted": true}

func (x *xmlReader) dxf2(root xml.StartElement, line int) error {
	env := x.envelope(attrs(root), line)
	x.sink.Envelope(env)
	return x.children(func(el xml.StartElement, line int) error {
		if el.Name.Local != "dataValue" {
			x.conflict(line, -1, CodeUnknownField, "element", el.Name.Local, "unknown element")
			_, err := x.skip()
			return err
		}
		i := x.index
		x.index++
		a := attrs(el)
		text, err := x.skip()
		if err != nil {
			return err
		}
		_, hasComment := a["comment"]
		row := Row{Line: line, Index: i, DataElement: a["dataElement"], Period: a["period"],
			OrgUnit: a["orgUnit"], CategoryOptionCombo: a["categoryOptionCombo"],
			AttributeOptionCombo: a["attributeOptionCombo"], Value: a["value"], StoredBy: a["storedBy"],
			LastUpdated: first(a["lastUpdated"], a["timestamp"]), Comment: a["comment"], NoComment: !hasComment}
		if row.Value == "" && text != "" {
			row.Value = text
		}
		inherit(&row, env)
		ok := true
		for _, name := range sortedKeys(a) {
			if !dxf2ValueAttrs[name] {
				x.conflict(line, i, CodeUnknownField, name, a[name], "unknown attribute of a data value")
				ok = false
			}
		}
		if !x.flags(a, &row, line, i) {
			ok = false
		}
		if ok {
			return x.sink.Row(row)
		}
		return nil
	})
}

// flags reads followup and deleted; a bad one is a conflict.
func (x *xmlReader) flags(a map[string]string, row *Row, line, i int) bool {
	ok := true
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"followup", &row.FollowUp}, {"deleted", &row.Deleted}} {
		src := a[f.name]
		if f.name == "followup" && src == "" {
			src = a["followUp"]
		}
		v, good := parseBool(src)
		if !good {
			x.conflict(line, i, CodeFlag, f.name, src, "expected true or false")
			ok = false
		}
		*f.dst = v
	}
	return ok
}

// adxValueAttrs are the attributes of an ADX data value that are not
// category options: ADX's own and those DHIS2 writes or reads.
var adxValueAttrs = map[string]bool{"dataElement": true, "value": true, "categoryOptionCombo": true,
	"attributeOptionCombo": true, "period": true, "orgUnit": true, "comment": true, "followup": true,
	"followUp": true, "deleted": true, "storedBy": true, "created": true, "lastUpdated": true, "timestamp": true}

// adxValueChildren are the child elements of an ADX data value DHIS2 may
// write, besides the annotation.
var adxValueChildren = map[string]bool{"comment": true, "storedBy": true, "created": true, "lastUpdated": true, "timestamp": true}

func (x *xmlReader) adx(root xml.StartElement) error {
	return x.children(func(el xml.StartElement, line int) error {
		if el.Name.Local != "group" {
			x.conflict(line, -1, CodeUnknownField, "element", el.Name.Local, "unknown element")
			_, err := x.skip()
			return err
		}
		g := attrs(el)
		group := Envelope{Period: g["period"], OrgUnit: g["orgUnit"],
			AttributeOptionCombo: first(g["attributeOptionCombo"], categories(g, envelopeAttrs))}
		return x.children(func(el xml.StartElement, line int) error {
			if el.Name.Local != "dataValue" {
				x.conflict(line, -1, CodeUnknownField, "element", el.Name.Local, "unknown element")
				_, err := x.skip()
				return err
			}
			i := x.index
			x.index++
			a := attrs(el)
			_, hasComment := a["comment"]
			row := Row{Line: line, Index: i, DataElement: a["dataElement"], Value: a["value"],
				Period: a["period"], OrgUnit: a["orgUnit"], AttributeOptionCombo: a["attributeOptionCombo"],
				StoredBy: a["storedBy"], LastUpdated: first(a["lastUpdated"], a["timestamp"]), Comment: a["comment"],
				CategoryOptionCombo: first(a["categoryOptionCombo"], categories(a, adxValueAttrs)), NoComment: !hasComment}
			inherit(&row, group)
			ok := x.flags(a, &row, line, i)
			if _, has := a["categoryOptionCombo"]; has && categories(a, adxValueAttrs) != "" {
				x.conflict(line, i, CodeCategoryCombo, "categoryOptionCombo", a["categoryOptionCombo"],
					"both a category option combo and category attributes")
				ok = false
			}
			err := x.children(func(c xml.StartElement, cline int) error {
				text, err := x.skip()
				switch {
				case c.Name.Local == "annotation":
					row.Value = text
				case c.Name.Local == "comment":
					row.Comment, row.NoComment = text, false
				case adxValueChildren[c.Name.Local]:
				default:
					x.conflict(cline, i, CodeUnknownField, "element", c.Name.Local, "unknown element in a data value")
					ok = false
				}
				return err
			})
			if err != nil || !ok {
				return err
			}
			return x.sink.Row(row)
		})
	})
}

// categories joins the attributes other than the known ones, as ADX names
// categories: "Age_category=under5;Sex_category=F".
func categories(a map[string]string, known map[string]bool) string {
	var parts []string
	for _, k := range sortedKeys(a) {
		if !known[k] {
			parts = append(parts, k+"="+a[k])
		}
	}
	return strings.Join(parts, ";")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
