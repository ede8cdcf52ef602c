package exchange

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/nativecsv"
	"planwatch/sdmx"
)

// MappingColumns is the header of a mapping file.
var MappingColumns = []string{"kind", "partner_id", "code", "value_type"}

// mappingKinds reads a kind in any case, and its short DHIS2 names.
var mappingKinds = map[string]planwatch.MappingKind{
	"dataelement": planwatch.MapDataElement, "de": planwatch.MapDataElement,
	"orgunit": planwatch.MapOrgUnit, "ou": planwatch.MapOrgUnit,
	"categoryoptioncombo": planwatch.MapCategoryOptionCombo, "coc": planwatch.MapCategoryOptionCombo,
	"attributeoptioncombo": planwatch.MapAttributeOptionCombo, "aoc": planwatch.MapAttributeOptionCombo,
	"column": planwatch.MapColumn,
}

// ReadMapping reads a mapping file: a CSV with the header
// kind,partner_id,code and optionally value_type, one row per partner id.
// kind is dataElement, orgUnit, categoryOptionCombo, attributeOptionCombo or
// column (see planwatch.MappingKind); value_type (NUMBER, BOOLEAN,
// TRUE_ONLY) is for data elements. Every bad row is a Problem naming its
// row and column, in one EINVALID error.
func ReadMapping(r io.Reader, name string) (planwatch.Mapping, error) {
	m := planwatch.Mapping{Name: name}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	fail := &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("bảng ánh xạ %q có lỗi, không lưu gì / mapping %q has errors, nothing was stored", name, name)}
	header, err := cr.Read()
	if err != nil {
		fail.Problems = []planwatch.Problem{{Row: 1, Reason: "cần dòng tiêu đề kind,partner_id,code / a header kind,partner_id,code is needed"}}
		return m, fail
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))))
		col[h] = i
	}
	idx := func(name string) int {
		if i, ok := col[strings.ReplaceAll(name, "_", "")]; ok {
			return i
		}
		return -1
	}
	kindCol, idCol, codeCol, typeCol := idx("kind"), idx("partner_id"), idx("code"), idx("value_type")
	var lines []int // the file line of each entry
	for i, c := range []int{kindCol, idCol, codeCol} {
		if c < 0 {
			fail.Problems = append(fail.Problems, planwatch.Problem{Row: 1, Column: MappingColumns[i], Reason: "thiếu cột / column missing"})
		}
	}
	if len(fail.Problems) > 0 {
		return m, fail
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			fail.Problems = append(fail.Problems, planwatch.Problem{Row: pe.StartLine, Reason: pe.Err.Error()})
			continue
		} else if err != nil {
			return m, err
		}
		line, _ := cr.FieldPos(0)
		cell := func(i int) string {
			if i >= 0 && i < len(rec) {
				return nativecsv.UnsafeCell(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		kind, ok := mappingKinds[strings.ToLower(cell(kindCol))]
		if !ok {
			fail.Problems = append(fail.Problems, planwatch.Problem{Row: line, Column: "kind", Value: cell(kindCol),
				Reason: "loại không rõ / unknown kind: expected dataElement, orgUnit, categoryOptionCombo, attributeOptionCombo or column"})
			continue
		}
		m.Entries = append(m.Entries, planwatch.MappingEntry{Kind: kind, PartnerID: cell(idCol), Code: cell(codeCol),
			ValueType: strings.ToUpper(cell(typeCol))})
		lines = append(lines, line)
		if len(m.Entries) > planwatch.MaxMappingEntries {
			fail.Problems = append(fail.Problems, planwatch.Problem{Row: line, Reason: fmt.Sprintf("quá %d dòng / more than %d entries", planwatch.MaxMappingEntries, planwatch.MaxMappingEntries)})
			return m, fail
		}
	}
	if err := m.Validate(); err != nil {
		var pe *planwatch.Error
		if errors.As(err, &pe) {
			// Validate numbers entries from 2; name the lines of the file.
			for _, p := range pe.Problems {
				if i := p.Row - 2; i >= 0 && i < len(lines) {
					p.Row = lines[i]
				}
				fail.Problems = append(fail.Problems, p)
			}
			sort.SliceStable(fail.Problems, func(i, j int) bool { return fail.Problems[i].Row < fail.Problems[j].Row })
		}
	}
	if len(fail.Problems) > 0 {
		return m, fail
	}
	return m, nil
}

// CheckMapping names every entry whose code planwatch does not know: an
// indicator or unit not in the catalogue, a figure other than default, YOY,
// PLAN_PCT and VS_REF, a vintage other than official, preliminary and
// estimate (optionally .cumulative), an SDMX column planwatch does not read.
// Rows are numbered as in the file the entries came from, after its header.
func CheckMapping(m planwatch.Mapping, indicators map[string]planwatch.Indicator, units map[string]bool) []planwatch.Problem {
	var out []planwatch.Problem
	for i, en := range m.Entries {
		bad := func(why string) {
			out = append(out, planwatch.Problem{Row: i + 2, Column: "code", Value: en.Code, Reason: why})
		}
		switch en.Kind {
		case planwatch.MapDataElement:
			if indicators != nil {
				if _, ok := indicators[en.Code]; !ok {
					bad("không phải mã chỉ tiêu / not an indicator code")
				}
			}
		case planwatch.MapOrgUnit:
			if units != nil && !units[en.Code] {
				bad("không phải mã đơn vị hành chính / not an administrative unit code")
			}
		case planwatch.MapCategoryOptionCombo:
			switch strings.ToUpper(en.Code) {
			case "", "DEFAULT", dhis2.MeasureYoY, dhis2.MeasurePlanPct, dhis2.MeasureVsRef:
			default:
				bad("expected default (the value), YOY, PLAN_PCT or VS_REF")
			}
		case planwatch.MapAttributeOptionCombo:
			vin, basis, _ := strings.Cut(en.Code, ".")
			if _, err := planwatch.ParseVintage(vin); err != nil || basis != "" && basis != string(planwatch.BasisPeriod) && basis != string(planwatch.BasisCumulative) {
				bad("expected official, preliminary or estimate, optionally followed by .cumulative")
			}
		case planwatch.MapColumn:
			if en.Code != "" && !sdmx.KnownColumn(en.Code) {
				bad("không phải cột SDMX planwatch đọc / not an SDMX column planwatch reads: " + strings.Join(sdmx.Header, ", ") + ", or empty to drop it")
			}
		}
	}
	return out
}

// WriteMapping writes entries as a mapping file, ready to be filled in and
// imported (a template when the codes are empty); the value_type column
// only when an entry has one. Cells are guarded against
// spreadsheet formula injection, and read back as written.
func WriteMapping(w io.Writer, entries []planwatch.MappingEntry) error {
	cols := MappingColumns[:3]
	for _, en := range entries {
		if en.ValueType != "" {
			cols = MappingColumns
			break
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, en := range entries {
		rec := []string{string(en.Kind), nativecsv.SafeCell(en.PartnerID), nativecsv.SafeCell(en.Code), en.ValueType}
		if err := cw.Write(rec[:len(cols)]); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// dhis2Mapping is the part of a mapping DHIS2 files use.
func dhis2Mapping(m *planwatch.Mapping) dhis2.Mapping {
	var out dhis2.Mapping
	if m == nil {
		return out
	}
	put := func(dst *map[string]string, k, v string) {
		if *dst == nil {
			*dst = map[string]string{}
		}
		(*dst)[k] = v
	}
	for _, en := range m.Entries {
		switch en.Kind {
		case planwatch.MapDataElement:
			put(&out.DataElements, en.PartnerID, en.Code)
			if en.ValueType != "" {
				if out.ValueTypes == nil {
					out.ValueTypes = map[string]dhis2.ValueType{}
				}
				out.ValueTypes[en.PartnerID] = dhis2.ValueType(en.ValueType)
			}
		case planwatch.MapOrgUnit:
			put(&out.OrgUnits, en.PartnerID, en.Code)
		case planwatch.MapCategoryOptionCombo:
			put(&out.CategoryOptionCombos, en.PartnerID, en.Code)
		case planwatch.MapAttributeOptionCombo:
			put(&out.AttributeOptionCombos, en.PartnerID, en.Code)
		}
	}
	return out
}

// sdmxMapping is the part of a mapping SDMX-CSV files use: column renames
// and the partner's codes of indicators and areas.
func sdmxMapping(m *planwatch.Mapping) (columns, indicators, areas map[string]string) {
	if m == nil {
		return nil, nil, nil
	}
	columns, indicators, areas = map[string]string{}, map[string]string{}, map[string]string{}
	for _, en := range m.Entries {
		switch en.Kind {
		case planwatch.MapColumn:
			columns[en.PartnerID] = en.Code
		case planwatch.MapDataElement:
			indicators[en.PartnerID] = en.Code
		case planwatch.MapOrgUnit:
			areas[en.PartnerID] = en.Code
		}
	}
	return columns, indicators, areas
}
