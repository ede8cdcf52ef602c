package dhis2

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"planwatch"
)

// Columns are the 11 positional columns of a DHIS2 CSV data value set.
var Columns = []string{"dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
	"value", "storedby", "lastupdated", "comment", "followup", "deleted"}

// headerNames are first cells that mark a header row, current and older.
var headerNames = map[string]bool{"dataelement": true, "data element": true, "de": true, "data_element": true, "dataelementid": true}

// ReadCSV reads a DHIS2 CSV data value set. Columns are positional; the
// first row is skipped when it is a header (any of the names DHIS2 has used,
// such as "timestamp" for "lastupdated"). Rows of 6 to 11 cells are read,
// so 10-column files without "deleted" are accepted; cells may be quoted and
// lines end in LF or CRLF. Rows it cannot read are conflicts. A file that is
// not CSV at all is an EINVALID error naming the line, with no Set.
func ReadCSV(r io.Reader) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	set := &Set{}
	index := 0
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 CSV: not a valid CSV file")
			e.Problems = []planwatch.Problem{{Row: line, Reason: err.Error()}}
			return nil, e
		}
		line, _ := cr.FieldPos(0)
		if first && headerNames[strings.ToLower(strings.TrimSpace(rec[0]))] {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		i := index
		index++
		if len(rec) < 6 || len(rec) > len(Columns) {
			set.Conflicts = append(set.Conflicts, Conflict{Row: line, Index: i, Object: "row",
				Value: strings.Join(rec, ","), Reason: fmt.Sprintf("expected 6 to %d columns, found %d", len(Columns), len(rec))})
			continue
		}
		cell := func(k int) string {
			if k < len(rec) && k == 5 {
				return strings.TrimSpace(rec[k])
			} else if k < len(rec) {
				return unescapeText(strings.TrimSpace(rec[k]))
			}
			return ""
		}
		row := Row{Line: line, Index: i,
			DataElement: cell(0), Period: cell(1), OrgUnit: cell(2),
			CategoryOptionCombo: cell(3), AttributeOptionCombo: cell(4),
			Value: cell(5), StoredBy: cell(6), LastUpdated: cell(7),
			Comment: cell(8)}
		ok := true
		for _, f := range []struct {
			col int
			dst *bool
		}{{9, &row.FollowUp}, {10, &row.Deleted}} {
			v, good := parseBool(cell(f.col))
			if !good {
				set.Conflicts = append(set.Conflicts, Conflict{Row: line, Index: i, Object: Columns[f.col],
					Value: cell(f.col), Reason: "expected true or false"})
				ok = false
			}
			*f.dst = v
		}
		if ok {
			set.Rows = append(set.Rows, row)
		}
	}
	return set, nil
}

// WriteCSV writes values as a DHIS2 CSV data value set with the 11-column
// header. Text cells are guarded against spreadsheet formula injection.
func WriteCSV(w io.Writer, values []planwatch.DataValue, opts WriteOptions) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = false
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, r := range Rows(values, opts) {
		rec := []string{safeText(r.DataElement), safeText(r.Period), safeText(r.OrgUnit),
			safeText(r.CategoryOptionCombo), safeText(r.AttributeOptionCombo), r.Value,
			safeText(r.StoredBy), r.LastUpdated, safeText(r.Comment),
			strconv.FormatBool(r.FollowUp), strconv.FormatBool(r.Deleted)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
