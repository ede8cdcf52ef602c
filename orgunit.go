package planwatch

import (
	"fmt"
	"slices"
	"time"
)

// Levels of the administrative hierarchy. Since 1 July 2025 there is no
// district level: communes hang directly under provinces.
const (
	LevelCountry  = 0
	LevelProvince = 1
	LevelDistrict = 2
	LevelCommune  = 3
)

// OrgUnit is one version of an administrative unit: a GSO code names a unit at
// a date, not a territory, so the same code can have several versions with
// different names, types or parents (merged units reuse one old code).
type OrgUnit struct {
	Code      string    `json:"code"` // GSO code, a string: "20", "178", "05977"
	Name      string    `json:"name"` // "Lạng Sơn"
	FullName  string    `json:"full_name"`
	Type      string    `json:"type"` // Tỉnh, Thành phố, Huyện, Xã, Phường, Đặc khu …
	NameEN    string    `json:"name_en"`
	Parent    string    `json:"parent"` // parent code, "" for provinces
	Level     int       `json:"level"`
	ValidFrom time.Time `json:"valid_from"` // inclusive
	ValidTo   time.Time `json:"valid_to"`   // exclusive; zero = still valid
}

// ValidAt reports whether this version is in force on day d.
func (u *OrgUnit) ValidAt(d time.Time) bool {
	return !d.Before(u.ValidFrom) && (u.ValidTo.IsZero() || d.Before(u.ValidTo))
}

// Transition records that an old unit passed (wholly or in part) into a new
// one on a date, by a legal act.
type Transition struct {
	Old    string    `json:"old"`
	New    string    `json:"new"`
	Full   bool      `json:"full"`   // the whole old unit went into New; false: split (partial)
	Basis  string    `json:"basis"`  // legal basis, e.g. "1654-1687/NQ-UBTVQH15"
	Date   time.Time `json:"date"`   // in force from
	Weight float64   `json:"weight"` // share of Old that went into New, for partial transitions; 0 = unknown
}

// CountryCode is the code of the country unit (level 0): GSO numbers no
// country, so planwatch names it by its ISO 3166 code.
const CountryCode = "VN"

// ReformDate is the day the two-level local government took effect.
var ReformDate = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// Hierarchy answers questions about units at a date. It is built from all
// versions and transitions; it is read-only and safe for concurrent use.
type Hierarchy struct {
	versions map[string][]OrgUnit // code → versions, ordered by ValidFrom
	children map[string][]string  // "parent|validFrom" is not needed: see ChildrenAt
	forward  map[string][]Transition
	backward map[string][]Transition
}

// NewHierarchy indexes units and transitions.
func NewHierarchy(units []OrgUnit, transitions []Transition) *Hierarchy {
	h := &Hierarchy{
		versions: map[string][]OrgUnit{},
		children: map[string][]string{},
		forward:  map[string][]Transition{},
		backward: map[string][]Transition{},
	}
	for _, u := range units {
		h.versions[u.Code] = append(h.versions[u.Code], u)
	}
	seen := map[[2]string]bool{}
	for _, vs := range h.versions {
		sortVersions(vs)
		for _, v := range vs {
			k := [2]string{v.Parent, v.Code}
			if v.Parent != "" && !seen[k] {
				seen[k] = true
				h.children[v.Parent] = append(h.children[v.Parent], v.Code)
			}
		}
	}
	// Children in code order, not in the order of a map: everything built
	// on them (the demo's districts, roll-ups, pages) is then the same run
	// after run.
	for _, cs := range h.children {
		slices.Sort(cs)
	}
	for _, t := range transitions {
		h.forward[t.Old] = append(h.forward[t.Old], t)
		h.backward[t.New] = append(h.backward[t.New], t)
	}
	return h
}

func sortVersions(vs []OrgUnit) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].ValidFrom.Before(vs[j-1].ValidFrom); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// At returns the version of code in force on day d.
func (h *Hierarchy) At(code string, d time.Time) (OrgUnit, bool) {
	vs := h.versions[code]
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].ValidAt(d) {
			return vs[i], true
		}
	}
	return OrgUnit{}, false
}

// Latest returns the most recent version of code.
func (h *Hierarchy) Latest(code string) (OrgUnit, bool) {
	vs := h.versions[code]
	if len(vs) == 0 {
		return OrgUnit{}, false
	}
	return vs[len(vs)-1], true
}

// Versions returns every version of code, oldest first.
func (h *Hierarchy) Versions(code string) []OrgUnit { return h.versions[code] }

// ChildrenAt lists the codes of the units whose parent is code on day d,
// in code order.
func (h *Hierarchy) ChildrenAt(code string, d time.Time) []string {
	var out []string
	for _, c := range h.children[code] {
		if u, ok := h.At(c, d); ok && u.Parent == code {
			out = append(out, c)
		}
	}
	return out
}

// EverChildren lists the codes of every unit that had code as its parent in
// any version, in code order.
func (h *Hierarchy) EverChildren(code string) []string { return h.children[code] }

// ProvinceOf returns the province code that unit code belonged to on day d,
// walking up the parents.
func (h *Hierarchy) ProvinceOf(code string, d time.Time) (string, bool) {
	for range 4 {
		u, ok := h.At(code, d)
		if !ok {
			// A unit that no longer exists still belonged somewhere: use its last version.
			if u, ok = h.Latest(code); !ok {
				return "", false
			}
		}
		if u.Level == LevelProvince || u.Parent == "" {
			return u.Code, true
		}
		code = u.Parent
	}
	return "", false
}

// IsAncestor reports whether anc is code or one of its ancestors on day d.
// Units that have ceased to exist are judged by their last version, so that
// history entered for a pre-reform commune still rolls up to its province.
func (h *Hierarchy) IsAncestor(anc, code string, d time.Time) bool {
	for range 5 {
		if code == anc {
			return true
		}
		u, ok := h.At(code, d)
		if !ok {
			if u, ok = h.Latest(code); !ok {
				return false
			}
		}
		if u.Parent == "" {
			return false
		}
		code = u.Parent
	}
	return false
}

// Successors returns the transitions out of an old unit.
func (h *Hierarchy) Successors(old string) []Transition { return h.forward[old] }

// Predecessors returns the transitions into a new unit.
func (h *Hierarchy) Predecessors(new string) []Transition { return h.backward[new] }

// Codes lists every code known, in code order.
func (h *Hierarchy) Codes() []string {
	out := make([]string, 0, len(h.versions))
	for c := range h.versions {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Lifetime is when a unit can have figures: from the day it was formed,
// when a transition formed it (a unit the records simply begin with
// existed before them), until the day it ceased, when its last version
// ends. Zero times mean no limit.
type Lifetime struct {
	Formed, Ceased time.Time
}

// LifetimeOf is the lifetime of the unit whose versions are given, with
// the transitions into it. A transition from the unit into itself (a unit
// that went on under the reform) does not form it.
func LifetimeOf(versions []OrgUnit, into []Transition) Lifetime {
	if len(versions) == 0 {
		return Lifetime{}
	}
	first, open := versions[0], false
	var l Lifetime
	for _, v := range versions {
		if v.ValidFrom.Before(first.ValidFrom) {
			first = v
		}
		if v.ValidTo.IsZero() {
			open = true
		} else if v.ValidTo.After(l.Ceased) {
			l.Ceased = v.ValidTo
		}
	}
	if open {
		l.Ceased = time.Time{}
	}
	for _, t := range into {
		if t.New == first.Code && t.Old != t.New && t.Date.Equal(first.ValidFrom) {
			l.Formed = first.ValidFrom
		}
	}
	return l
}

// Problem says why the unit code can have no figure for p ("" when it can):
// p must overlap the lifetime.
func (l Lifetime) Problem(code string, p Period) string {
	switch {
	case !l.Formed.IsZero() && p.End().Before(l.Formed):
		return fmt.Sprintf("đơn vị %s được thành lập ngày %s, không có số liệu kỳ %s / unit %s was formed on %s: it has no figures for %s",
			code, l.Formed.Format(time.DateOnly), p.ID(), code, l.Formed.Format(time.DateOnly), p.ID())
	case !l.Ceased.IsZero() && !p.Start().Before(l.Ceased):
		return fmt.Sprintf("đơn vị %s không còn từ ngày %s, không có số liệu kỳ %s / unit %s ceased on %s: it has no figures for %s",
			code, l.Ceased.Format(time.DateOnly), p.ID(), code, l.Ceased.Format(time.DateOnly), p.ID())
	}
	return ""
}
