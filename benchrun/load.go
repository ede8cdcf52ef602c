// Package benchrun runs the national-scale analytics benchmark of issue 8
// (shared/bench/README.md) on planwatch itself: it imports the benchmark's
// CSV files as planwatch domain values (org units, indicators with their time
// and unit aggregation, annual plan targets, monthly values) into the durable
// column store (package colstore) of an embedded SQLite database, answers
// Q1–Q4 through the cube's analytics API, checks the checksums, and reports
// load rate, query medians, start-up time and peak memory. cmd/planwatch's
// "bench" command is a thin wrapper around Run.
package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/colstore"
)

// LoadStats says what a load did.
type LoadStats struct {
	Units, Indicators, Targets int
	Values                     int64
	Elapsed                    time.Duration // until everything is durable and visible
}

// Load imports the benchmark files of dir into db.
func Load(ctx context.Context, db *colstore.DB, dir string) (LoadStats, error) {
	var st LoadStats
	t0 := time.Now()
	units, err := readOrgUnits(filepath.Join(dir, "orgunits.csv"))
	if err != nil {
		return st, err
	}
	inds, err := readIndicators(filepath.Join(dir, "indicators.csv"))
	if err != nil {
		return st, err
	}
	if err := db.SaveCatalog(ctx, units, inds); err != nil {
		return st, err
	}
	ts, err := readTargets(filepath.Join(dir, "targets.csv"))
	if err != nil {
		return st, err
	}
	if err := db.SaveTargets(ctx, ts, "bench"); err != nil {
		return st, err
	}
	n, err := loadValues(ctx, db, filepath.Join(dir, "data.csv"))
	if err != nil {
		return st, err
	}
	st = LoadStats{Units: len(units), Indicators: len(inds), Targets: len(ts), Values: n, Elapsed: time.Since(t0)}
	return st, nil
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
// onto planwatch's; provinces have no parent in planwatch, the country is the
// implicit root.
func readOrgUnits(path string) ([]planwatch.OrgUnit, error) {
	var out []planwatch.OrgUnit
	err := readCSV(path, "code,parent,level,name", func(row int, f []string) error {
		if len(f) != 4 {
			return planwatch.Errorf(planwatch.EINVALID, "orgunits.csv dòng %d: expected 4 fields", row)
		}
		u := planwatch.OrgUnit{Code: f[0], Name: f[3], FullName: f[3], NameEN: f[3], ValidFrom: epoch}
		switch f[2] {
		case "1":
			u.Level, u.Type = planwatch.LevelCountry, "Quốc gia"
		case "2":
			u.Level, u.Type = planwatch.LevelProvince, "Tỉnh"
		case "3":
			u.Level, u.Type, u.Parent = planwatch.LevelCommune, "Xã", f[1]
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

// loadValues streams data.csv into one bulk import: every line becomes a
// planwatch.DataValue (monthly, period basis, official) handed to the import.
func loadValues(ctx context.Context, db *colstore.DB, path string) (int64, error) {
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
	im, err := db.NewImport("bench")
	if err != nil {
		return 0, err
	}
	defer im.Abort()
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
	var x float64
	v := planwatch.DataValue{Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: &x,
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
		if x, ok = parseDecimal(rest2[c3+1:]); !ok {
			return 0, bad("bad value")
		}
		if err := im.Add(&v); err != nil {
			return 0, fmt.Errorf("data.csv dòng %d: %w", row, err)
		}
		if row&0xfffff == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if err == io.EOF {
			break
		}
	}
	return im.Commit(ctx)
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
