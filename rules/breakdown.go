package rules

import (
	"context"
	"fmt"

	"planwatch"
)

// SubIndicators are the indicators an option's figures of ind are stored
// under (planwatch.SubIndicators).
func SubIndicators(ind planwatch.Indicator, cat planwatch.Category) []planwatch.Indicator {
	return planwatch.SubIndicators(ind, cat)
}

// Attach sets ind's category and returns what to save: the indicator,
// every sub-indicator it lacks or whose settings differ from ind's, and
// its sub-indicators of options not in cat (another category's, an option
// removed) retired, so that they are no longer parts of its total (their
// values are kept). A
// derived indicator (a formula) cannot be broken down: its figures are
// computed, not entered.
func Attach(inds []planwatch.Indicator, code string, cat planwatch.Category) ([]planwatch.Indicator, error) {
	byCode := map[string]planwatch.Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	ind, ok := byCode[code]
	if !ok {
		return nil, planwatch.Errorf(planwatch.ENOTFOUND, "không có chỉ tiêu %q / no indicator %q", code, code)
	}
	if _, _, sub := planwatch.SplitSubIndicator(code); sub {
		return nil, planwatch.Errorf(planwatch.EINVALID, "%s là chỉ tiêu thành phần, không phân tổ tiếp / %s is an option of a breakdown and cannot be broken down", code, code)
	}
	if ind.Formula != "" {
		return nil, planwatch.Errorf(planwatch.EINVALID, "%s là chỉ tiêu tính theo công thức, không phân tổ / %s is derived by a formula and cannot be broken down", code, code)
	}
	ind.Category = cat.Code
	return append([]planwatch.Indicator{ind}, planwatch.Breakdown(inds, ind, &cat)...), nil
}

// CatalogueStore is what attaching a category needs of a store.
type CatalogueStore interface {
	Indicators(ctx context.Context) ([]planwatch.Indicator, error)
	SaveIndicators(ctx context.Context, inds []planwatch.Indicator, by string) error
}

// SaveIndicators stores the indicators a breakdown changed (an indicator
// attached, its sub-indicators made or retired) as one catalogue change,
// with who made it and from where (an address, "cli") when the store keeps
// that (planwatch.CatalogueEditor: both engines).
func SaveIndicators(ctx context.Context, s CatalogueStore, inds []planwatch.Indicator, by, from string) error {
	if ce, ok := s.(planwatch.CatalogueEditor); ok {
		_, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: by, From: from, Indicators: inds})
		return err
	}
	return s.SaveIndicators(ctx, inds, by)
}

// AttachCategory attaches category cat (by code, from cats) to an
// indicator in the store, creating its sub-indicators; cat "" detaches it
// (the store retires its sub-indicators in the same transaction, their
// values kept: planwatch.CatalogueChange).
func AttachCategory(ctx context.Context, s CatalogueStore, cats []planwatch.Category, indicator, cat, by, from string) (int, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return 0, err
	}
	if cat == "" {
		for _, ind := range inds {
			if ind.Code == indicator {
				ind.Category = ""
				return 1, SaveIndicators(ctx, s, []planwatch.Indicator{ind}, by, from)
			}
		}
		return 0, planwatch.Errorf(planwatch.ENOTFOUND, "không có chỉ tiêu %q / no indicator %q", indicator, indicator)
	}
	for _, c := range cats {
		if c.Code == cat {
			save, err := Attach(inds, indicator, c)
			if err != nil {
				return 0, err
			}
			return len(save), SaveIndicators(ctx, s, save, by, from)
		}
	}
	return 0, planwatch.Errorf(planwatch.ENOTFOUND, "không có phân tổ %q / no category %q", cat, cat)
}

// Load reads the rules and catalogue of a store and compiles them; the
// problems name stored rules left out (a code no longer in the catalogue).
func Load(ctx context.Context, s interface {
	Indicators(ctx context.Context) ([]planwatch.Indicator, error)
}) (*Set, []planwatch.Problem, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, nil, err
	}
	var stored []planwatch.ValidationRule
	if rs, ok := s.(planwatch.RuleStore); ok {
		if stored, err = rs.Rules(ctx); err != nil {
			return nil, nil, err
		}
	}
	set, ps := Compile(stored, inds)
	for i := range ps {
		if ps[i].Row > 0 && ps[i].Row <= len(stored) {
			ps[i].Value = fmt.Sprintf("%s: %s", stored[ps[i].Row-1].Code, ps[i].Value)
		}
	}
	return set, ps, nil
}
