package dhis2

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"planwatch"
)

// Columns are the 11 columns of a DHIS2 CSV data value set as DHIS2 exports
// them, in the order a file without a header gives them.
var Columns = []string{"dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo",
	"value", "storedby", "lastupdated", "comment", "followup", "deleted"}

// Fields of a CSV row, by their position in Columns; created and the
// attribute combo fields of DHIS2 2.43 come after.
const (
	colDataElement = iota
	colPeriod
	colOrgUnit
	colCategoryOptionCombo
	colAttributeOptionCombo
	colValue
	colStoredBy
	colLastUpdated
	colComment
	colFollowUp
	colDeleted
	colCreated
	colAttributeCombo
	colAttributeOptions
)

// columnNames are the header names DHIS2 has written and read over its
// versions, in the normalised form of normColumn: the export header of 2.2x
// ("catoptcombo", "attroptcombo", "timestamp"), of 2.3x–2.42
// ("categoryoptioncombo", "lastupdated", "deleted"), the field names the 2.43
// reader matches ("dataElement", "orgUnit", "followUp", "attributeCombo",
// "attributeOptions"), and the short and spelled-out names of spreadsheets.
var columnNames = map[string]int{
	"dataelement": colDataElement, "de": colDataElement, "dataelementid": colDataElement, "dataelementuid": colDataElement,
	"dataelementcode": colDataElement, "dataelementname": colDataElement,
	"period": colPeriod, "pe": colPeriod, "periodid": colPeriod, "periodiso": colPeriod,
	"orgunit": colOrgUnit, "ou": colOrgUnit, "organisationunit": colOrgUnit, "organizationunit": colOrgUnit,
	"orgunitid": colOrgUnit, "orgunituid": colOrgUnit, "orgunitcode": colOrgUnit, "orgunitname": colOrgUnit,
	"categoryoptioncombo": colCategoryOptionCombo, "catoptcombo": colCategoryOptionCombo, "coc": colCategoryOptionCombo,
	"categoryoptioncomboid": colCategoryOptionCombo, "categoryoptioncombouid": colCategoryOptionCombo,
	"attributeoptioncombo": colAttributeOptionCombo, "attroptcombo": colAttributeOptionCombo, "aoc": colAttributeOptionCombo,
	"attributeoptioncomboid": colAttributeOptionCombo, "attributeoptioncombouid": colAttributeOptionCombo,
	"value":       colValue,
	"storedby":    colStoredBy,
	"lastupdated": colLastUpdated, "timestamp": colLastUpdated,
	"comment":        colComment,
	"followup":       colFollowUp,
	"deleted":        colDeleted,
	"created":        colCreated,
	"attributecombo": colAttributeCombo, "attributeoptions": colAttributeOptions,
}

// normColumn folds a header cell: case, spaces, '_', '-' and '.' do not count.
func normColumn(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF")
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// isHeader reports whether a first row names columns: its first cell names
// the data element column, or two of its cells are known column names.
func isHeader(rec []string) bool {
	if len(rec) == 0 {
		return false
	}
	if c, ok := columnNames[normColumn(rec[0])]; ok && c == colDataElement {
		return true
	}
	known := 0
	for _, h := range rec {
		if _, ok := columnNames[normColumn(h)]; ok {
			known++
		}
	}
	return known >= 2
}

// ReadCSV reads a whole DHIS2 CSV data value set; see ScanCSV.
func ReadCSV(r io.Reader) (*Set, error) {
	set := &Set{}
	if err := ScanCSV(r, set); err != nil {
		return nil, err
	}
	return set, nil
}

// ScanCSV reads a DHIS2 CSV data value set one row at a time. A file with a
// header row is read by its column names, in any order and with any
// spelling DHIS2 has used (see columnNames); without one, columns are
// positional as DHIS2 exports them (Columns), and rows of 6 to 11 cells are
// read. Under a header without a category option combo column, columns
// it does not know are category options (as DHIS2 2.43 reads them), joined
// "Category=option;…" in name order so that a Mapping can name them; with
// one, they are conflicts. Cells may be quoted, with spaces before the
// quotes, and lines end in LF or CRLF.
//
// A header without the data element, period or org unit column, or without
// a value column and a deleted column, is an EINVALID error naming them;
// every row it cannot read (a broken quote, a bad flag, a wrong number of
// cells) is a conflict, and reading goes on.
func ScanCSV(r io.Reader, sink Sink) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	sink.Envelope(Envelope{})
	var at [colAttributeOptions + 1]int // the column of each field; -1 when the file has none
	for k := range at {
		at[k] = k
	}
	header := false
	var names []string // header cells, for category options and conflicts
	var extra []int    // columns that are category options
	index := 0
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			sink.Conflict(Conflict{Row: pe.StartLine, Index: index, Code: CodeUnreadable, Object: "row", Value: "",
				Reason: "not a valid CSV row: " + pe.Err.Error()})
			index++
			continue
		}
		line, _ := cr.FieldPos(0)
		if first && isHeader(rec) {
			header = true
			for k := range at {
				at[k] = -1
			}
			names = make([]string, len(rec))
			for i, h := range rec {
				names[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
				c, ok := columnNames[normColumn(h)]
				switch {
				case !ok:
					extra = append(extra, i)
				case at[c] >= 0:
					sink.Conflict(Conflict{Row: line, Index: -1, Element: names[i], Code: CodeUnknownField, Object: "column", Value: names[i],
						Reason: fmt.Sprintf("the same column as %q", names[at[c]])})
				default:
					at[c] = i
				}
			}
			if err := checkHeader(at[:]); err != nil {
				return err
			}
			if at[colCategoryOptionCombo] >= 0 {
				for _, i := range extra {
					sink.Conflict(Conflict{Row: line, Index: -1, Element: names[i], Code: CodeUnknownField, Object: "column", Value: names[i],
						Reason: "unknown column: DHIS2 CSV columns are " + strings.Join(Columns, ", ")})
				}
				extra = nil
			}
			sort.Slice(extra, func(a, b int) bool { return names[extra[a]] < names[extra[b]] })
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		i := index
		index++
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
		}
		switch {
		case !header && (len(rec) < 6 || len(rec) > len(Columns)):
			sink.Conflict(Conflict{Row: line, Index: i, Code: CodeUnreadable, Object: "row",
				Value: strings.Join(rec, ","), Reason: fmt.Sprintf("expected 6 to %d columns, found %d", len(Columns), len(rec))})
			continue
		case header && len(rec) > len(names):
			sink.Conflict(Conflict{Row: line, Index: i, Code: CodeUnreadable, Object: "row",
				Value: strings.Join(rec, ","), Reason: fmt.Sprintf("%d cells where the header has %d", len(rec), len(names))})
			continue
		}
		cell := func(k int) string {
			if j := at[k]; j >= 0 && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		text := func(k int) string { return unescapeText(cell(k)) }
		row := Row{Line: line, Index: i,
			DataElement: text(colDataElement), Period: text(colPeriod), OrgUnit: text(colOrgUnit),
			CategoryOptionCombo: text(colCategoryOptionCombo), AttributeOptionCombo: text(colAttributeOptionCombo),
			Value: cell(colValue), StoredBy: text(colStoredBy), LastUpdated: text(colLastUpdated),
			Comment: text(colComment), NoComment: at[colComment] < 0 || at[colComment] >= len(rec)}
		if len(extra) > 0 {
			var parts []string
			for _, j := range extra {
				if j < len(rec) && strings.TrimSpace(rec[j]) != "" {
					parts = append(parts, names[j]+"="+strings.TrimSpace(rec[j]))
				}
			}
			row.CategoryOptionCombo = strings.Join(parts, ";")
		}
		ok := true
		for _, f := range []struct {
			col int
			dst *bool
		}{{colFollowUp, &row.FollowUp}, {colDeleted, &row.Deleted}} {
			v, good := parseBool(cell(f.col))
			if !good {
				sink.Conflict(Conflict{Row: line, Index: i, Element: Columns[f.col], Code: CodeFlag, Object: Columns[f.col],
					Value: cell(f.col), Reason: "expected true or false"})
				ok = false
			}
			*f.dst = v
		}
		for _, k := range []int{colAttributeCombo, colAttributeOptions} {
			if v := cell(k); v != "" {
				sink.Conflict(Conflict{Row: line, Index: i, Code: CodeAttributeCombo, Object: "attributeOptionCombo", Value: v,
					Reason: "attribute combos and options are not supported: give the attributeOptionCombo (a vintage) or map it"})
				ok = false
			}
		}
		if ok {
			if err := sink.Row(row); err != nil {
				return err
			}
		}
	}
}

// checkHeader names the columns a header lacks.
func checkHeader(at []int) error {
	var missing []planwatch.Problem
	for _, c := range []int{colDataElement, colPeriod, colOrgUnit} {
		if at[c] < 0 {
			missing = append(missing, planwatch.Problem{Row: 1, Column: Columns[c], Reason: "thiếu cột bắt buộc / required column missing"})
		}
	}
	if at[colValue] < 0 && at[colDeleted] < 0 {
		missing = append(missing, planwatch.Problem{Row: 1, Column: "value",
			Reason: "thiếu cột value (chỉ được bỏ khi mọi dòng có deleted=true) / no value column (only a file of deletions, with a deleted column, may lack it)"})
	}
	if len(missing) == 0 {
		return nil
	}
	e := planwatch.Errorf(planwatch.EINVALID, "DHIS2 CSV: dòng tiêu đề thiếu cột / the header lacks columns")
	e.Problems = missing
	return e
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
