// Package exchange is the one reader of every incoming file, for the CLI,
// the upload page and the API alike: it detects a file's format, reads it
// into planwatch values (one at a time for DHIS2 and SDMX files, so that a
// store taking a stream imports a file of any size in bounded memory),
// translates a partner's ids through a named Mapping, and writes the import
// summary in the manner of DHIS2's, with conflicts counted by kind and the
// ids no mapping translates (the rows of a mapping template). An import is
// all or nothing unless atomicMode NONE asks for the valid part.
//
// Formats: DHIS2 data value sets (JSON, CSV, DXF2 XML, ADX), SDMX-CSV, the
// data-entry workbook and lists of values (XLSX) and planwatch's own CSV.
// Values travel in base units in every format but the workbook, which
// shows display units.
package exchange

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/nativecsv"
	"planwatch/sdmx"
	"planwatch/sheet"
)

// Format names a file format, as the CLI's --format takes it.
type Format string

const (
	Unknown   Format = ""
	DHIS2JSON Format = "dhis2-json"
	DHIS2CSV  Format = "dhis2-csv"
	DHIS2XML  Format = "dhis2-xml" // DXF2 XML, read only
	ADX       Format = "adx"       // read only
	SDMXCSV   Format = "sdmx-csv"
	XLSX      Format = "xlsx" // a list of values (both ways) or a data-entry workbook (read)
	Native    Format = "planwatch-csv"
)

// Formats lists the formats Read accepts.
var Formats = []Format{DHIS2JSON, DHIS2CSV, DHIS2XML, ADX, SDMXCSV, XLSX, Native}

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return Unknown, planwatch.Errorf(planwatch.EINVALID, "unknown format %q: expected one of %s", s, strings.Join(names, ", "))
}

// Detect guesses the format of a file from its name and its first bytes
// (512 are plenty). It returns Unknown when neither tells.
func Detect(name string, head []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\uFEFF"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return XLSX
	case bytes.HasPrefix(trimmed, []byte("{")):
		return DHIS2JSON
	case bytes.HasPrefix(trimmed, []byte("<")):
		if bytes.Contains(head, []byte("<adx")) || bytes.Contains(head, []byte("urn:ihe:qrph:adx")) {
			return ADX
		}
		return DHIS2XML
	}
	first := strings.ToLower(string(trimmed))
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	firstCell := strings.Trim(strings.SplitN(strings.SplitN(first, ",", 2)[0], ";", 2)[0], "\" ")
	switch {
	case strings.HasPrefix(firstCell, "structure") || strings.HasPrefix(firstCell, "dataflow"):
		return SDMXCSV
	case firstCell == "indicator":
		return Native
	case firstCell == "dataelement" || firstCell == "de" || firstCell == "data_element":
		return DHIS2CSV
	}
	switch ext {
	case ".json":
		return DHIS2JSON
	case ".xml":
		return DHIS2XML
	case ".adx":
		return ADX
	case ".xlsx":
		return XLSX
	case ".csv":
		// A DHIS2 CSV without header: at least six cells, the second a period.
		cells := strings.Split(first, ",")
		if len(cells) >= 6 && len(cells) <= 11 {
			if _, err := dhis2.ParsePeriod(strings.Trim(cells[1], "\" ")); err == nil {
				return DHIS2CSV
			}
		}
	}
	return Unknown
}

// Options say how a file becomes a change set.
type Options struct {
	Ref string // file name: Source.Ref of every value and ChangeSet.From
	By  string // the importing user: ChangeSet.By and every value's By
	Now time.Time
	// Indicators and Units are the catalogue; any other code is a conflict.
	// UnitNames (by dhis2.FoldName) serve the NAME id scheme. SetCatalogue
	// fills all three.
	Indicators map[string]planwatch.Indicator
	Units      map[string]bool
	UnitNames  map[string][]string
	// Mapping translates a partner's ids (DHIS2 data elements, org units,
	// category and attribute option combos; SDMX columns, indicator and
	// area codes). Nil: none.
	Mapping *planwatch.Mapping
	// Schemes are the DHIS2 id schemes of the request (idScheme,
	// dataElementIdScheme …); a file's own override them.
	Schemes dhis2.IDSchemes
	// Strategy is DHIS2's importStrategy; CREATE_AND_UPDATE when empty.
	Strategy dhis2.ImportStrategy
	// Atomic is DHIS2's atomicMode: ALL (the default) stores the whole file
	// or nothing; NONE stores the values that can be stored and reports the
	// others.
	Atomic AtomicMode
	// TrustStoredBy takes a DHIS2 value's By from storedBy (for trusted
	// system-to-system transfers); otherwise By is the importing user.
	TrustStoredBy bool
	// Current gives the current value of a key and vintage: what a file does
	// not say of a value is kept from it (DHIS2 and SDMX merges), and the
	// CREATE and UPDATE strategies ask it whether a value exists.
	Current func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool)
	// CurrentMany gives the current values of a batch of keys (see
	// dhis2.Options); SetStore sets both.
	CurrentMany func(keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue
	// DryRun is copied to the change set.
	DryRun bool
	// Guard, when set, refuses a file whose values break a blocking
	// validation rule (rules.Guard): nothing is stored.
	Guard Guard
}

// Guard checks values before they are stored; Wants says which indicators'
// values it reads (only those are kept aside while a file streams in).
type Guard interface {
	Wants(indicator string) bool
	Check(values []planwatch.DataValue) []planwatch.Problem
}

// guardError is the refusal of the guard, or nil.
func guardError(g Guard, values []planwatch.DataValue) error {
	if g == nil || len(values) == 0 {
		return nil
	}
	if ps := g.Check(values); len(ps) > 0 {
		n := planwatch.CountProblems(ps)
		return &planwatch.Error{Code: planwatch.EINVALID, Problems: ps,
			Message: fmt.Sprintf("Không nhập gì: %d vi phạm quy tắc kiểm tra bắt buộc (nothing imported: %d violations of blocking validation rules)", n, n)}
	}
	return nil
}

// SetCatalogue sets Indicators, Units and UnitNames from the catalogue.
func (o *Options) SetCatalogue(inds []planwatch.Indicator, units []planwatch.OrgUnit) {
	o.Indicators = make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		o.Indicators[ind.Code] = ind
	}
	o.Units = make(map[string]bool, len(units))
	o.UnitNames = map[string][]string{}
	for _, u := range units {
		if o.Units[u.Code] {
			continue // an older version of a unit already seen
		}
		o.Units[u.Code] = true
		for _, n := range []string{u.Name, u.FullName, u.NameEN} {
			if k := dhis2.FoldName(n); k != "" && !slices.Contains(o.UnitNames[k], u.Code) {
				o.UnitNames[k] = append(o.UnitNames[k], u.Code)
			}
		}
	}
}

// SetCodes sets Indicators and Units from the catalogue's indicators and
// unit codes, without UnitNames (which the NAME id scheme needs).
func (o *Options) SetCodes(inds []planwatch.Indicator, units []string) {
	o.Indicators = make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		o.Indicators[ind.Code] = ind
	}
	o.Units = make(map[string]bool, len(units))
	for _, u := range units {
		o.Units[u] = true
	}
	o.UnitNames = nil
}

// AtomicMode is DHIS2's atomicMode.
type AtomicMode string

// Atomic modes.
const (
	AtomicAll  AtomicMode = "ALL"
	AtomicNone AtomicMode = "NONE"
)

// ParseAtomicMode reads an atomicMode, in any case; "" is ALL.
func ParseAtomicMode(s string) (AtomicMode, error) {
	switch m := AtomicMode(strings.ToUpper(strings.TrimSpace(s))); m {
	case "":
		return AtomicAll, nil
	case AtomicAll, AtomicNone:
		return m, nil
	}
	return "", planwatch.Errorf(planwatch.EINVALID, "atomicMode %q: expected ALL or NONE", s)
}

// Reading is what Scan found besides the values.
type Reading struct {
	Conflicts Conflicts
	// Ignored counts values the import strategy left alone (CREATE: values
	// that exist; UPDATE: values that do not).
	Ignored int
	// Rest is the change set without its values: By and From, what the
	// values do not say (Keep), and the targets of a planwatch CSV or
	// workbook of targets.
	Rest planwatch.ChangeSet
}

// Scan reads a file of the given format and calls emit with each value as
// it is read, in file order: DHIS2 and SDMX files are read one value at a
// time, in memory that does not grow with the file. Values with a conflict
// are not emitted; the conflicts are in the Reading. A file that cannot be
// read at all is an error (EINVALID for bad input), and so is an error of
// emit, which stops the reading.
func Scan(f Format, r io.Reader, opts Options, emit func(planwatch.DataValue) error) (*Reading, error) {
	rd := &Reading{Rest: planwatch.ChangeSet{By: opts.By, From: opts.Ref, DryRun: opts.DryRun}}
	switch f {
	case DHIS2JSON, DHIS2CSV, DHIS2XML, ADX:
		scan := map[Format]func(io.Reader, dhis2.Sink) error{DHIS2JSON: dhis2.ScanJSON, DHIS2CSV: dhis2.ScanCSV,
			DHIS2XML: dhis2.ScanXML, ADX: dhis2.ScanADX}[f]
		c := dhis2.NewConverter(dhis2.Options{Ref: opts.Ref, By: opts.By, Now: opts.Now, Map: dhis2Mapping(opts.Mapping),
			Schemes: opts.Schemes, Strategy: opts.Strategy, TrustStoredBy: opts.TrustStoredBy,
			Indicators: opts.Indicators, Units: opts.Units, UnitNames: opts.UnitNames, Current: opts.Current,
			CurrentMany: opts.CurrentMany},
			emit, func(c dhis2.Conflict) { rd.Conflicts.Add(fromDHIS2(c)) })
		if err := scan(r, c); err != nil {
			return nil, err
		}
		if err := c.Close(); err != nil {
			return nil, err
		}
		rd.Ignored = c.Ignored()
		return rd, nil
	case SDMXCSV:
		columns, inds, areas := sdmxMapping(opts.Mapping)
		c := sdmx.NewConverter(sdmx.Options{Ref: opts.Ref, By: opts.By, Now: opts.Now, Indicators: opts.Indicators,
			Units: opts.Units, IndicatorCodes: inds, AreaCodes: areas, Current: opts.Current}, emit,
			func(c sdmx.Conflict) {
				rd.Conflicts.Add(Conflict{Row: c.Row, Index: -1, Element: c.Object, Object: c.Object, Value: c.Value, Reason: c.Reason,
					MapKind: c.MapKind, MapID: c.MapID})
			})
		if _, _, err := sdmx.ScanCSV(r, sdmx.ReadOptions{Columns: columns}, c); err != nil {
			return nil, err
		}
		return rd, nil
	case Native:
		br := bufio.NewReaderSize(r, 64<<10)
		if head, _ := br.Peek(4096); !nativecsv.IsTargets(head) {
			return rd, scanNativeValues(br, head, opts, rd, emit)
		}
		r = br
		fallthrough
	case XLSX:
		cs, err := readWhole(f, r, opts, rd)
		if err != nil || cs == nil {
			return rd, err
		}
		rd.Rest.Targets = cs.Targets
		for _, v := range cs.Values {
			if err := emit(v); err != nil {
				return nil, err
			}
		}
		return rd, nil
	}
	return nil, planwatch.Errorf(planwatch.EINVALID, "unknown format %q", f)
}

// scanNativeValues reads a planwatch CSV of values row by row: a row with
// problems is a conflict, and the others are values; what the file does not
// say of them (see unsaid) goes to rd.Rest.Keep. head is the start of the
// file, for its header.
func scanNativeValues(r io.Reader, head []byte, opts Options, rd *Reading, emit func(planwatch.DataValue) error) error {
	st, err := nativecsv.NewStream(r, opts.Ref)
	if err != nil {
		return err
	}
	rd.Rest.Keep = unsaid(head)
	// The codes last found in the catalogue: files list a series' rows together.
	var known bool
	var knownInd, knownUnit string
	for v, err := range st.Values() {
		if err != nil {
			var pe *planwatch.Error
			if !errors.As(err, &pe) || pe.Code != planwatch.EINVALID {
				return err
			}
			rd.Conflicts.addError(err)
			continue
		}
		v.By = opts.By
		if v.At.IsZero() {
			v.At = opts.Now
		}
		if !known || v.Indicator != knownInd || v.Unit != knownUnit {
			if cc := checkValue(nil, &v, opts); len(cc) > 0 {
				known = false
				for _, c := range cc {
					rd.Conflicts.Add(c)
				}
				continue
			}
			known, knownInd, knownUnit = true, v.Indicator, v.Unit
		}
		if err := emit(v); err != nil {
			return err
		}
	}
	return nil
}

// readWhole reads the formats that are read whole (workbooks, planwatch
// CSV): their conflicts go to rd.
func readWhole(f Format, r io.Reader, opts Options, rd *Reading) (*planwatch.ChangeSet, error) {
	var cs *planwatch.ChangeSet
	var ps []planwatch.Problem
	var err error
	if f == XLSX {
		cs, ps, err = readXLSX(r, opts)
	} else {
		cs, err = nativecsv.Read(r, opts.Ref)
		var pe *planwatch.Error
		if errors.As(err, &pe) && len(pe.Problems) > 0 {
			ps, cs, err = pe.Problems, nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	rd.Conflicts.addProblems(ps)
	if cs == nil {
		return nil, nil
	}
	cs.By = opts.By
	for i := range cs.Values {
		cs.Values[i].By = opts.By
		if cs.Values[i].At.IsZero() {
			cs.Values[i].At = opts.Now
		}
	}
	for _, c := range checkCatalogue(cs, opts) {
		rd.Conflicts.Add(c)
	}
	return cs, nil
}

// readXLSX reads a workbook: a list of values (as Write exports it), a
// data-entry workbook (sheet.WriteEntryWorkbook), or else a first sheet with
// the columns of planwatch's CSV of values or targets.
func readXLSX(r io.Reader, opts Options) (*planwatch.ChangeSet, []planwatch.Problem, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	if values, ps, err := sheet.ReadValuesXLSX(bytes.NewReader(b), opts.Ref); err == nil {
		return &planwatch.ChangeSet{From: opts.Ref, Values: values}, ps, nil
	}
	if e, err := sheet.ReadEntryWorkbook(bytes.NewReader(b), sheet.EntryOptions{Ref: opts.Ref, By: opts.By, Now: opts.Now,
		Indicators: opts.Indicators}); err == nil {
		return &planwatch.ChangeSet{From: opts.Ref, Values: e.Values}, e.Problems, nil
	}
	rows, err := sheet.FirstSheetCSV(bytes.NewReader(b))
	if err != nil {
		return nil, nil, err
	}
	cs, err := nativecsv.Read(bytes.NewReader(rows), opts.Ref)
	var pe *planwatch.Error
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		return nil, pe.Problems, nil
	}
	return cs, nil, err
}

// Read reads a whole file of the given format into a change set. A file
// that cannot be read at all is an error (EINVALID for bad input);
// otherwise it returns either the change set, or the conflicts and a nil
// change set.
func Read(f Format, r io.Reader, opts Options) (*planwatch.ChangeSet, *Conflicts, error) {
	cs, rd, err := ReadAll(f, r, opts)
	if err != nil {
		return nil, nil, err
	}
	if rd.Conflicts.Len() > 0 {
		return nil, &rd.Conflicts, nil
	}
	return cs, &rd.Conflicts, nil
}

// ReadAll reads a whole file and returns the change set of what could be
// read, even when some values could not, and what the reading found (their
// conflicts). ImportRead stores it.
func ReadAll(f Format, r io.Reader, opts Options) (*planwatch.ChangeSet, *Reading, error) {
	var values []planwatch.DataValue
	rd, err := Scan(f, r, opts, func(v planwatch.DataValue) error {
		values = append(values, v)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	cs := rd.Rest
	cs.Values = values
	return &cs, rd, nil
}

// checkCatalogue checks the codes of a change set a reader did not check.
func checkCatalogue(cs *planwatch.ChangeSet, opts Options) []Conflict {
	var out []Conflict
	for i := range cs.Values {
		out = checkValue(out, &cs.Values[i], opts)
	}
	return out
}

// checkValue appends to out the conflicts of one value's codes.
func checkValue(out []Conflict, v *planwatch.DataValue, opts Options) []Conflict {
	if opts.Indicators != nil {
		if _, ok := opts.Indicators[v.Indicator]; !ok || v.Indicator == "" {
			out = append(out, Conflict{Row: v.Source.Row, Index: -1, Object: "indicator", Value: v.Indicator, Reason: "unknown indicator code"})
		}
	}
	if opts.Units != nil && !opts.Units[v.Unit] {
		out = append(out, Conflict{Row: v.Source.Row, Index: -1, Object: "orgunit", Value: v.Unit, Reason: "unknown administrative unit code"})
	}
	return out
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Applier stores a change set all or nothing; planwatch.DataStore is one.
type Applier interface {
	// Apply returns EINVALID with Problems when any part is invalid, and
	// then stores nothing.
	Apply(ctx context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error)
}

// fileFault reports whether an error of Apply is the file's (a summary):
// invalid values, or values under a lock. Other errors, a refusal to the
// user included (EFORBIDDEN), are returned as they are.
func fileFault(err error) bool {
	switch planwatch.ErrorCode(err) {
	case planwatch.EINVALID, planwatch.ECONFLICT:
		return true
	}
	return false
}

// errConflicts ends a value stream whose file has conflicts. It is an
// EINVALID error with one problem, so that a store collects it with its own
// problems of the values that could be read (which the summary then lists
// beside the file's conflicts) and stores nothing.
var errConflicts = &planwatch.Error{Code: planwatch.EINVALID, Message: conflictsReason,
	Problems: []planwatch.Problem{{Reason: conflictsReason}}}

const conflictsReason = "Không nhập gì: tệp có lỗi (nothing imported: the file has conflicts)."

// Streams reports whether Import hands a file of format f, whose first
// bytes (up to 4096) are head, to a StreamApplier as it is read rather than
// reading it whole: not a workbook, nor a file of targets, nor under
// atomicMode NONE. A nil head leaves out the file-of-targets check.
func Streams(f Format, head []byte, opts Options) bool {
	return opts.Atomic != AtomicNone && f != XLSX && (f != Native || head == nil || !nativecsv.IsTargets(head))
}

// Import reads a file and applies it: under atomicMode ALL, the whole file
// or nothing; under NONE, every value that can be stored. The summary says
// what happened, with every conflict of the file and every problem the
// store finds in the values that could be read (so that fixing the first
// does not reveal the others); the error is for failures that are not the
// file's fault (EINTERNAL, storage errors). Bad files give an ERROR summary
// and a nil error.
func Import(ctx context.Context, store Applier, f Format, r io.Reader, opts Options) (Summary, error) {
	if st, ok := store.(planwatch.StreamApplier); ok && Streams(f, nil, opts) {
		streams := true
		if f == Native {
			br := bufio.NewReaderSize(r, 64<<10)
			head, _ := br.Peek(4096)
			r, streams = br, Streams(f, head, opts)
		}
		if streams {
			return importStream(ctx, st, f, r, opts)
		}
	}
	cs, rd, err := ReadAll(f, r, opts)
	if err != nil {
		if planwatch.ErrorCode(err) == planwatch.EINVALID {
			return Summarize(planwatch.ApplyResult{}, nil, err, opts.DryRun), nil
		}
		return Summary{}, err
	}
	return ImportRead(ctx, store, cs, rd, opts)
}

// ImportRead stores what ReadAll read, as Import does: under atomicMode ALL,
// nothing when the reading found conflicts (but the store's own problems of
// the values that could be read are added to them, in a dry run); under
// NONE, every value that neither the reading nor the store refuses, which
// are removed from cs.
func ImportRead(ctx context.Context, store Applier, cs *planwatch.ChangeSet, rd *Reading, opts Options) (Summary, error) {
	conflicts := &rd.Conflicts
	empty := len(cs.Values)+len(cs.Targets) == 0
	if conflicts.Len() > 0 && (opts.Atomic != AtomicNone || empty) {
		if !empty {
			dry := *cs
			dry.DryRun = true
			if _, err := store.Apply(ctx, &dry); err != nil && !fileFault(err) {
				return Summary{}, err
			} else if err != nil {
				conflicts.addError(err)
			}
		}
		return Summarize(planwatch.ApplyResult{}, conflicts, nil, opts.DryRun), nil
	}
	rejected := conflicts.Rows()
	if opts.Atomic == AtomicNone {
		// Let the store name what it refuses, and store the rest.
		dry := *cs
		dry.DryRun = true
		if _, err := store.Apply(ctx, &dry); err != nil && !fileFault(err) {
			return Summary{}, err
		} else if err != nil {
			kept, n := dropRefused(cs, err, conflicts)
			*cs = *kept
			rejected += n
		}
		if len(cs.Values)+len(cs.Targets) == 0 {
			return Summarize(planwatch.ApplyResult{}, conflicts, nil, opts.DryRun), nil
		}
	}
	cs.DryRun = opts.DryRun
	if err := guardError(opts.Guard, cs.Values); err != nil {
		return Summarize(planwatch.ApplyResult{}, conflicts, err, opts.DryRun), nil
	}
	res, err := store.Apply(ctx, cs)
	if err != nil && !fileFault(err) {
		return Summary{}, err
	}
	res.Ignored += rd.Ignored
	s := Summarize(res, conflicts, err, opts.DryRun)
	if err == nil && conflicts.Len() > 0 {
		s.Status = StatusWarning
		s.ImportCount = Counts{res.Imported, res.Updated, res.Ignored + rejected, res.Deleted}
		s.Description = fmt.Sprintf("Đã nhập phần hợp lệ; %d giá trị bị từ chối (atomicMode=NONE) / the valid values were stored; %d were refused (atomicMode=NONE).", rejected, rejected)
	}
	return s, nil
}

// dropRefused removes from cs the values and targets on the rows the
// store's error names, recording its problems as conflicts; a problem
// without a row refuses everything. It returns what is left and how many
// were removed.
func dropRefused(cs *planwatch.ChangeSet, err error, conflicts *Conflicts) (*planwatch.ChangeSet, int) {
	var pe *planwatch.Error
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		conflicts.addError(err)
		n := len(cs.Values) + len(cs.Targets)
		return &planwatch.ChangeSet{By: cs.By, From: cs.From, DryRun: cs.DryRun}, n
	}
	rows := map[int]bool{}
	for _, p := range pe.Problems {
		if p.Row == 0 {
			conflicts.addError(err)
			return &planwatch.ChangeSet{By: cs.By, From: cs.From, DryRun: cs.DryRun}, len(cs.Values) + len(cs.Targets)
		}
		rows[p.Row] = true
	}
	conflicts.addError(err)
	kept := *cs
	kept.Values = nil
	kept.Targets = nil
	n := 0
	for _, v := range cs.Values {
		if rows[v.Source.Row] {
			n++
			continue
		}
		kept.Values = append(kept.Values, v)
	}
	for _, t := range cs.Targets {
		if rows[t.Source.Row] {
			n++
			continue
		}
		kept.Targets = append(kept.Targets, t)
	}
	return &kept, n
}

// importStream reads a file into a store that takes values as they come.
func importStream(ctx context.Context, st planwatch.StreamApplier, f Format, r io.Reader, opts Options) (Summary, error) {
	var rd *Reading
	var readErr error
	cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref, DryRun: opts.DryRun}
	if f == Native { // what its values do not say, from the header, before they stream
		br := bufio.NewReaderSize(r, 64<<10)
		head, _ := br.Peek(4096)
		r, cs.Keep = br, unsaid(head)
	}
	stop := errors.New("stopped")
	var guarded []planwatch.DataValue // the values a blocking rule reads
	values := func(yield func(planwatch.DataValue, error) bool) {
		rd, readErr = Scan(f, r, opts, func(v planwatch.DataValue) error {
			if opts.Guard != nil && opts.Guard.Wants(v.Indicator) {
				guarded = append(guarded, v)
			}
			if !yield(v, nil) {
				return stop
			}
			return nil
		})
		switch {
		case readErr != nil && readErr != stop:
			yield(planwatch.DataValue{}, readErr)
		case rd != nil && rd.Conflicts.Len() > 0:
			yield(planwatch.DataValue{}, errConflicts)
		default:
			if err := guardError(opts.Guard, guarded); err != nil {
				yield(planwatch.DataValue{}, err)
			}
		}
	}
	res, err := st.ApplyStream(ctx, cs, values)
	if readErr != nil && readErr != stop {
		if planwatch.ErrorCode(readErr) == planwatch.EINVALID {
			return Summarize(planwatch.ApplyResult{}, nil, readErr, opts.DryRun), nil
		}
		return Summary{}, readErr
	}
	if rd == nil {
		if err == nil {
			err = planwatch.Errorf(planwatch.EINTERNAL, "the store did not read the file")
		}
		if fileFault(err) {
			return Summarize(planwatch.ApplyResult{}, nil, err, opts.DryRun), nil
		}
		return Summary{}, err
	}
	if rd.Conflicts.Len() > 0 {
		var pe *planwatch.Error
		switch {
		case err == nil || err == errConflicts:
		case errors.As(err, &pe) && fileFault(err):
			// The store's own problems, without the mark of the file's.
			for _, p := range pe.Problems {
				if p.Reason != conflictsReason {
					rd.Conflicts.addProblems([]planwatch.Problem{p})
				}
			}
		default:
			return Summary{}, err
		}
		return Summarize(planwatch.ApplyResult{}, &rd.Conflicts, nil, opts.DryRun), nil
	}
	if err != nil && !fileFault(err) {
		return Summary{}, err
	}
	res.Ignored += rd.Ignored
	return Summarize(res, &rd.Conflicts, err, opts.DryRun), nil
}

// ValueReader reads stored values; planwatch.DataStore is one.
type ValueReader interface {
	Revisions(ctx context.Context, k planwatch.Key) ([]planwatch.DataValue, error)
	Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error)
}

// SetStore sets Current (one key and vintage) and CurrentMany (a batch of
// keys in one query) to read the store's current values.
func (o *Options) SetStore(ctx context.Context, s ValueReader) {
	o.Current = CurrentFrom(ctx, s)
	o.CurrentMany = func(keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue {
		return currentMany(ctx, s, keys)
	}
}

// CurrentFrom is Options.Current reading a store: the current value of a key
// and vintage.
func CurrentFrom(ctx context.Context, s interface {
	Revisions(ctx context.Context, k planwatch.Key) ([]planwatch.DataValue, error)
}) func(planwatch.Key, planwatch.Vintage) (planwatch.DataValue, bool) {
	return func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool) {
		revs, err := s.Revisions(ctx, k)
		if err != nil {
			return planwatch.DataValue{}, false
		}
		same := revs[:0]
		for _, r := range revs {
			if r.Vintage == v {
				same = append(same, r)
			}
		}
		return planwatch.Current(same)
	}
}

// currentMany reads the current values of a batch of keys with one query
// over their indicators, units and months; nil (ask one by one) when that
// query would read far more than the batch, or fails.
func currentMany(ctx context.Context, s ValueReader, keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue {
	inds, units := map[string]bool{}, map[string]bool{}
	q := planwatch.ValueQuery{}
	for _, k := range keys {
		if !inds[k.Indicator] {
			inds[k.Indicator] = true
			q.Indicators = append(q.Indicators, k.Indicator)
		}
		if !units[k.Unit] {
			units[k.Unit] = true
			q.Units = append(q.Units, k.Unit)
		}
		from, to := k.Period.Year*100+k.Period.First, k.Period.Year*100+k.Period.Last
		if q.FromMonth == 0 || from < q.FromMonth {
			q.FromMonth = from
		}
		if to > q.ToMonth {
			q.ToMonth = to
		}
	}
	if len(inds)*len(units) > 32*len(keys) {
		return nil
	}
	values, err := s.Values(ctx, q)
	if err != nil {
		return nil
	}
	// Values of keys outside the batch (the query covers the cross product
	// of its indicators, units and months) do no harm: they are never asked for.
	out := make(map[planwatch.Key]planwatch.DataValue, len(values))
	for _, v := range values {
		out[v.Key] = v
	}
	return out
}
