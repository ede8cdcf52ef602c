package engine

import (
	"strings"

	"planwatch"
)

// Head is the latest revision of a key and vintage, with the id of its row
// (0 until written).
type Head struct {
	ID  int64
	Rev planwatch.DataValue
}

// Heads keeps the latest revision of each vintage of each key, which is all
// that planwatch.Current looks at, and the keys in the order they were first
// seen.
type Heads struct {
	m    map[string]*keyHeads
	keys []string
}

type keyHeads struct {
	key planwatch.Key
	v   [4]*Head // by vintage, index 1..3
}

func (hs *Heads) of(k planwatch.Key) *keyHeads {
	if hs.m == nil {
		hs.m = map[string]*keyHeads{}
	}
	s := k.String()
	kh := hs.m[s]
	if kh == nil {
		kh = &keyHeads{key: k}
		hs.m[s] = kh
		hs.keys = append(hs.keys, s)
	}
	return kh
}

// Keys lists the keys in the order they were first seen.
func (hs *Heads) Keys() []string { return hs.keys }

// Add records a stored revision (as Restore reads them, in any order): it
// becomes the head of its key and vintage unless that has a later revision.
func (hs *Heads) Add(id int64, v *planwatch.DataValue) {
	kh := hs.of(v.Key)
	if v.Vintage >= planwatch.Estimate && v.Vintage <= planwatch.Official {
		if h := kh.v[v.Vintage]; h == nil || v.Revision > h.Rev.Revision {
			kh.v[v.Vintage] = &Head{ID: id, Rev: *v}
		}
	}
}

// Key returns the key that the string k (one of Keys) stands for.
func (hs *Heads) Key(k string) planwatch.Key {
	if kh := hs.m[k]; kh != nil {
		return kh.key
	}
	return planwatch.Key{}
}

// Current applies planwatch.Current to the heads of k: the revision that is
// the key's current value, if any.
func (hs *Heads) Current(k string) (*Head, bool) {
	kh := hs.m[k]
	if kh == nil {
		return nil, false
	}
	return kh.current()
}

func (kh *keyHeads) current() (*Head, bool) {
	revs := make([]planwatch.DataValue, 0, 3)
	for _, h := range kh.v {
		if h != nil {
			revs = append(revs, h.Rev)
		}
	}
	cur, ok := planwatch.Current(revs)
	if !ok {
		return nil, false
	}
	return kh.v[cur.Vintage], true
}

// ParseKey reads a key string (planwatch.Key.String: indicator/unit/period).
func ParseKey(k string) (planwatch.Key, error) {
	ind, rest, _ := strings.Cut(k, "/")
	unit, per, _ := strings.Cut(rest, "/")
	p, err := planwatch.ParsePeriod(per)
	return planwatch.Key{Indicator: ind, Unit: unit, Period: p}, err
}

// Withdrawn is the Deleted value that stands for a key string left with no
// current value.
func Withdrawn(k string) (planwatch.DataValue, error) {
	key, err := ParseKey(k)
	return planwatch.DataValue{Key: key, Deleted: true}, err
}
