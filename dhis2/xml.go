package dhis2

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"planwatch"
)

// ReadXML reads a DHIS2 DXF2 XML data value set (<dataValueSet> with
// <dataValue> elements carrying their fields as attributes) or, when the root
// element is <adx>, an ADX message as ReadADX does. Unknown elements and, on
// a data value, unknown attributes are conflicts naming their line.
func ReadXML(r io.Reader) (*Set, error) { return readXML(r, "") }

// ReadADX reads an ADX message: <group> elements carrying dataSet, period
// (2020-01-01/P1M), orgUnit and the attribute option combo, holding
// <dataValue> elements. Category attributes such as Sex_category="F" are
// the disaggregation: they become the category option combo
// "Sex_category=F" (several joined by ";" in name order), as does an explicit
// categoryOptionCombo, so that a Mapping can name them. An <annotation> is the
// comment.
func ReadADX(r io.Reader) (*Set, error) { return readXML(r, "adx") }

type xmlReader struct {
	dec   *xml.Decoder
	lines lineIndex
	set   *Set
	index int
}

func readXML(r io.Reader, want string) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	x := &xmlReader{dec: xml.NewDecoder(bytes.NewReader(b)), lines: newLineIndex(b), set: &Set{}}
	x.dec.Strict = true
	root, off, err := x.next()
	if err != nil {
		return nil, err
	}
	start, ok := root.(xml.StartElement)
	if !ok {
		return nil, x.fail(off, "expected a root element")
	}
	switch {
	case start.Name.Local == "adx" && (want == "" || want == "adx"):
		err = x.adx(start)
	case start.Name.Local == "dataValueSet" && want == "":
		err = x.dxf2(start)
	default:
		return nil, x.fail(off, fmt.Sprintf("unexpected root element <%s>", start.Name.Local))
	}
	if err != nil {
		return nil, err
	}
	for {
		tok, off, err := x.next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if _, ok := tok.(xml.StartElement); ok {
			return nil, x.fail(off, "unexpected data after the root element")
		}
	}
	return x.set, nil
}

// next returns the next meaningful token and the offset where it starts.
// Syntax errors are EINVALID errors naming the line.
func (x *xmlReader) next() (xml.Token, int64, error) {
	for {
		off := x.dec.InputOffset()
		tok, err := x.dec.Token()
		if errors.Is(err, io.EOF) {
			return nil, off, io.EOF
		} else if err != nil {
			return nil, off, x.fail(x.dec.InputOffset(), err.Error())
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			continue
		}
		return xml.CopyToken(tok), off, nil
	}
}

func (x *xmlReader) fail(off int64, why string) error {
	e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 XML: %s", why)
	e.Problems = []planwatch.Problem{{Row: x.lines.line(off), Reason: why}}
	return e
}

func (x *xmlReader) conflict(off int64, index int, object, value, reason string) {
	x.set.Conflicts = append(x.set.Conflicts, Conflict{Row: x.lines.line(off), Index: index,
		Object: object, Value: value, Reason: reason})
}

// skip consumes the rest of an element whose start tag was just read, and
// returns its text content.
func (x *xmlReader) skip() (string, error) {
	var text strings.Builder
	for depth := 1; depth > 0; {
		tok, _, err := x.next()
		if errors.Is(err, io.EOF) {
			return "", x.fail(x.dec.InputOffset(), "unexpected end of file")
		} else if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(t)
		}
	}
	return strings.TrimSpace(text.String()), nil
}

// children walks the child elements of the element just opened, calling f
// for each start tag; f must consume the child.
func (x *xmlReader) children(f func(el xml.StartElement, off int64) error) error {
	for {
		tok, off, err := x.next()
		if errors.Is(err, io.EOF) {
			return x.fail(off, "unexpected end of file")
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if err := f(t, off); err != nil {
				return err
			}
		case xml.CharData:
			x.conflict(off, -1, "text", strings.TrimSpace(string(t)), "unexpected text")
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

var dxf2ValueAttrs = map[string]bool{"dataElement": true, "period": true, "orgUnit": true,
	"categoryOptionCombo": true, "attributeOptionCombo": true, "value": true, "storedBy": true,
	"created": true, "lastUpdated": true, "timestamp": true, "comment": true, "followup": true,
	"followUp": true, "deleted": true}

func (x *xmlReader) dxf2(root xml.StartElement) error {
	env := attrs(root)
	x.set.DataSet, x.set.Period, x.set.OrgUnit = env["dataSet"], env["period"], env["orgUnit"]
	x.set.CompleteDate = env["completeDate"]
	aoc := env["attributeOptionCombo"]
	return x.children(func(el xml.StartElement, off int64) error {
		if el.Name.Local != "dataValue" {
			x.conflict(off, -1, "element", el.Name.Local, "unknown element")
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
		row := Row{Line: x.lines.line(off), Index: i, DataElement: a["dataElement"], Period: a["period"],
			OrgUnit: a["orgUnit"], CategoryOptionCombo: a["categoryOptionCombo"],
			AttributeOptionCombo: a["attributeOptionCombo"], Value: a["value"], StoredBy: a["storedBy"],
			LastUpdated: first(a["lastUpdated"], a["timestamp"]), Comment: a["comment"]}
		if row.Value == "" && text != "" {
			row.Value = text
		}
		inherit(&row, x.set, aoc)
		ok := true
		for _, name := range sortedKeys(a) {
			if !dxf2ValueAttrs[name] {
				x.conflict(off, i, name, a[name], "unknown attribute of a data value")
				ok = false
			}
		}
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
				x.conflict(off, i, f.name, src, "expected true or false")
				ok = false
			}
			*f.dst = v
		}
		if ok {
			x.set.Rows = append(x.set.Rows, row)
		}
		return nil
	})
}

var adxGroupAttrs = map[string]bool{"dataSet": true, "period": true, "orgUnit": true,
	"attributeOptionCombo": true, "completeDate": true}
var adxValueAttrs = map[string]bool{"dataElement": true, "value": true, "categoryOptionCombo": true}

func (x *xmlReader) adx(root xml.StartElement) error {
	return x.children(func(el xml.StartElement, off int64) error {
		if el.Name.Local != "group" {
			x.conflict(off, -1, "element", el.Name.Local, "unknown element")
			_, err := x.skip()
			return err
		}
		g := attrs(el)
		groupSet := &Set{Period: g["period"], OrgUnit: g["orgUnit"]}
		if x.set.DataSet == "" {
			x.set.DataSet = g["dataSet"]
		}
		aoc := first(g["attributeOptionCombo"], categories(g, adxGroupAttrs))
		return x.children(func(el xml.StartElement, off int64) error {
			if el.Name.Local != "dataValue" {
				x.conflict(off, -1, "element", el.Name.Local, "unknown element")
				_, err := x.skip()
				return err
			}
			i := x.index
			x.index++
			a := attrs(el)
			row := Row{Line: x.lines.line(off), Index: i, DataElement: a["dataElement"], Value: a["value"],
				CategoryOptionCombo: first(a["categoryOptionCombo"], categories(a, adxValueAttrs))}
			inherit(&row, groupSet, aoc)
			if _, has := a["categoryOptionCombo"]; has && categories(a, adxValueAttrs) != "" {
				x.conflict(off, i, "categoryOptionCombo", a["categoryOptionCombo"],
					"both a category option combo and category attributes")
				_, err := x.skip()
				return err
			}
			var comments []string
			ok := true
			err := x.children(func(c xml.StartElement, coff int64) error {
				text, err := x.skip()
				if c.Name.Local == "annotation" {
					comments = append(comments, text)
				} else {
					x.conflict(coff, i, "element", c.Name.Local, "unknown element in a data value")
					ok = false
				}
				return err
			})
			if err != nil {
				return err
			}
			row.Comment = strings.Join(comments, "\n")
			if ok {
				x.set.Rows = append(x.set.Rows, row)
			}
			return nil
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
