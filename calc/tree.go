package calc

import (
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
	years    []*yearParents
	id       atomic.Int32 // its id in the index (Dataset.unitIDs) once it has one, else -1
}

// nodeSeries is the series of a node's unit in us (an indicator's); the
// caller holds mu. A unit's id is looked up by code until it has one (its
// first value may come after the node was made), then kept.
func (d *Dataset) nodeSeries(us *unitSeries, n *node) series {
	id := n.id.Load()
	if id < 0 {
		x, ok := d.unitIDs[n.code]
		if !ok {
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
	code := n.code
	d.memoMu.Lock()
	for _, yp := range n.years {
		if yp.year == year {
			d.memoMu.Unlock()
			return yp
		}
	}
	d.memoMu.Unlock()
	yp := &yearParents{year: year}
	for m := 1; m <= 12; m++ {
		yp.parent[m], yp.inForce[m] = d.parentAt(code, monthEnd(year, m))
	}
	d.memoMu.Lock()
	n.years = append(n.years, yp)
	d.memoMu.Unlock()
	return yp
}
