// Package benchrun runs planwatch's benchmarks. Run answers the analytics
// workload of issue 8 (shared/bench/README.md, queries Q1–Q4) on the index
// every page and command answers from (package calc): it stores the
// benchmark's catalogue (org units, indicators with their time and unit
// aggregation) and annual plan targets in an embedded SQLite database, puts
// the monthly values into the index — straight in, then written to the
// index's snapshot, or through the store's streaming write as `planwatch
// import` does, the index following the store's change feed — answers
// Q1–Q4 with calc's Value, Series and Reported, checks the checksums, and
// reports load rate, query times, start-up from the snapshot and peak
// memory. RunProduct measures the product as users run it (issue 12): the
// planwatch binary importing the files of shared/bench/product, status and
// report as whole processes, and serve under concurrent clients.
// cmd/planwatch's "bench" command is a thin wrapper around both.
package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/sqlite"
)

// How Load puts the values in.
const (
	// LoadIndex puts the values straight into the index and writes its
	// snapshot (fsynced): the index's own bulk path. The store holds the
	// catalogue and targets only.
	LoadIndex = "index"
	// LoadStore writes the values through the store's streaming write
	// (Store.ApplyStream: validation, revisions, audit, one change set, all
	// or nothing); the index then reads them from the store's change feed,
	// as `planwatch import` followed by `planwatch status` does.
	LoadStore = "store"
)

// LoadStats says what a load did.
type LoadStats struct {
	Units, Indicators, Targets int
	Values                     int64
	Elapsed                    time.Duration // until everything is durable and in the index
}

// Loaded is the benchmark data as planwatch holds it: the store and the
// analytics index that follows it, with the benchmark's units in order.
type Loaded struct {
	Store *sqlite.DB
	Live  *calc.Live
	Path  string // the database; the index snapshot is calc.SnapshotPath(Path)

	Country    string
	Provinces  []string // by code
	Communes   []string // by code (the files' id order)
	Indicators []string // by code
	members    map[string][]string
}

// Dataset is the index.
func (l *Loaded) Dataset() *calc.Dataset { return l.Live.Dataset() }

// Close closes the store.
func (l *Loaded) Close() error { return l.Store.Close() }

// Load stores the benchmark files of dir in a new database at path and
// opens the index on it; mode is LoadIndex or LoadStore.
func Load(ctx context.Context, dir, path, mode string) (*Loaded, LoadStats, error) {
	var st LoadStats
	t0 := time.Now()
	units, err := readOrgUnits(filepath.Join(dir, "orgunits.csv"))
	if err != nil {
		return nil, st, err
	}
	inds, err := readIndicators(filepath.Join(dir, "indicators.csv"))
	if err != nil {
		return nil, st, err
	}
	ts, err := readTargets(filepath.Join(dir, "targets.csv"))
	if err != nil {
		return nil, st, err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, st, err
	}
	fail := func(err error) (*Loaded, LoadStats, error) {
		db.Close()
		return nil, st, err
	}
	if err := db.SaveIndicators(ctx, inds, "bench"); err != nil {
		return fail(err)
	}
	if err := db.SaveOrgUnits(ctx, units, nil, "bench"); err != nil {
		return fail(err)
	}
	if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "bench", Targets: ts}); err != nil {
		return fail(err)
	}
	values := filepath.Join(dir, "data.csv")
	var live *calc.Live
	var n int64
	switch mode {
	case LoadIndex:
		if live, err = calc.Open(ctx, db, false); err != nil {
			return fail(err)
		}
		ds := live.Dataset()
		if n, err = scanValues(ctx, values, 1<<16, func(batch []planwatch.DataValue) error {
			ds.Apply(batch)
			return nil
		}); err != nil {
			return fail(err)
		}
		if err := live.SaveSnapshot(calc.SnapshotPath(path)); err != nil {
			return fail(err)
		}
	case LoadStore:
		// One change set for the whole file, streamed, all or nothing, as
		// `planwatch import` does.
		stop := errors.New("stopped")
		stream := func(yield func(planwatch.DataValue, error) bool) {
			var err error
			n, err = scanValues(ctx, values, 1<<16, func(batch []planwatch.DataValue) error {
				for _, v := range batch {
					if !yield(v, nil) {
						return stop
					}
				}
				return nil
			})
			if err != nil && !errors.Is(err, stop) {
				yield(planwatch.DataValue{}, err)
			}
		}
		if _, err := db.ApplyStream(ctx, &planwatch.ChangeSet{By: "bench", From: "data.csv"}, stream); err != nil {
			return fail(err)
		}
		if live, err = calc.OpenSnapshot(ctx, db, false, calc.SnapshotPath(path)); err != nil {
			return fail(err)
		}
	default:
		return fail(fmt.Errorf("bench: --load %q: index | store", mode))
	}
	st = LoadStats{Units: len(units), Indicators: len(inds), Targets: len(ts), Values: n, Elapsed: time.Since(t0)}
	return newLoaded(db, live, path), st, nil
}

// Reopen opens a database written by Load as a start-up does: the store,
// then the index from its snapshot and the changes after it.
func Reopen(ctx context.Context, path string) (*Loaded, error) {
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	live, err := calc.OpenSnapshot(ctx, db, false, calc.SnapshotPath(path))
	if err != nil {
		db.Close()
		return nil, err
	}
	return newLoaded(db, live, path), nil
}

func newLoaded(db *sqlite.DB, live *calc.Live, path string) *Loaded {
	l := &Loaded{Store: db, Live: live, Path: path, members: map[string][]string{}}
	ds := live.Dataset()
	for _, code := range ds.Units().Codes() {
		u, _ := ds.Units().Latest(code)
		switch u.Level {
		case planwatch.LevelCountry:
			l.Country = code
		case planwatch.LevelProvince:
			l.Provinces = append(l.Provinces, code)
		case planwatch.LevelCommune:
			l.Communes = append(l.Communes, code)
			l.members[u.Parent] = append(l.members[u.Parent], code)
		}
	}
	for code := range ds.Indicators() {
		l.Indicators = append(l.Indicators, code)
	}
	sort.Strings(l.Provinces)
	sort.Strings(l.Communes)
	sort.Strings(l.Indicators)
	for _, m := range l.members {
		sort.Strings(m)
	}
	return l
}

// readCSV calls f with the fields of every line after the header.
func readCSV(path string, header string, f func(row int, fields []string) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != header {
		return planwatch.Errorf(planwatch.EINVALID, "%s: expected header %q", filepath.Base(path), header)
	}
	for i, l := range lines[1:] {
		if err := f(i+2, strings.Split(strings.TrimRight(l, "\r"), ",")); err != nil {
			return err
		}
	}
	return nil
}

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// readOrgUnits maps the benchmark's levels (1 country, 2 province, 3 commune)
// onto planwatch's (country 0, province 1, commune 3), parents as in the file.
func readOrgUnits(path string) ([]planwatch.OrgUnit, error) {
	var out []planwatch.OrgUnit
	err := readCSV(path, "code,parent,level,name", func(row int, f []string) error {
		if len(f) != 4 {
			return planwatch.Errorf(planwatch.EINVALID, "orgunits.csv dòng %d: expected 4 fields", row)
		}
		u := planwatch.OrgUnit{Code: f[0], Name: f[3], FullName: f[3], NameEN: f[3], Parent: f[1], ValidFrom: epoch}
		switch f[2] {
		case "1":
			u.Level, u.Type = planwatch.LevelCountry, "Quốc gia"
		case "2":
			u.Level, u.Type = planwatch.LevelProvince, "Tỉnh"
		case "3":
			u.Level, u.Type = planwatch.LevelCommune, "Xã"
		default:
			return planwatch.Errorf(planwatch.EINVALID, "orgunits.csv dòng %d: level %q", row, f[2])
		}
		out = append(out, u)
		return nil
	})
	return out, err
}

// readIndicators maps the benchmark's aggregation onto planwatch's rules:
// sum = a flow (TimeSum, UnitSum), avg = a rate (TimeAvg, UnitAvg: the mean
// of unit-months), last = a stock (TimeLast, UnitSum).
func readIndicators(path string) ([]planwatch.Indicator, error) {
	var out []planwatch.Indicator
	err := readCSV(path, "code,aggregation", func(row int, f []string) error {
		if len(f) != 2 {
			return planwatch.Errorf(planwatch.EINVALID, "indicators.csv dòng %d: expected 2 fields", row)
		}
		ind := planwatch.Indicator{Code: f[0], NameVI: "Chỉ tiêu " + f[0], NameEN: "Indicator " + f[0],
			Sector: "benchmark", Direction: planwatch.HigherIsBetter, Periodicity: "month"}
		switch f[1] {
		case "sum":
			ind.Kind, ind.TimeAgg, ind.UnitAgg = planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum
		case "avg":
			ind.Kind, ind.TimeAgg, ind.UnitAgg, ind.Decimals = planwatch.KindRate, planwatch.TimeAvg, planwatch.UnitAvg, 2
		case "last":
			ind.Kind, ind.TimeAgg, ind.UnitAgg = planwatch.KindStock, planwatch.TimeLast, planwatch.UnitSum
		default:
			return planwatch.Errorf(planwatch.EINVALID, "indicators.csv dòng %d: aggregation %q", row, f[1])
		}
		out = append(out, ind)
		return nil
	})
	return out, err
}

func readTargets(path string) ([]planwatch.Target, error) {
	var out []planwatch.Target
	err := readCSV(path, "indicator,orgunit,year,target", func(row int, f []string) error {
		if len(f) != 4 {
			return planwatch.Errorf(planwatch.EINVALID, "targets.csv dòng %d: expected 4 fields", row)
		}
		y, err1 := strconv.Atoi(f[2])
		v, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil {
			return planwatch.Errorf(planwatch.EINVALID, "targets.csv dòng %d: bad year or target", row)
		}
		out = append(out, planwatch.Target{Indicator: f[0], Unit: f[1], Year: y, Kind: planwatch.TargetPlan,
			Value: v, Version: 1, Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "targets.csv", Row: row}})
		return nil
	})
	return out, err
}

// scanValues reads data.csv: every line becomes a planwatch.DataValue
// (monthly, period basis, official), handed to emit in batches of up to n.
// The batch slice is reused after the call; the numbers it points to are not.
func scanValues(ctx context.Context, path string, n int, emit func([]planwatch.DataValue) error) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 4<<20)
	head, err := r.ReadSlice('\n')
	if err != nil || string(bytes.TrimSpace(head)) != "indicator,orgunit,period,value" {
		return 0, planwatch.Errorf(planwatch.EINVALID, "data.csv: expected header indicator,orgunit,period,value")
	}
	batch := make([]planwatch.DataValue, 0, n)
	xs := make([]float64, n)
	var total int64
	flush := func() error {
		total += int64(len(batch))
		err := emit(batch)
		batch = batch[:0]
		xs = make([]float64, n) // the values may be kept by emit
		return err
	}
	// Interned codes, so that a line allocates nothing. Lines of a monthly
	// batch repeat the same sequence of units: try the next one first.
	codes := map[string]int{}
	var seq []string
	next := 0
	intern := func(b []byte) string {
		if next < len(seq) && seq[next] == string(b) {
			next++
			return seq[next-1]
		}
		i, ok := codes[string(b)]
		if !ok {
			i = len(seq)
			seq = append(seq, string(b))
			codes[seq[i]] = i
		}
		next = i + 1
		return seq[i]
	}
	v := planwatch.DataValue{Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, By: "bench",
		Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "data.csv"}}
	var lastInd []byte
	for row := 2; ; row++ {
		line, err := r.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
		bad := func(what string) error {
			return planwatch.Errorf(planwatch.EINVALID, "data.csv dòng %d: %s", row, what)
		}
		line = bytes.TrimRight(line, "\r\n")
		c1 := bytes.IndexByte(line, ',')
		if c1 < 0 {
			return 0, bad("expected 4 fields")
		}
		rest := line[c1+1:]
		c2 := bytes.IndexByte(rest, ',')
		if c2 < 0 {
			return 0, bad("expected 4 fields")
		}
		rest2 := rest[c2+1:]
		c3 := bytes.IndexByte(rest2, ',')
		if c3 < 0 {
			return 0, bad("expected 4 fields")
		}
		if !bytes.Equal(line[:c1], lastInd) {
			v.Indicator = string(line[:c1])
			lastInd = append(lastInd[:0], line[:c1]...)
		}
		v.Unit = intern(rest[:c2])
		p, ok := atoi(rest2[:c3])
		if !ok || p%100 < 1 || p%100 > 12 {
			return 0, bad("period must be YYYYMM")
		}
		v.Period = planwatch.MonthOf(p/100, p%100)
		x := &xs[len(batch)]
		if *x, ok = parseDecimal(rest2[c3+1:]); !ok {
			return 0, bad("bad value")
		}
		v.Value = x
		batch = append(batch, v)
		if len(batch) == n {
			if err := flush(); err != nil {
				return 0, fmt.Errorf("data.csv dòng %d: %w", row, err)
			}
		}
		if row&0xfffff == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if err == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return 0, fmt.Errorf("data.csv: %w", err)
	}
	return total, nil
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseDecimal reads a plain decimal number. With at most 15 significant
// digits the mantissa and the power of ten are exact float64s, so one
// division gives the correctly rounded value, as strconv.ParseFloat does;
// anything else goes to strconv.
func parseDecimal(b []byte) (float64, bool) {
	neg := false
	s := b
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	var m int64
	digits, frac := 0, -1
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			digits++
		case c == '.' && frac < 0:
			frac = i
		default:
			f, err := strconv.ParseFloat(string(b), 64)
			return f, err == nil
		}
	}
	if digits == 0 || digits > 15 {
		f, err := strconv.ParseFloat(string(b), 64)
		return f, err == nil
	}
	x := float64(m)
	if frac >= 0 {
		x /= pow10[len(s)-frac-1]
	}
	if neg {
		x = -x
	}
	return x, true
}
