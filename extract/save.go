package extract

import (
	"fmt"
	"time"

	"planwatch"
)

// Skipped is a fact that could not become data, with the reason.
type Skipped struct {
	Fact   Fact
	Reason string
}

// SaveOptions say where extracted facts are stored.
type SaveOptions struct {
	Unit       string // org unit code the facts belong to
	Ref        string // the document: file name, title or URL
	By         string
	Now        time.Time
	Indicators map[string]planwatch.Indicator // to check units against the catalogue
}

// ChangeSet turns facts into a change set whose source is the document and
// sentence: actual figures become data values (with their reported % of
// plan, growth and change against 31 December), plan figures targets, and
// milestones milestones. Facts that cannot be stored (no catalogue code, no
// period, a unit the indicator does not use, a comparison with another
// month) are returned as skipped, with the reason.
func ChangeSet(facts []Fact, opt SaveOptions) (*planwatch.ChangeSet, []Skipped) {
	cs := &planwatch.ChangeSet{By: opt.By, From: "document: " + opt.Ref}
	var skipped []Skipped
	skip := func(f Fact, format string, args ...any) {
		skipped = append(skipped, Skipped{f, fmt.Sprintf(format, args...)})
	}
	for _, f := range facts {
		if f.Code == "" {
			skip(f, "chưa khớp chỉ tiêu trong danh mục / no catalogue indicator")
			continue
		}
		if f.Span == nil {
			skip(f, "không xác định được kỳ / no period")
			continue
		}
		ind, known := opt.Indicators[f.Code]
		if opt.Indicators != nil && !known {
			skip(f, "chỉ tiêu %s không có trong danh mục / not in the catalogue", f.Code)
			continue
		}
		src := planwatch.Source{Kind: planwatch.SourceDocument, Ref: opt.Ref, Sentence: f.Sentence}
		if f.Value != nil && known {
			if !unitFits(f.Unit, baseUnit(ind.Unit), false) && f.Kind != "milestone" {
				skip(f, "đơn vị %q khác đơn vị của chỉ tiêu (%s) / unit differs from the indicator's", f.Unit, ind.Unit)
				continue
			}
		}
		switch f.Kind {
		case "plan":
			if f.Value == nil {
				skip(f, "chỉ tiêu kế hoạch không có giá trị / plan figure without a value")
				continue
			}
			cs.Targets = append(cs.Targets, planwatch.Target{Indicator: f.Code, Unit: opt.Unit, Year: f.Span.Year,
				Kind: planwatch.TargetPlan, Value: *f.Value, Version: 1, Source: src, By: opt.By, At: opt.Now})
		case PlanGrowth:
			if f.YoYPct == nil {
				skip(f, "chỉ tiêu tăng trưởng không có tốc độ / growth target without a rate")
				continue
			}
			// The lower bound of "8-8,5%" is the target; the range stays
			// in the source sentence.
			cs.Targets = append(cs.Targets, planwatch.Target{Indicator: f.Code, Unit: opt.Unit, Year: f.Span.Year,
				Kind: planwatch.TargetPlan, Value: *f.YoYPct, Version: 1, Source: src, By: opt.By, At: opt.Now})
		case "milestone":
			if f.PlanPct == nil {
				skip(f, "mốc không có tỷ lệ kế hoạch / milestone without a share of plan")
				continue
			}
			b := planwatch.BoundMin
			if f.Bound == "max" {
				b = planwatch.BoundMax
			}
			cs.Milestones = append(cs.Milestones, planwatch.Milestone{Indicator: f.Code, Unit: opt.Unit, Period: *f.Span,
				Share: *f.PlanPct, Bound: b, TargetKind: planwatch.TargetPlan, Source: src, By: opt.By, At: opt.Now})
		default:
			v := planwatch.DataValue{Key: planwatch.Key{Indicator: f.Code, Unit: opt.Unit, Period: *f.Span},
				Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: f.Value, YoY: f.YoYPct, PlanPct: f.PlanPct,
				Source: src, By: opt.By, At: opt.Now}
			if f.Estimate {
				v.Vintage = planwatch.Estimate
			}
			if f.VsRef != nil {
				if f.VsRef.Ref == fmt.Sprintf("%d-12-31", f.Span.Year-1) {
					v.VsRef = &f.VsRef.Pct
				} else {
					v.Comment = fmt.Sprintf("so với %s: %v%%", f.VsRef.Ref, f.VsRef.Pct)
				}
			}
			if v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil {
				skip(f, "không có giá trị hay so sánh / neither a value nor a comparison")
				continue
			}
			cs.Values = append(cs.Values, v)
		}
	}
	return cs, skipped
}
