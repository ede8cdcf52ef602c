// Package cube is planwatch's in-memory columnar index of monthly values,
// keyed by (indicator, org unit, month) with dense int32 ids, built for the
// national-scale analytics of issue 8: quarter reports per province, commune
// drill-downs, national monthly series and single-value lookups.
//
// Layout. Values live in one []float64 in month-major order
// [month][indicator][unit] (NaN = no value), which is the order in which
// monthly batches arrive, so that a bulk segment is copied straight into place
// and a new month is an append. Beside it the cube keeps pre-aggregated
// partials per (group, indicator, month) where a group is a province (the
// leaf units below it) or the country (all provinces): the sum of the values
// and their count. Every supported rule is answered from these partials:
//
//	sum  (TimeSum, UnitSum)  Σ partial sums over the months
//	avg  (TimeAvg, UnitAvg)  Σ sums / Σ counts (a mean of unit-months, not of means)
//	last (TimeLast, UnitSum) the partial sum of the last month
//
// so a quarter report reads 3 partials per row instead of scanning the
// communes, a national series reads 1 partial per month, a lookup reads one
// array cell.
//
// Maintenance. A write of one value recomputes the partial of its province
// (a pass over that province's units for one indicator and month) and then the
// country's partial from the province partials, always in the same order, so a
// cube updated incrementally answers bit for bit like one rebuilt from scratch.
//
// The cube holds no I/O: package colstore makes it durable and rebuilds it at
// start-up. A Cube is safe for concurrent use: queries share a read lock,
// writes take the write lock, so a write is visible to the next query.
package cube

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"planwatch"
)

// Null is the value of an aggregate over no data (SQL NULL); test with IsNull.
var Null = math.NaN()

// IsNull reports whether x is Null.
func IsNull(x float64) bool { return x != x }

// Month converts YYYYMM to a month ordinal (year·12 + month − 1).
func Month(yyyymm int) int { return yyyymm/100*12 + yyyymm%100 - 1 }

// YYYYMM converts a month ordinal back.
func YYYYMM(ord int) int { return ord/12*100 + ord%12 + 1 }

// Catalog gives the dimensions of a cube: indicators and units in id order
// (their position is their dense id).
type Catalog struct {
	Indicators []planwatch.Indicator
	Units      []planwatch.OrgUnit
}

// Cube is the index. Build one with New, then Load values and call Refresh,
// or Set values one at a time.
type Cube struct {
	mu sync.RWMutex

	inds    []planwatch.Indicator
	indID   map[string]int32
	units   []planwatch.OrgUnit
	unitID  map[string]int32
	nInd    int
	nUnit   int
	country int32 // unit id of the country, -1 if none

	// groups: provinces in code order, then the country (last).
	groups        []int32   // unit id of each group
	groupOf       []int32   // unit id → province group index, -1 if not under a province
	members       [][]int32 // province group → leaf units, ascending id (summing order)
	membersByCode [][]int32 // the same, by code (drill-down order)
	provGroups    int       // number of province groups

	first, nMonths int       // month ordinal of month index 0, and count
	vals           []float64 // [month][ind][unit]
	psum           []float64 // [group][ind][month]
	pcnt           []int32   // [group][ind][month]

	// targets of groups: [group][ind][year-firstYear], NaN if none
	firstYear, nYears int
	tgt               []float64
	otherTargets      map[targetKey]float64
}

type targetKey struct {
	ind, unit int32
	year      int
}

// New makes an empty cube over the catalog for the months [fromYYYYMM, toYYYYMM]
// (0, 0: no months; see Grow).
// Provinces are the units of level LevelProvince; a value counts towards the
// partials of the province its unit lies under, and those of the country.
func New(cat Catalog, fromYYYYMM, toYYYYMM int) (*Cube, error) {
	c := &Cube{
		inds: cat.Indicators, units: cat.Units,
		indID:  make(map[string]int32, len(cat.Indicators)),
		unitID: make(map[string]int32, len(cat.Units)),
		nInd:   len(cat.Indicators), nUnit: len(cat.Units),
		country: -1,
	}
	for i, ind := range cat.Indicators {
		if _, dup := c.indID[ind.Code]; dup {
			return nil, planwatch.Errorf(planwatch.EINVALID, "cube: duplicate indicator %s", ind.Code)
		}
		c.indID[ind.Code] = int32(i)
	}
	for i, u := range cat.Units {
		if _, dup := c.unitID[u.Code]; dup {
			return nil, planwatch.Errorf(planwatch.EINVALID, "cube: duplicate unit %s", u.Code)
		}
		c.unitID[u.Code] = int32(i)
		if u.Level == planwatch.LevelCountry && c.country < 0 {
			c.country = int32(i)
		}
	}
	// Province groups in code order.
	var provs []int32
	for i, u := range cat.Units {
		if u.Level == planwatch.LevelProvince {
			provs = append(provs, int32(i))
		}
	}
	sort.Slice(provs, func(a, b int) bool { return cat.Units[provs[a]].Code < cat.Units[provs[b]].Code })
	provIdx := map[string]int32{}
	for g, u := range provs {
		provIdx[cat.Units[u].Code] = int32(g)
	}
	c.groups = append(provs, c.country)
	c.provGroups = len(provs)
	c.members = make([][]int32, len(provs))
	c.groupOf = make([]int32, c.nUnit)
	for i, u := range cat.Units {
		c.groupOf[i] = -1
		if u.Level <= planwatch.LevelProvince {
			continue
		}
		// Walk up to the province (communes hang under provinces, or under a district).
		p := u.Parent
		for range 4 {
			if g, ok := provIdx[p]; ok {
				c.groupOf[i] = g
				c.members[g] = append(c.members[g], int32(i))
				break
			}
			pid, ok := c.unitID[p]
			if !ok {
				break
			}
			p = cat.Units[pid].Parent
		}
	}
	c.membersByCode = make([][]int32, len(provs))
	for g, mem := range c.members {
		c.membersByCode[g] = append([]int32(nil), mem...)
		sort.Slice(c.membersByCode[g], func(a, b int) bool {
			return cat.Units[c.membersByCode[g][a]].Code < cat.Units[c.membersByCode[g][b]].Code
		})
	}
	if err := c.setMonths(fromYYYYMM, toYYYYMM); err != nil {
		return nil, err
	}
	c.otherTargets = map[targetKey]float64{}
	return c, nil
}

func (c *Cube) setMonths(from, to int) error {
	if from == 0 && to == 0 { // empty
		c.first, c.nMonths = 0, 0
		c.psum, c.pcnt, c.vals = nil, nil, nil
		return nil
	}
	if from%100 < 1 || from%100 > 12 || to%100 < 1 || to%100 > 12 || to < from {
		return planwatch.Errorf(planwatch.EINVALID, "cube: bad month range %d..%d", from, to)
	}
	c.first = Month(from)
	c.nMonths = Month(to) - c.first + 1
	vals, free := allocValues(c.nMonths * c.nInd * c.nUnit)
	if free != nil {
		// Readers may still hold a cube that was replaced: free its memory
		// only once it is unreachable.
		runtime.AddCleanup(c, func(f func()) { f() }, free)
	}
	c.vals = vals
	fillNaN(c.vals)
	c.psum = make([]float64, len(c.groups)*c.nInd*c.nMonths)
	c.pcnt = make([]int32, len(c.psum))
	return nil
}

func fillNaN(s []float64) {
	if len(s) == 0 {
		return
	}
	s[0] = math.NaN()
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// Indicators returns the catalogue of indicators in id order.
func (c *Cube) Indicators() []planwatch.Indicator { return c.inds }

// Units returns the units in id order.
func (c *Cube) Units() []planwatch.OrgUnit { return c.units }

// IndicatorID returns the dense id of an indicator code.
func (c *Cube) IndicatorID(code string) (int32, bool) { id, ok := c.indID[code]; return id, ok }

// UnitID returns the dense id of a unit code.
func (c *Cube) UnitID(code string) (int32, bool) { id, ok := c.unitID[code]; return id, ok }

// MonthRange returns the first and last month (YYYYMM) the cube can hold
// (0, 0 when it holds none).
func (c *Cube) MonthRange() (from, to int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.nMonths == 0 {
		return 0, 0
	}
	return YYYYMM(c.first), YYYYMM(c.first + c.nMonths - 1)
}

// Row returns the slice of values of one (month, indicator) over all unit ids,
// for bulk loading (package colstore reads segments straight into it). The
// caller must hold no lock and must call Refresh when done loading.
func (c *Cube) Row(yyyymm int, ind int32) ([]float64, error) {
	m := Month(yyyymm) - c.first
	if m < 0 || m >= c.nMonths || ind < 0 || int(ind) >= c.nInd {
		return nil, planwatch.Errorf(planwatch.EINVALID, "cube: month %d or indicator %d out of range", yyyymm, ind)
	}
	off := (m*c.nInd + int(ind)) * c.nUnit
	return c.vals[off : off+c.nUnit], nil
}

// Lock and Unlock bracket a bulk load into rows (see Row) against concurrent queries.
func (c *Cube) Lock()   { c.mu.Lock() }
func (c *Cube) Unlock() { c.mu.Unlock() }

// Refresh recomputes every partial from the values. Call it with the lock
// held by Lock after loading rows.
func (c *Cube) Refresh() {
	for m := 0; m < c.nMonths; m++ {
		for i := 0; i < c.nInd; i++ {
			c.refreshCell(m, i)
		}
	}
}

// refreshCell recomputes the partials of every group for one (month, indicator).
func (c *Cube) refreshCell(m, i int) {
	row := c.vals[(m*c.nInd+i)*c.nUnit:][:c.nUnit]
	var ts float64
	var tc int32
	for g, mem := range c.members {
		s, n := sumRow(row, mem)
		k := (g*c.nInd+i)*c.nMonths + m
		c.psum[k], c.pcnt[k] = s, n
		ts += s
		tc += n
	}
	k := (c.provGroups*c.nInd+i)*c.nMonths + m
	c.psum[k], c.pcnt[k] = ts, tc
}

// refreshGroup recomputes one province's partial and the country's.
func (c *Cube) refreshGroup(m, i int, g int32) {
	row := c.vals[(m*c.nInd+i)*c.nUnit:][:c.nUnit]
	s, n := sumRow(row, c.members[g])
	k := (int(g)*c.nInd+i)*c.nMonths + m
	c.psum[k], c.pcnt[k] = s, n
	var ts float64
	var tc int32
	for g := range c.members {
		k := (g*c.nInd+i)*c.nMonths + m
		ts += c.psum[k]
		tc += c.pcnt[k]
	}
	k = (c.provGroups*c.nInd+i)*c.nMonths + m
	c.psum[k], c.pcnt[k] = ts, tc
}

func sumRow(row []float64, mem []int32) (float64, int32) {
	var s float64
	var n int32
	// Members are usually a contiguous run of ids: sum the slice directly.
	if len(mem) > 0 && int(mem[len(mem)-1]-mem[0]) == len(mem)-1 {
		for _, v := range row[mem[0] : mem[0]+int32(len(mem))] {
			if v == v {
				s += v
				n++
			}
		}
		return s, n
	}
	for _, u := range mem {
		if v := row[u]; v == v {
			s += v
			n++
		}
	}
	return s, n
}

// SetTarget records the annual target of an indicator for a unit (the current
// version: the caller resolves versions).
func (c *Cube) SetTarget(ind, unit string, year int, value float64) error {
	i, ok1 := c.indID[ind]
	u, ok2 := c.unitID[unit]
	if !ok1 || !ok2 {
		return planwatch.Errorf(planwatch.ENOTFOUND, "cube: target %s/%s: unknown indicator or unit", ind, unit)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setTarget(i, u, year, value)
	return nil
}

// SetTargets records many targets at once (see SetTarget); unknown codes are skipped.
func (c *Cube) SetTargets(ts []planwatch.Target) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range ts {
		i, ok1 := c.indID[t.Indicator]
		u, ok2 := c.unitID[t.Unit]
		if ok1 && ok2 {
			c.setTarget(i, u, t.Year, t.Value)
		}
	}
}

func (c *Cube) setTarget(i, u int32, year int, v float64) {
	g := c.groupIndex(u)
	if g < 0 {
		c.otherTargets[targetKey{i, u, year}] = v
		return
	}
	if c.nYears == 0 {
		c.firstYear, c.nYears = year, 1
		c.tgt = make([]float64, len(c.groups)*c.nInd)
		fillNaN(c.tgt)
	}
	if year < c.firstYear || year >= c.firstYear+c.nYears {
		from := min(year, c.firstYear)
		to := max(year, c.firstYear+c.nYears-1)
		n := to - from + 1
		t := make([]float64, len(c.groups)*c.nInd*n)
		fillNaN(t)
		for k := 0; k < len(c.groups)*c.nInd; k++ {
			copy(t[k*n+c.firstYear-from:], c.tgt[k*c.nYears:(k+1)*c.nYears])
		}
		c.tgt, c.firstYear, c.nYears = t, from, n
	}
	c.tgt[(int(g)*c.nInd+int(i))*c.nYears+year-c.firstYear] = v
}

// groupIndex returns the group index of a province or the country unit, or -1.
func (c *Cube) groupIndex(u int32) int {
	if u == c.country && u >= 0 {
		return c.provGroups
	}
	if c.units[u].Level == planwatch.LevelProvince {
		for g := 0; g < c.provGroups; g++ {
			if c.groups[g] == u {
				return g
			}
		}
	}
	return -1
}

func (c *Cube) target(g, i, year int) float64 {
	y := year - c.firstYear
	if y < 0 || y >= c.nYears {
		return Null
	}
	return c.tgt[(g*c.nInd+i)*c.nYears+y]
}

// Set stores (or, with Null, removes) the value of one key and updates the
// partials of its province and of the country. The month must be within
// MonthRange (package colstore grows the cube otherwise).
func (c *Cube) Set(ind, unit int32, yyyymm int, v float64) error {
	if ind < 0 || int(ind) >= c.nInd || unit < 0 || int(unit) >= c.nUnit {
		return planwatch.Errorf(planwatch.EINVALID, "cube: key out of range")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := Month(yyyymm) - c.first
	if m < 0 || m >= c.nMonths {
		return planwatch.Errorf(planwatch.EINVALID, "cube: month %d outside %d..%d", yyyymm, YYYYMM(c.first), YYYYMM(c.first+c.nMonths-1))
	}
	c.vals[(m*c.nInd+int(ind))*c.nUnit+int(unit)] = v
	if g := c.groupOf[unit]; g >= 0 {
		c.refreshGroup(m, int(ind), g)
	}
	return nil
}

// Grow returns a copy of the cube able to hold the months [from, to] as well,
// with the same values, partials and targets.
func (c *Cube) Grow(from, to int) (*Cube, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.nMonths > 0 {
		from = min(from, YYYYMM(c.first))
		to = max(to, YYYYMM(c.first+c.nMonths-1))
	}
	n, err := New(Catalog{c.inds, c.units}, from, to)
	if err != nil {
		return nil, err
	}
	row := c.nInd * c.nUnit
	if c.nMonths > 0 {
		copy(n.vals[(c.first-n.first)*row:], c.vals)
	}
	n.firstYear, n.nYears, n.tgt, n.otherTargets = c.firstYear, c.nYears, c.tgt, c.otherTargets
	n.Refresh()
	return n, nil
}

func (c *Cube) String() string {
	return fmt.Sprintf("cube(%d indicators × %d units × %d months, %d provinces)", c.nInd, c.nUnit, c.nMonths, c.provGroups)
}

// RefreshMonths recomputes the partials of the months [from, to] (YYYYMM),
// clipped to the cube. Call it with the lock held by Lock.
func (c *Cube) RefreshMonths(from, to int) {
	lo := max(Month(from)-c.first, 0)
	hi := min(Month(to)-c.first, c.nMonths-1)
	for m := lo; m <= hi; m++ {
		for i := 0; i < c.nInd; i++ {
			c.refreshCell(m, i)
		}
	}
}
