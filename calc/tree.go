package calc

import (
	"math"
	"sort"
	"sync/atomic"

	"planwatch"
)

// node is a unit as a roll-up walks it: its versions and every unit ever
// under it, found once per hierarchy, so that visiting the country's
// communes costs no look-ups by code (issue 12: the country's status).
type node struct {
	code     string
	versions []planwatch.OrgUnit
	kids     []*node // every unit that was ever under it, by code: a fixed order, so sums come out the same every time
	leaf     bool    // no unit was ever under it
	// spans are its versions in seconds since 1970 (to: when it was no
	// longer in force, MaxInt64 for open), compared without time.Time;
	// nil when a version's dates are not whole seconds.
	spans []span
	// years is where it stood in each month of the years asked so far:
	// replaced whole (never changed) when a year is added, so that a
	// roll-up reads it without a lock.
	years atomic.Pointer[[]*yearParents]
	id    atomic.Int32 // its id in the index (Dataset.unitIDs) once it has one, else -1
	// absentAt is how many units had ids when its code was last looked
	// for in vain (ids are given, never taken back, under mu for writing).
	absentAt atomic.Int32
}

// span is a version of a unit: under parent from from until before to.
type span struct {
	parent   string
	from, to int64
}

// under says whether the span has the unit under parent from start to end
// (seconds since 1970; time.Time's Before on the versions' dates).
func (sp *span) under(parent string, start, end int64) bool {
	return sp.from <= start && end < sp.to && sp.parent == parent
}

// nodeSeries is the series of a node's unit in us (an indicator's); the
// caller holds mu. A unit's id is looked up by code until it has one (its
// first value may come after the node was made), then kept.
func (d *Dataset) nodeSeries(us *unitSeries, n *node) series {
	id := n.id.Load()
	if id < 0 {
		if int32(len(d.unitCodes)) == n.absentAt.Load() {
			return nil // no unit was given an id since it was looked for
		}
		x, ok := d.unitIDs[n.code]
		if !ok {
			n.absentAt.Store(int32(len(d.unitCodes)))
			return nil
		}
		id = x
		n.id.Store(id)
	}
	return us.at(id)
}

// nodeOf returns the node of a unit, building the nodes of the hierarchy
// at first use.
func (d *Dataset) nodeOf(code string) *node {
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	if d.nodes == nil {
		d.nodes = map[string]*node{}
	}
	return d.nodeLocked(code)
}

func (d *Dataset) nodeLocked(code string) *node {
	if n, ok := d.nodes[code]; ok {
		return n
	}
	n := &node{code: code, versions: d.Units().Versions(code)}
	n.id.Store(-1)
	n.absentAt.Store(-1)
	for _, v := range n.versions {
		if v.ValidFrom.Nanosecond() != 0 || v.ValidTo.Nanosecond() != 0 {
			n.spans = nil // not whole seconds: compared as times (rollUpMany)
			break
		}
		sp := span{parent: v.Parent, from: v.ValidFrom.Unix(), to: math.MaxInt64}
		if !v.ValidTo.IsZero() {
			sp.to = v.ValidTo.Unix()
		}
		n.spans = append(n.spans, sp)
	}
	d.nodes[code] = n
	kids := append([]string(nil), d.Units().EverChildren(code)...)
	sort.Strings(kids)
	n.leaf = len(kids) == 0
	for _, k := range kids {
		n.kids = append(n.kids, d.nodeLocked(k))
	}
	return n
}

// held says whether the unit, or a unit that was ever under it, holds
// figures of the indicator; s is the unit's own series. Remembered for
// units with units under them until the indicator's values change.
func (d *Dataset) held(ind *planwatch.Indicator, n *node, s series, depth int) bool {
	if len(s) > 0 {
		return true
	}
	if n.leaf || depth > 8 {
		return false
	}
	d.memoMu.Lock()
	h := d.heldBy[ind.Code]
	v, ok := h[n.code]
	gen := d.forgets
	d.memoMu.Unlock()
	if ok {
		return v
	}
	d.mu.RLock()
	us := d.values[ind.Code]
	d.mu.RUnlock()
	for _, k := range n.kids {
		d.mu.RLock()
		ks := d.nodeSeries(us, k)
		d.mu.RUnlock()
		if d.held(ind, k, ks, depth+1) {
			v = true
			break
		}
	}
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	if d.forgets != gen {
		return v // values changed meanwhile: not remembered
	}
	if d.heldBy == nil {
		d.heldBy = map[string]map[string]bool{}
	}
	if d.heldBy[ind.Code] == nil {
		d.heldBy[ind.Code] = map[string]bool{}
	}
	d.heldBy[ind.Code][n.code] = v
	return v
}

// yearParentsOf returns (and remembers) where a unit stood in each month of a year.
func (d *Dataset) yearParentsOf(n *node, year int) *yearParents {
	if ys := n.years.Load(); ys != nil {
		for _, yp := range *ys {
			if yp.year == year {
				return yp
			}
		}
	}
	yp := &yearParents{year: year}
	for m := 1; m <= 12; m++ {
		yp.parent[m], yp.inForce[m] = d.parentAt(n.code, monthEnd(year, m))
	}
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	var ys []*yearParents
	if old := n.years.Load(); old != nil {
		for _, o := range *old {
			if o.year == year {
				return o // another roll-up added it meanwhile
			}
		}
		ys = append(ys, *old...)
	}
	ys = append(ys, yp)
	n.years.Store(&ys)
	return yp
}
