// Package exchange ties the file formats together for the CLI and the web
// API: it detects a file's format, reads it into one planwatch.ChangeSet or
// a list of conflicts (never both, so that an import is never partial), and
// writes the import summary in the manner of DHIS2's.
//
// Formats: DHIS2 data value sets (JSON, CSV, DXF2 XML, ADX), SDMX-CSV, the
// data-entry workbook (XLSX) and planwatch's own CSV. Values travel in base
// units in every format but the workbook, which shows display units.
package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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
	Indicators map[string]planwatch.Indicator
	Units      map[string]bool
	// DHIS2 is a partner's mapping of UIDs and value types.
	DHIS2 dhis2.Mapping
	// TrustStoredBy takes a DHIS2 value's By from storedBy (for trusted
	// system-to-system transfers); otherwise By is the importing user.
	TrustStoredBy bool
	// SDMXColumns renames a partner's SDMX-CSV columns (see sdmx.ReadOptions).
	SDMXColumns map[string]string
	// Current gives the current value of a key and vintage, for SDMX merges
	// and partial deletions; see sdmx.Options.
	Current func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool)
	// DryRun is copied to the change set.
	DryRun bool
}

// Conflict is one thing of a file that cannot be imported.
type Conflict struct {
	Row     int    `json:"row,omitempty"`     // 1-based line or sheet row
	Index   int    `json:"index,omitempty"`   // 0-based data value index (DHIS2 formats), -1 if none
	Element string `json:"element,omitempty"` // JSON element, or the column of a sheet or CSV
	Object  string `json:"object"`
	Value   string `json:"value"`
	Reason  string `json:"reason"`
}

func (c Conflict) String() string {
	where := c.Element
	if c.Row > 0 {
		where = fmt.Sprintf("dòng %d", c.Row)
		if c.Element != "" {
			where += fmt.Sprintf(", cột %q", c.Element)
		}
	}
	return fmt.Sprintf("%s: %s %q: %s", where, c.Object, c.Value, c.Reason)
}

// Read reads a file of the given format into a change set. A file that
// cannot be read at all is an error (EINVALID for bad input); otherwise it
// returns either the change set, or the conflicts and a nil change set.
func Read(f Format, r io.Reader, opts Options) (*planwatch.ChangeSet, []Conflict, error) {
	cs, conflicts, err := read(f, r, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(conflicts) > 0 {
		return nil, conflicts, nil
	}
	if cs == nil {
		return nil, nil, planwatch.Errorf(planwatch.EINTERNAL, "%s reader returned nothing", f)
	}
	cs.DryRun = opts.DryRun
	return cs, nil, nil
}

func read(f Format, r io.Reader, opts Options) (*planwatch.ChangeSet, []Conflict, error) {
	switch f {
	case DHIS2JSON, DHIS2CSV, DHIS2XML, ADX:
		readers := map[Format]func(io.Reader) (*dhis2.Set, error){DHIS2JSON: dhis2.ReadJSON, DHIS2CSV: dhis2.ReadCSV,
			DHIS2XML: dhis2.ReadXML, ADX: dhis2.ReadADX}
		set, err := readers[f](r)
		if err != nil {
			return nil, nil, err
		}
		cs, cc := dhis2.ToChangeSet(set, dhis2.Options{Ref: opts.Ref, By: opts.By, Now: opts.Now, Map: opts.DHIS2,
			TrustStoredBy: opts.TrustStoredBy, Indicators: opts.Indicators, Units: opts.Units})
		out := make([]Conflict, len(cc))
		for i, c := range cc {
			out[i] = Conflict{Row: c.Row, Index: c.Index, Element: c.Element, Object: c.Object, Value: c.Value, Reason: c.Reason}
		}
		return cs, out, nil
	case SDMXCSV:
		set, err := sdmx.ReadCSV(r, sdmx.ReadOptions{Columns: opts.SDMXColumns})
		if err != nil {
			return nil, nil, err
		}
		cs, cc := sdmx.ToChangeSet(set, sdmx.Options{Ref: opts.Ref, By: opts.By, Now: opts.Now,
			Indicators: opts.Indicators, Units: opts.Units, Current: opts.Current})
		out := make([]Conflict, len(cc))
		for i, c := range cc {
			out[i] = Conflict{Row: c.Row, Index: -1, Object: c.Object, Value: c.Value, Reason: c.Reason}
		}
		return cs, out, nil
	case XLSX:
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, nil, err
		}
		// A list of values (as Write exports) or else a data-entry workbook.
		if values, ps, err := sheet.ReadValuesXLSX(bytes.NewReader(b), opts.Ref); err == nil {
			if len(ps) > 0 {
				return nil, problems(ps), nil
			}
			cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref, Values: values}
			for i := range cs.Values {
				cs.Values[i].By, cs.Values[i].At = opts.By, opts.Now
			}
			return cs, checkCatalogue(cs, opts), nil
		}
		e, err := sheet.ReadEntryWorkbook(bytes.NewReader(b), sheet.EntryOptions{Ref: opts.Ref, By: opts.By, Now: opts.Now, Indicators: opts.Indicators})
		if err != nil {
			return nil, nil, err
		}
		var out []Conflict
		if opts.Units != nil && !opts.Units[e.Unit] {
			out = append(out, Conflict{Index: -1, Object: "unit", Value: e.Unit, Reason: "unknown administrative unit code"})
		}
		out = append(out, problems(e.Problems)...)
		return e.ChangeSet(opts.By, opts.Ref), out, nil
	case Native:
		cs, err := nativecsv.Read(r, opts.Ref)
		var pe *planwatch.Error
		if errors.As(err, &pe) && len(pe.Problems) > 0 {
			return nil, problems(pe.Problems), nil
		} else if err != nil {
			return nil, nil, err
		}
		if cs != nil {
			cs.By = opts.By
			for i := range cs.Values {
				cs.Values[i].By = opts.By
			}
		}
		return cs, checkCatalogue(cs, opts), nil
	}
	return nil, nil, planwatch.Errorf(planwatch.EINVALID, "unknown format %q", f)
}

// checkCatalogue checks the codes of a change set a reader did not check.
func checkCatalogue(cs *planwatch.ChangeSet, opts Options) []Conflict {
	var out []Conflict
	if cs == nil {
		return nil
	}
	for _, v := range cs.Values {
		if opts.Indicators != nil && opts.Indicators[v.Indicator].Code == "" {
			out = append(out, Conflict{Row: v.Source.Row, Index: -1, Object: "indicator", Value: v.Indicator, Reason: "unknown indicator code"})
		}
		if opts.Units != nil && !opts.Units[v.Unit] {
			out = append(out, Conflict{Row: v.Source.Row, Index: -1, Object: "orgunit", Value: v.Unit, Reason: "unknown administrative unit code"})
		}
	}
	return out
}

func problems(ps []planwatch.Problem) []Conflict {
	out := make([]Conflict, len(ps))
	for i, p := range ps {
		out[i] = Conflict{Row: p.Row, Index: -1, Element: p.Column, Object: first(p.Column, "row"), Value: p.Value, Reason: p.Reason}
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

// Import reads a file and applies it: the whole file or nothing. The
// summary says what happened; the error is for failures that are not the
// file's fault (EINTERNAL, storage errors). Bad files give an ERROR summary
// and a nil error.
func Import(ctx context.Context, store Applier, f Format, r io.Reader, opts Options) (Summary, error) {
	cs, conflicts, err := Read(f, r, opts)
	if err != nil {
		if planwatch.ErrorCode(err) == planwatch.EINVALID {
			return Summarize(planwatch.ApplyResult{}, nil, err, opts.DryRun), nil
		}
		return Summary{}, err
	}
	if len(conflicts) > 0 {
		return Summarize(planwatch.ApplyResult{}, conflicts, nil, opts.DryRun), nil
	}
	res, err := store.Apply(ctx, cs)
	if err != nil && planwatch.ErrorCode(err) != planwatch.EINVALID && planwatch.ErrorCode(err) != planwatch.ECONFLICT &&
		planwatch.ErrorCode(err) != planwatch.EFORBIDDEN {
		return Summary{}, err
	}
	return Summarize(res, nil, err, opts.DryRun), nil
}
