package engine

import (
	"fmt"
	"strings"
	"time"

	"planwatch"
)

// CheckIndicators lists the indicators that fail Validate.
func CheckIndicators(inds []planwatch.Indicator) []planwatch.Problem {
	var problems []planwatch.Problem
	for i := range inds {
		if field, err := inds[i].Check(); err != nil {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: field, Value: inds[i].Code, Reason: planwatch.ErrorMessage(err)})
		}
	}
	return problems
}

// IndicatorChange is one indicator to insert or replace, with its audit entry.
type IndicatorChange struct {
	Indicator planwatch.Indicator
	Audit     planwatch.AuditEntry
}

// IndicatorChanges returns the indicators of inds that are new or differ
// from the stored ones (a code given twice is compared with its previous
// occurrence), each with its indicator.set audit entry.
func IndicatorChanges(stored, inds []planwatch.Indicator, now time.Time, by string) []IndicatorChange {
	old := map[string]planwatch.Indicator{}
	for _, ind := range stored {
		old[ind.Code] = ind
	}
	var out []IndicatorChange
	for _, ind := range inds {
		prev, had := old[ind.Code]
		if had && prev == ind {
			continue
		}
		e := planwatch.AuditEntry{At: now, By: by, Action: "indicator.set", Entity: ind.Code, New: JSONText(ind)}
		if had {
			e.Old = JSONText(prev)
		}
		out = append(out, IndicatorChange{ind, e})
		old[ind.Code] = ind
	}
	return out
}

// CheckOrgUnits lists the units without code or name or with a valid-to not
// after their valid-from, and the transitions without old or new code.
func CheckOrgUnits(units []planwatch.OrgUnit, transitions []planwatch.Transition) []planwatch.Problem {
	var problems []planwatch.Problem
	for i, u := range units {
		if u.Code == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "code", Reason: "thiếu mã đơn vị (unit code required)"})
		}
		if u.Name == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "name", Value: u.Code, Reason: "thiếu tên đơn vị (unit name required)"})
		}
		if !u.ValidTo.IsZero() && !u.ValidTo.After(u.ValidFrom) {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "valid_to", Value: DateText(u.ValidTo), Reason: "phải sau ngày bắt đầu hiệu lực (must be after valid_from)"})
		}
	}
	for i, t := range transitions {
		if t.Old == "" || t.New == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "transition", Value: t.Old + "→" + t.New, Reason: "thiếu mã cũ hoặc mới (old and new codes required)"})
		}
	}
	return problems
}

// OrgUnitsEntry is the one audit entry of a SaveOrgUnits.
func OrgUnitsEntry(now time.Time, by string, units []planwatch.OrgUnit, transitions []planwatch.Transition) planwatch.AuditEntry {
	return planwatch.AuditEntry{At: now, By: by, Action: "orgunits.save",
		Detail: fmt.Sprintf("%d unit versions, %d transitions", len(units), len(transitions))}
}

// CheckAudit lists the entries, given to RecordAudit, that have no action.
func CheckAudit(entries []planwatch.AuditEntry) []planwatch.Problem {
	var problems []planwatch.Problem
	for i, e := range entries {
		if strings.TrimSpace(e.Action) == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "action", Reason: "thiếu hành động (action required)"})
		}
	}
	return problems
}

// IndicatorColumns are the columns of the indicators table that
// ScanIndicator reads, in its order; they have the same types in every engine.
const IndicatorColumns = `code, name_vi, name_en, unit, sector, kind, time_agg, unit_agg,
	direction, decimals, numerator, denominator, periodicity, formula, category, retired`

// IndicatorArgs appends the values of IndicatorColumns for ind, in their
// order, to args.
func IndicatorArgs(args []any, ind *planwatch.Indicator) []any {
	return append(args, ind.Code, ind.NameVI, ind.NameEN, ind.Unit, ind.Sector, string(ind.Kind), string(ind.TimeAgg),
		string(ind.UnitAgg), int(ind.Direction), ind.Decimals, ind.Numerator, ind.Denominator, ind.Periodicity,
		ind.Formula, ind.Category, ind.Retired)
}

// ScanIndicator reads a row of IndicatorColumns.
func ScanIndicator(s Scanner) (planwatch.Indicator, error) {
	var ind planwatch.Indicator
	var kind, timeAgg, unitAgg string
	var dir int
	err := s.Scan(&ind.Code, &ind.NameVI, &ind.NameEN, &ind.Unit, &ind.Sector, &kind, &timeAgg, &unitAgg,
		&dir, &ind.Decimals, &ind.Numerator, &ind.Denominator, &ind.Periodicity, &ind.Formula, &ind.Category, &ind.Retired)
	ind.Kind, ind.TimeAgg, ind.UnitAgg = planwatch.Kind(kind), planwatch.TimeAgg(timeAgg), planwatch.UnitAgg(unitAgg)
	ind.Direction = planwatch.Direction(dir)
	return ind, err
}
