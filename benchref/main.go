// Command benchref measures the reference engines of issue 8 — DuckDB,
// SQLite (modernc.org/sqlite) and PostgreSQL (pgx) — on the shared benchmark
// (shared/bench/README.md): load, Q1–Q4 medians of 5 runs, checksums. It is
// a separate module so that the planwatch binary does not depend on the
// engines; run it in the same session as `planwatch bench` and compare ratios.
//
//	cd benchref && go run . --data /tmp/bench/province --engines duckdb,sqlite,postgres
//
// PostgreSQL: --pg-start initialises and starts a throw-away server (as the
// postgres user, socket in a temporary directory) and stops it afterwards;
// or give --pg DSN.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// engine is one reference database.
type engine interface {
	name() string
	// load creates the schema and loads everything; it returns the db for queries.
	load(ctx context.Context, d *dataset) (*sql.DB, error)
	close()
}

type result struct {
	Engine         string  `json:"engine"`
	Scale          string  `json:"scale"`
	LoadValuesPerS float64 `json:"load_values_per_s"`
	Q1ms           float64 `json:"q1_ms"`
	Q2ms           float64 `json:"q2_ms"`
	Q3ms           float64 `json:"q3_ms"`
	Q4us           float64 `json:"q4_us"`
	Q1msMax        float64 `json:"q1_ms_max"`
	Q2msMax        float64 `json:"q2_ms_max"`
	Q3msMax        float64 `json:"q3_ms_max"`
	Q4usMax        float64 `json:"q4_us_max"`
	Checksums      string  `json:"checksums"`
}

func main() { os.Exit(run()) }

func run() int {
	data := flag.String("data", "", "benchmark data directory")
	engines := flag.String("engines", "duckdb,sqlite,postgres", "engines to run, comma separated")
	pgDSN := flag.String("pg", "", "PostgreSQL DSN (default: --pg-start)")
	pgStart := flag.Bool("pg-start", true, "start a throw-away PostgreSQL 15 server when --pg is empty")
	runs := flag.Int("runs", 5, "runs of each query")
	asJSON := flag.Bool("json", false, "one JSON object per engine")
	work := flag.String("work", "", "directory for the engines' files (default: temporary)")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "benchref: --data DIR required")
		return 2
	}
	ctx := context.Background()
	d, err := readDataset(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchref:", err)
		return 1
	}
	dir := *work
	if dir == "" {
		dir, err = os.MkdirTemp("", "benchref-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchref:", err)
			return 1
		}
		defer os.RemoveAll(dir)
	}
	failed := false
	for _, name := range strings.Split(*engines, ",") {
		var e engine
		switch strings.TrimSpace(name) {
		case "duckdb":
			e = &duck{path: filepath.Join(dir, "bench.duckdb")}
		case "sqlite":
			e = &lite{path: filepath.Join(dir, "bench.sqlite")}
		case "postgres":
			e = &pg{dsn: *pgDSN, start: *pgStart && *pgDSN == "", dir: dir}
		default:
			fmt.Fprintln(os.Stderr, "benchref: unknown engine", name)
			return 2
		}
		r, err := measure(ctx, e, d, *runs)
		e.close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchref: %s: %v\n", e.name(), err)
			failed = true
			continue
		}
		if *asJSON {
			b, _ := json.Marshal(r)
			fmt.Println(string(b))
		} else {
			fmt.Printf("%-9s %-8s load %5.2f M/s  Q1 %9.2f ms [%.2f]  Q2 %8.2f ms [%.2f]  Q3 %7.2f ms [%.2f]  Q4 %7.2f µs [%.2f]  %s\n",
				r.Engine, r.Scale, r.LoadValuesPerS/1e6, r.Q1ms, r.Q1msMax, r.Q2ms, r.Q2msMax, r.Q3ms, r.Q3msMax, r.Q4us, r.Q4usMax, r.Checksums)
		}
	}
	if failed {
		return 1
	}
	return 0
}

func measure(ctx context.Context, e engine, d *dataset, runs int) (result, error) {
	r := result{Engine: e.name(), Scale: d.exp.scale}
	// Starting a server is not part of the load.
	if p, ok := e.(interface{ prepare() error }); ok {
		if err := p.prepare(); err != nil {
			return r, err
		}
	}
	t0 := time.Now()
	db, err := e.load(ctx, d)
	if err != nil {
		return r, err
	}
	r.LoadValuesPerS = float64(d.nValues) / time.Since(t0).Seconds()
	var sums [4]string
	var qerr error
	timeQ := func(q func() ([]string, error), slot int) (med, worst float64) {
		ds := make([]float64, runs)
		for i := range ds {
			t := time.Now()
			lines, err := q()
			ds[i] = float64(time.Since(t).Nanoseconds()) / 1e6
			if err != nil {
				qerr = err
				return
			}
			if i == 0 {
				sums[slot] = checksum(lines)
			}
		}
		slices.Sort(ds)
		return ds[len(ds)/2], ds[len(ds)-1]
	}
	r.Q1ms, r.Q1msMax = timeQ(func() ([]string, error) { return rows(ctx, db, q1SQL, 6) }, 0)
	r.Q2ms, r.Q2msMax = timeQ(func() ([]string, error) { return rows(ctx, db, q2SQL, 5) }, 1)
	r.Q3ms, r.Q3msMax = timeQ(func() ([]string, error) { return rows(ctx, db, q3SQL, 2) }, 2)
	if qerr != nil {
		return r, qerr
	}
	st, err := db.PrepareContext(ctx, `SELECT value FROM datavalue WHERE indicator_id=? AND orgunit_id=? AND period=?`)
	if e.name() == "postgres" {
		st, err = db.PrepareContext(ctx, `SELECT value FROM datavalue WHERE indicator_id=$1 AND orgunit_id=$2 AND period=$3`)
	}
	if err != nil {
		return r, err
	}
	defer st.Close()
	keys := d.lookupKeys()
	var q4 float64
	med, worst := timeQ(func() ([]string, error) {
		q4 = 0
		for _, k := range keys {
			var v float64
			if err := st.QueryRowContext(ctx, k[0], k[1], k[2]).Scan(&v); err != nil {
				return nil, fmt.Errorf("Q4 %v: %w", k, err)
			}
			q4 += v
		}
		return nil, nil
	}, 3)
	if qerr != nil {
		return r, qerr
	}
	r.Q4us, r.Q4usMax = med*1000/lookups, worst*1000/lookups
	sums[3] = fmt.Sprintf("%.2f", q4)
	want := [4]string{d.exp.q1, d.exp.q2, d.exp.q3, d.exp.q4}
	var bad []string
	for i := range sums {
		if d.exp.scale != "" && sums[i] != want[i] {
			bad = append(bad, fmt.Sprintf("Q%d %s≠%s", i+1, sums[i], want[i]))
		}
	}
	switch {
	case d.exp.scale == "":
		r.Checksums = "unknown scale: " + strings.Join(sums[:], " ")
	case len(bad) == 0:
		r.Checksums = "checksums ok"
	default:
		r.Checksums = "MISMATCH " + strings.Join(bad, " ")
	}
	db.Close()
	return r, nil
}

// rows runs a query and renders every row as the README's checksum text:
// the first two columns as text (one for Q3), then numbers.
func rows(ctx context.Context, db *sql.DB, q string, ncol int) ([]string, error) {
	rs, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	keys := 2
	if ncol == 2 {
		keys = 1
	}
	dst := make([]any, ncol)
	strs := make([]sql.NullString, keys)
	nums := make([]sql.NullFloat64, ncol-keys)
	for i := range strs {
		dst[i] = &strs[i]
	}
	for i := range nums {
		dst[keys+i] = &nums[i]
	}
	var b []byte
	for rs.Next() {
		if err := rs.Scan(dst...); err != nil {
			return nil, err
		}
		b = b[:0]
		for i, s := range strs {
			if i > 0 {
				b = append(b, '\t')
			}
			b = append(b, s.String...)
		}
		for _, n := range nums {
			b = append(b, '\t')
			if !n.Valid || math.IsNaN(n.Float64) {
				b = append(b, "NULL"...)
				continue
			}
			k := len(b)
			b = strconv.AppendFloat(b, n.Float64*(1+1e-11), 'f', 2, 64)
			if string(b[k:]) == "-0.00" {
				b = append(b[:k], "0.00"...)
			}
		}
		out = append(out, string(b))
	}
	return out, rs.Err()
}

func checksum(lines []string) string {
	s := append([]string(nil), lines...)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n") + "\n"))
	return hex.EncodeToString(h[:])[:16]
}

const lookups = 10000

// Q1–Q3 in SQL, written for Q1 2025 (YTD = 202501..202503); Q3 casts the
// period to text so that every engine scans it as the key.
const q1SQL = `
WITH agg AS (
  SELECT o.parent_id AS prov, d.indicator_id AS ind,
    SUM(CASE WHEN d.period BETWEEN 202501 AND 202503 THEN d.value END) AS c_sum,
    COUNT(CASE WHEN d.period BETWEEN 202501 AND 202503 THEN 1 END) AS c_n,
    SUM(CASE WHEN d.period = 202503 THEN d.value END) AS c_last,
    SUM(CASE WHEN d.period BETWEEN 202401 AND 202403 THEN d.value END) AS p_sum,
    COUNT(CASE WHEN d.period BETWEEN 202401 AND 202403 THEN 1 END) AS p_n,
    SUM(CASE WHEN d.period = 202403 THEN d.value END) AS p_last
  FROM datavalue d JOIN orgunit o ON o.id = d.orgunit_id
  WHERE d.period BETWEEN 202401 AND 202403 OR d.period BETWEEN 202501 AND 202503
  GROUP BY o.parent_id, d.indicator_id
), r AS (
  SELECT agg.prov, agg.ind,
    CASE i.agg WHEN 'sum' THEN c_sum WHEN 'avg' THEN c_sum / NULLIF(c_n, 0) ELSE c_last END AS cur,
    CASE i.agg WHEN 'sum' THEN p_sum WHEN 'avg' THEN p_sum / NULLIF(p_n, 0) ELSE p_last END AS prev
  FROM agg JOIN indicator i ON i.id = agg.ind
)
SELECT p.code, i.code, r.cur, r.prev,
  CASE WHEN r.prev IS NULL OR r.prev = 0 THEN NULL ELSE (r.cur / r.prev - 1) * 100 END,
  CASE WHEN t.target IS NULL OR t.target = 0 THEN NULL ELSE r.cur / t.target * 100 END
FROM r JOIN orgunit p ON p.id = r.prov JOIN indicator i ON i.id = r.ind
LEFT JOIN target t ON t.indicator_id = r.ind AND t.orgunit_id = r.prov AND t.year = 2025
ORDER BY p.code, i.code`

const q2SQL = `
WITH agg AS (
  SELECT d.orgunit_id AS ou, d.indicator_id AS ind,
    SUM(CASE WHEN d.period BETWEEN 202501 AND 202503 THEN d.value END) AS c_sum,
    COUNT(CASE WHEN d.period BETWEEN 202501 AND 202503 THEN 1 END) AS c_n,
    SUM(CASE WHEN d.period = 202503 THEN d.value END) AS c_last,
    SUM(CASE WHEN d.period BETWEEN 202401 AND 202403 THEN d.value END) AS p_sum,
    COUNT(CASE WHEN d.period BETWEEN 202401 AND 202403 THEN 1 END) AS p_n,
    SUM(CASE WHEN d.period = 202403 THEN d.value END) AS p_last
  FROM datavalue d JOIN orgunit o ON o.id = d.orgunit_id
  WHERE o.parent_id = (SELECT id FROM orgunit WHERE code = 'P01')
    AND (d.period BETWEEN 202401 AND 202403 OR d.period BETWEEN 202501 AND 202503)
  GROUP BY d.orgunit_id, d.indicator_id
), r AS (
  SELECT agg.ou, agg.ind,
    CASE i.agg WHEN 'sum' THEN c_sum WHEN 'avg' THEN c_sum / NULLIF(c_n, 0) ELSE c_last END AS cur,
    CASE i.agg WHEN 'sum' THEN p_sum WHEN 'avg' THEN p_sum / NULLIF(p_n, 0) ELSE p_last END AS prev
  FROM agg JOIN indicator i ON i.id = agg.ind
)
SELECT c.code, i.code, r.cur, r.prev,
  CASE WHEN r.prev IS NULL OR r.prev = 0 THEN NULL ELSE (r.cur / r.prev - 1) * 100 END
FROM r JOIN orgunit c ON c.id = r.ou JOIN indicator i ON i.id = r.ind
ORDER BY c.code, i.code`

const q3SQL = `
SELECT CAST(period AS TEXT), SUM(value) FROM datavalue
WHERE indicator_id = (SELECT id FROM indicator WHERE code = 'I001')
GROUP BY period ORDER BY period`

// dataset is the benchmark files, with dense ids (1-based, file order).
type dataset struct {
	dir      string
	units    [][4]string // code, parent, level, name
	unitID   map[string]int
	inds     [][2]string // code, aggregation
	indID    map[string]int
	targets  [][4]string
	nValues  int64
	communes []int
	months   []int
	exp      expected
}

type expected struct{ scale, q1, q2, q3, q4 string }

var expectations = map[int]expected{
	9:    {"sample", "74c9753c4830e7e8", "66bd540e2abaf243", "aa101a0ba7bc2d44", "3174091.58"},
	202:  {"province", "b79d2bfb666c474e", "0a3fe15d0b8727ac", "b26abb0ccfcb31c4", "4421292.52"},
	3356: {"national", "12a470e88aae9d6e", "c91476de8a27553a", "6be5b1d31745a4a5", "4442728.31"},
}

func csvLines(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		out = append(out, strings.Split(strings.TrimSpace(l), ","))
	}
	return out, nil
}

func readDataset(dir string) (*dataset, error) {
	d := &dataset{dir: dir, unitID: map[string]int{}, indID: map[string]int{}}
	us, err := csvLines(filepath.Join(dir, "orgunits.csv"))
	if err != nil {
		return nil, err
	}
	for i, u := range us {
		d.units = append(d.units, [4]string{u[0], u[1], u[2], u[3]})
		d.unitID[u[0]] = i + 1
		if u[2] == "3" {
			d.communes = append(d.communes, i+1)
		}
	}
	is, err := csvLines(filepath.Join(dir, "indicators.csv"))
	if err != nil {
		return nil, err
	}
	for i, x := range is {
		d.inds = append(d.inds, [2]string{x[0], x[1]})
		d.indID[x[0]] = i + 1
	}
	ts, err := csvLines(filepath.Join(dir, "targets.csv"))
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		d.targets = append(d.targets, [4]string{t[0], t[1], t[2], t[3]})
	}
	// Months and count from the dense layout: every commune × indicator × month.
	f, err := os.Open(filepath.Join(dir, "data.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, _ := f.Stat()
	// First and last periods: the file is in period order.
	r := bufio.NewReader(f)
	r.ReadString('\n')
	first, _ := r.ReadString('\n')
	tail := make([]byte, 256)
	n, _ := f.ReadAt(tail, st.Size()-int64(len(tail)))
	ls := strings.Split(strings.TrimSpace(string(tail[:n])), "\n")
	p0, _ := strconv.Atoi(strings.Split(first, ",")[2])
	p1, _ := strconv.Atoi(strings.Split(ls[len(ls)-1], ",")[2])
	for p := p0; p <= p1; {
		d.months = append(d.months, p)
		if p%100 == 12 {
			p += 89
		} else {
			p++
		}
	}
	d.nValues = int64(len(d.communes) * len(d.inds) * len(d.months))
	d.exp = expectations[len(d.units)]
	return d, nil
}

// lookupKeys draws the Q4 keys: PCG(42, 4242), indicator, commune, month.
func (d *dataset) lookupKeys() [][3]int {
	r := rand.New(rand.NewPCG(42, 4242))
	k := make([][3]int, lookups)
	for i := range k {
		k[i] = [3]int{1 + r.IntN(len(d.inds)), d.communes[r.IntN(len(d.communes))], d.months[r.IntN(len(d.months))]}
	}
	return k
}

// eachValue streams data.csv as ids.
func (d *dataset) eachValue(f func(ind, ou, period int, value float64) error) error {
	fh, err := os.Open(filepath.Join(d.dir, "data.csv"))
	if err != nil {
		return err
	}
	defer fh.Close()
	r := bufio.NewReaderSize(fh, 4<<20)
	r.ReadSlice('\n')
	for {
		line, err := r.ReadSlice('\n')
		if len(line) == 0 {
			break
		}
		s := strings.Split(strings.TrimSpace(string(line)), ",")
		p, _ := strconv.Atoi(s[2])
		v, perr := strconv.ParseFloat(s[3], 64)
		if perr != nil {
			return perr
		}
		if e := f(d.indID[s[0]], d.unitID[s[1]], p, v); e != nil {
			return e
		}
		if err != nil {
			break
		}
	}
	return nil
}

func (d *dataset) parentID(i int) any {
	if p := d.units[i][1]; p != "" {
		return d.unitID[p]
	}
	return nil
}
