package sdmx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"planwatch"
)

// Row is one observation as the file gives it, after column renaming and
// with labels ("A: Value A") reduced to their ids.
type Row struct {
	Line        int
	Structure   string // "dataflow" …; "dataflow" for 1.0 files
	StructureID string // ESTAT:NA_MAIN(1.6.0)
	Action      string // I, A, M, R or D; I when the file has no ACTION
	Indicator   string
	Unit        string
	Period      string
	// Dropped lists the dropped columns whose cells are not empty: for a
	// deletion they mark components planwatch cannot delete.
	Dropped []string
	// Cells of the measures and attributes planwatch knows, by column name;
	// a column absent from the file is absent from the map.
	Cells map[string]string
}

// Set is a parsed SDMX-CSV message.
type Set struct {
	Version   string // "1.0" or "2"
	Separator rune
	Rows      []Row
	Conflicts []Conflict
}

// ReadOptions adapt the reader to a partner's data structure.
type ReadOptions struct {
	// Columns renames a partner's columns to planwatch's (DIM_1 → INDICATOR,
	// OBS_VALUE1 → OBS_VALUE); a column renamed to "" is dropped. Any other
	// column planwatch does not know is a conflict.
	Columns map[string]string
}

var known = map[string]bool{ColStructure: true, ColStructureID: true, ColAction: true, ColDataflow: true,
	ColIndicator: true, ColRefArea: true, ColTimePeriod: true, ColObsValue: true, ColYoY: true,
	ColPlanPct: true, ColVsRef: true, ColUnitMeasure: true, ColObsStatus: true, ColBasis: true, ColComment: true}

// numeric columns take a decimal comma in files separated by semicolons.
var numeric = map[string]bool{ColObsValue: true, ColYoY: true, ColPlanPct: true, ColVsRef: true}

// ReadCSV reads an SDMX-CSV message of version 1.0 (first column DATAFLOW)
// or 2.x (STRUCTURE, STRUCTURE_ID, ACTION first, STRUCTURE[;] allowed),
// separated by commas or by semicolons (then with a decimal comma), with or
// without labels. A header it cannot use is an EINVALID error with no Set;
// rows it cannot read are conflicts.
func ReadCSV(r io.Reader, opts ReadOptions) (*Set, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	fail := func(line int, why string) (*Set, error) {
		e := planwatch.Errorf(planwatch.EINVALID, "SDMX-CSV: %s", why)
		e.Problems = []planwatch.Problem{{Row: line, Reason: why}}
		return nil, e
	}
	set := &Set{Separator: ','}
	head := strings.ToUpper(string(b[:min(len(b), 64)]))
	switch {
	case strings.HasPrefix(head, "DATAFLOW"):
		set.Version = "1.0"
		head = head[len("DATAFLOW"):]
	case strings.HasPrefix(head, "STRUCTURE"):
		set.Version = "2"
		head = head[len("STRUCTURE"):]
		if strings.HasPrefix(head, "[") {
			if i := strings.IndexByte(head, ']'); i > 0 {
				head = head[i+1:]
			}
		}
	default:
		return fail(1, "the first column must be DATAFLOW (SDMX-CSV 1.0) or STRUCTURE (2.x)")
	}
	// The separator follows the first column name, possibly after its label.
	if i := strings.IndexAny(head, ",;"); i >= 0 && (i == 0 || strings.HasPrefix(head, ":")) {
		set.Separator = rune(head[i])
	} else {
		return fail(1, "cannot find the separator after the first column name")
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma = set.Separator
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fail(1, err.Error())
	}
	labels := false
	cols := make([]string, len(header))
	dropped := make([]bool, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if id, _, ok := strings.Cut(h, ": "); ok {
			h, labels = id, true
		}
		if j := strings.IndexByte(h, '['); j > 0 && strings.HasSuffix(h, "]") {
			h = h[:j]
		}
		if to, ok := opts.Columns[h]; ok {
			h = to
		}
		if h == "" {
			dropped[i] = true
			continue
		}
		if !known[h] {
			set.Conflicts = append(set.Conflicts, Conflict{Row: 1, Object: header[i], Value: h,
				Reason: "unknown column: rename it to a planwatch column or declare it dropped"})
			continue
		}
		if seen[h] {
			return fail(1, fmt.Sprintf("two columns are %s", h))
		}
		seen[h] = true
		cols[i] = h
	}
	for _, need := range []string{ColIndicator, ColRefArea, ColTimePeriod} {
		if !seen[need] {
			return fail(1, fmt.Sprintf("no %s column (rename the partner's dimension with ReadOptions.Columns)", need))
		}
	}
	if set.Version == "2" && !seen[ColStructureID] {
		return fail(1, "SDMX-CSV 2.x needs a STRUCTURE_ID column")
	}
	for {
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
			return fail(line, err.Error())
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			set.Conflicts = append(set.Conflicts, Conflict{Row: line, Object: "row", Value: strings.Join(rec, string(set.Separator)),
				Reason: fmt.Sprintf("%d cells where the header has %d", len(rec), len(header))})
			continue
		}
		row := Row{Line: line, Action: "I", Structure: "dataflow", Cells: map[string]string{}}
		for i, c := range cols {
			if dropped[i] && strings.TrimSpace(rec[i]) != "" {
				row.Dropped = append(row.Dropped, strings.TrimSpace(header[i]))
			}
			if c == "" {
				continue
			}
			v := strings.TrimSpace(rec[i])
			if labels && c != ColComment && !numeric[c] {
				if id, _, ok := strings.Cut(v, ": "); ok {
					v = id
				}
			}
			if numeric[c] && set.Separator == ';' {
				v = strings.Replace(v, ",", ".", 1)
			}
			if c == ColComment {
				v = unescapeText(v)
			}
			switch c {
			case ColStructure:
				row.Structure = v
			case ColStructureID, ColDataflow:
				row.StructureID = v
			case ColAction:
				row.Action = strings.ToUpper(v)
			case ColIndicator:
				row.Indicator = v
			case ColRefArea:
				row.Unit = v
			case ColTimePeriod:
				row.Period = v
			default:
				row.Cells[c] = v
			}
		}
		switch row.Action {
		case "I", "A", "M", "R", "D":
			set.Rows = append(set.Rows, row)
		default:
			set.Conflicts = append(set.Conflicts, Conflict{Row: line, Object: ColAction, Value: row.Action,
				Reason: "expected I, A, M, R or D"})
		}
	}
	return set, nil
}

// unescapeText undoes the writer's guard against formula injection.
func unescapeText(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("'=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// safeText guards a text cell against spreadsheet formula injection.
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) || len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("'=+-@\t\r", rune(s[1])) {
		return "'" + s
	}
	return s
}
