package sdmx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"planwatch"
	"planwatch/nativecsv"
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

// Row keeps a row.
func (s *Set) Row(r Row) error { s.Rows = append(s.Rows, r); return nil }

// Conflict keeps a conflict.
func (s *Set) Conflict(c Conflict) { s.Conflicts = append(s.Conflicts, c) }

// Sink receives the rows and conflicts of a message in file order.
type Sink interface {
	// Row takes one observation; an error stops the reader, which returns it.
	Row(Row) error
	Conflict(Conflict)
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
	ColPlanPct: true, ColVsRef: true, ColUnitMeasure: true, ColUnitMult: true, ColObsStatus: true, ColBasis: true,
	ColComment: true, ColFreq: true}

// KnownColumn reports whether planwatch reads a column of that name.
func KnownColumn(name string) bool { return known[name] }

// numeric columns take a decimal comma in files separated by semicolons.
var numeric = map[string]bool{ColObsValue: true, ColYoY: true, ColPlanPct: true, ColVsRef: true}

// ReadCSV reads a whole SDMX-CSV message; see ScanCSV.
func ReadCSV(r io.Reader, opts ReadOptions) (*Set, error) {
	set := &Set{}
	var err error
	if set.Version, set.Separator, err = ScanCSV(r, opts, set); err != nil {
		return nil, err
	}
	return set, nil
}

// ScanCSV reads an SDMX-CSV message of version 1.0 (first column DATAFLOW)
// or 2.x (STRUCTURE, STRUCTURE_ID, ACTION first, STRUCTURE[;] allowed),
// separated by commas or by semicolons (then with a decimal comma), with or
// without labels, one observation at a time. It returns the version and the
// separator. A file that does not start like SDMX-CSV is an EINVALID error;
// unknown columns and missing key columns (INDICATOR, REF_AREA,
// TIME_PERIOD) are conflicts of the header, and then no row is read; rows
// it cannot read are conflicts, and reading goes on.
func ScanCSV(r io.Reader, opts ReadOptions, sink Sink) (version string, sep rune, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	fail := func(line int, why string) (string, rune, error) {
		e := planwatch.Errorf(planwatch.EINVALID, "SDMX-CSV: %s", why)
		e.Problems = []planwatch.Problem{{Row: line, Reason: why}}
		return "", 0, e
	}
	peek, _ := br.Peek(3)
	if bytes.Equal(peek, []byte("\uFEFF")) {
		br.Discard(3)
	}
	peek, _ = br.Peek(64)
	sep = ','
	head := strings.ToUpper(string(peek))
	switch {
	case strings.HasPrefix(head, "DATAFLOW"):
		version = "1.0"
		head = head[len("DATAFLOW"):]
	case strings.HasPrefix(head, "STRUCTURE"):
		version = "2"
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
		sep = rune(head[i])
	} else {
		return fail(1, "cannot find the separator after the first column name")
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fail(1, err.Error())
	}
	header = append([]string(nil), header...)
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
			sink.Conflict(Conflict{Row: 1, Object: header[i], Value: h, MapKind: planwatch.MapColumn, MapID: h,
				Reason: "cột không rõ: ánh xạ sang một cột planwatch hoặc bỏ đi / unknown column: map it to a planwatch column or drop it (a column row of the mapping, with an empty code)"})
			continue
		}
		if seen[h] {
			return fail(1, fmt.Sprintf("two columns are %s", h))
		}
		seen[h] = true
		cols[i] = h
	}
	missing := false
	for _, need := range []string{ColIndicator, ColRefArea, ColTimePeriod} {
		if !seen[need] {
			missing = true
			sink.Conflict(Conflict{Row: 1, Object: need, Reason: "thiếu cột " + need + ": ánh xạ chiều tương ứng của đối tác sang nó / no " +
				need + " column: map the partner's dimension to it (a column row of the mapping)"})
		}
	}
	if missing {
		// Rows without their key cannot be read; the header's conflicts say why.
		return version, sep, nil
	}
	if version == "2" && !seen[ColStructureID] {
		return fail(1, "SDMX-CSV 2.x needs a STRUCTURE_ID column")
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return version, sep, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return "", 0, err
			}
			sink.Conflict(Conflict{Row: pe.StartLine, Object: "row", Reason: "not a valid CSV row: " + pe.Err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			sink.Conflict(Conflict{Row: line, Object: "row", Value: strings.Join(rec, string(sep)),
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
			if numeric[c] && sep == ';' {
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
			if err := sink.Row(row); err != nil {
				return "", 0, err
			}
		default:
			sink.Conflict(Conflict{Row: line, Object: ColAction, Value: row.Action,
				Reason: "expected I, A, M, R or D"})
		}
	}
}

// unescapeText undoes the writer's guard against formula injection.
func unescapeText(s string) string { return nativecsv.UnsafeCell(s) }

// safeText guards a text cell against spreadsheet formula injection.
// The rule is CSV's (nativecsv.SafeCell): a cell may start after any
// separator a spreadsheet might split on.
func safeText(s string) string { return nativecsv.SafeCell(s) }
