package engine

import (
	"fmt"
	"sort"

	"planwatch"
)

// MappingAudit is the audit entry of storing m over old (nil when the name
// is new): the counts of entries before and after, and what changed.
func MappingAudit(m planwatch.Mapping, old *planwatch.Mapping) planwatch.AuditEntry {
	e := planwatch.AuditEntry{At: m.At, By: m.By, Action: "mapping.set", Entity: "mapping/" + m.Name,
		New: fmt.Sprintf("%d entries", len(m.Entries))}
	if old == nil {
		e.Detail = "new mapping"
		return e
	}
	e.Old = fmt.Sprintf("%d entries", len(old.Entries))
	before := map[string]planwatch.MappingEntry{}
	for _, en := range old.Entries {
		before[string(en.Kind)+" "+en.PartnerID] = en
	}
	added, changed := 0, 0
	for _, en := range m.Entries {
		k := string(en.Kind) + " " + en.PartnerID
		if prev, ok := before[k]; !ok {
			added++
		} else if prev != en {
			changed++
		}
		delete(before, k)
	}
	e.Detail = fmt.Sprintf("%d added, %d changed, %d removed", added, changed, len(before))
	return e
}

// SortMapping orders entries by kind and partner id, as Mapping returns them.
func SortMapping(entries []planwatch.MappingEntry) {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Kind != entries[j].Kind {
			return entries[i].Kind < entries[j].Kind
		}
		return entries[i].PartnerID < entries[j].PartnerID
	})
}
