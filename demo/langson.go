// Package demo builds the Lạng Sơn demonstration data: every fact of the
// reference article on Lạng Sơn's first quarter of 2022 as a value, target or
// milestone of province 20; annual targets and last year's figures derived
// from the stated % of plan and growth (marked as derived, with the formula);
// and an illustrative monthly series by district for 2020–2022, consistent
// with the real totals, so that trends and breakdowns have something to show.
// Every illustrative figure says so in its source ("minh họa / illustrative").
package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"planwatch"
	"planwatch/vi"
)

// Province is the GSO code of Lạng Sơn.
const Province = "20"

// Period is the demo's reporting period.
var Period = planwatch.QuarterOf(2022, 1)

// ArticleRef names the reference article, the source of the real figures.
const ArticleRef = "Báo Bảo vệ Công lý, 07/04/2022: «Lạng Sơn: Tạo đà phát triển kinh tế - xã hội xuyên suốt năm 2022»"

// fact is one figure of the article (copied from shared/seed/langson-2022q1.facts.jsonl).
type fact struct {
	code     string
	period   string
	value    *float64 // base units; nil for growth-only statements
	planPct  *float64
	yoy      *float64
	vsRef    *float64
	estimate bool
	kind     string // actual, plan, milestone
	bound    planwatch.Bound
	sentence string
}

func f(x float64) *float64 { return &x }

// facts are the 15 facts of the article.
var facts = []fact{
	{code: "agri.planted_area", period: "2022Q1", value: f(30739), yoy: f(25.5),
		sentence: "tổng diện tích gieo trồng các loại cây trong quý I đạt 30.739 ha, tăng 25,5% so với cùng kỳ"},
	{code: "agri.ocop_products_ranked", period: "2022Q1", value: f(26),
		sentence: "Tổ chức hội nghị đánh giá, phân hạng sản phẩm OCOP cấp tỉnh cho 26 sản phẩm"},
	{code: "ntm.budget_advance_projects", period: "2022Q1", value: f(100e9),
		sentence: "Tỉnh đã tạm ứng 100 tỷ đồng từ ngân sách cho 10 huyện để thực hiện các dự án xây dựng nông thôn mới năm 2022"},
	{code: "ntm.avg_criteria_per_commune", period: "2022Q1", value: f(14.03),
		sentence: "số tiêu chí bình quân 01 xã đạt 14,03 tiêu chí/xã"},
	{code: "trade.border_export_import_turnover", period: "2022Q1", value: f(800e6), planPct: f(14.5),
		sentence: "Tổng kim ngạch xuất nhập khẩu qua địa bàn quý I là 800 triệu USD, đạt 14,5% kế hoạch"},
	{code: "invest.public_plan_allocated", period: "2022", value: f(2498.3e9), kind: "plan",
		sentence: "tỉnh Lạng Sơn đã hoàn thành giao kế hoạch đầu tư công với tổng số vốn đã phân bổ (chưa bao gồm vốn chương trình MTQG) là 2.498,3 tỷ đồng"},
	{code: "invest.public_new_projects_started", period: "2022Q1", value: f(3),
		sentence: "Trong quý I, đã khởi công mới 03 dự án"},
	{code: "invest.public_work_done_value", period: "2022Q1", value: f(420e9), planPct: f(16.8), estimate: true,
		sentence: "giá trị khối lượng thực hiện các dự án thuộc nguồn vốn đầu tư công ước 420 tỷ đồng, đạt 16,8% kế hoạch"},
	{code: "invest.public_disbursed", period: "2022Q1", value: f(413e9), planPct: f(16.5),
		sentence: "Kết quả giải ngân các nguồn vốn đầu tư công 413 tỷ đồng, đạt 16,5% kế hoạch"},
	{code: "industry.iip_index", period: "2022Q1", yoy: f(6.4),
		sentence: "chỉ số sản xuất công nghiệp quý I tăng 6,4% so với cùng kỳ"},
	{code: "trade.retail_sales_services", period: "2022Q1", value: f(5953e9), planPct: f(26.3), yoy: f(7.35),
		sentence: "Tổng mức lưu chuyển hàng hóa và dịch vụ quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ"},
	{code: "bank.deposits_mobilised", period: "2022Q1", value: f(34050e9), vsRef: f(1.8),
		sentence: "tổng nguồn vốn huy động của các ngân hàng đạt 34.050 tỷ đồng, tăng 1,8% so với 31/12/2021"},
	{code: "tourism.visitors_total", period: "2022Q1", value: f(755950), planPct: f(22), yoy: f(7.9),
		sentence: "tổng lượng khách du lịch quý I/2022 đạt 755.950 lượt khách, đạt 22% kế hoạch, tăng 7,9 % so với cùng kỳ"},
	{code: "tourism.revenue", period: "2022Q1", value: f(277e9), planPct: f(11),
		sentence: "doanh thu 277 tỷ đồng, đạt 11% kế hoạch"},
	{code: "forest.new_planting_area", period: "2022Q1-Q2", planPct: f(60), kind: "milestone", bound: planwatch.BoundMin,
		sentence: "phấn đấu hết quý II/2022 trồng rừng mới đạt trên 60% kế hoạch"},
}

// FactCount is the number of figures taken from the article.
func FactCount() int { return len(facts) }

// Build returns the demo change set. Units must hold the 2022 districts of
// Lạng Sơn (the embedded reference data does).
func Build(units *planwatch.Hierarchy, inds map[string]planwatch.Indicator, now time.Time) (*planwatch.ChangeSet, error) {
	cs := &planwatch.ChangeSet{By: "demo", From: "planwatch demo"}
	doc := func(sentence string) planwatch.Source {
		return planwatch.Source{Kind: planwatch.SourceDocument, Ref: ArticleRef, Sentence: sentence}
	}
	for _, fc := range facts {
		if _, ok := inds[fc.code]; !ok {
			return nil, fmt.Errorf("demo: indicator %s missing from the catalogue", fc.code)
		}
		p := planwatch.MustPeriod(fc.period)
		switch fc.kind {
		case "plan":
			cs.Targets = append(cs.Targets, planwatch.Target{Indicator: fc.code, Unit: Province, Year: p.Year,
				Kind: planwatch.TargetPlan, Value: *fc.value, Version: 1, Source: doc(fc.sentence), By: "demo", At: now})
			continue
		case "milestone":
			cs.Milestones = append(cs.Milestones, planwatch.Milestone{Indicator: fc.code, Unit: Province, Period: p,
				Share: *fc.planPct, Bound: fc.bound, TargetKind: planwatch.TargetPlan, Source: doc(fc.sentence), By: "demo", At: now})
			continue
		}
		v := planwatch.DataValue{Key: planwatch.Key{Indicator: fc.code, Unit: Province, Period: p},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: fc.value, YoY: fc.yoy,
			PlanPct: fc.planPct, VsRef: fc.vsRef, Source: doc(fc.sentence), By: "demo", At: now}
		if fc.estimate {
			v.Vintage = planwatch.Estimate
		}
		cs.Values = append(cs.Values, v)
		if fc.value == nil {
			continue
		}
		val := *fc.value
		ind := inds[fc.code]
		// Annual target from the stated share of plan.
		if fc.planPct != nil {
			cs.Targets = append(cs.Targets, planwatch.Target{Indicator: fc.code, Unit: Province, Year: p.Year,
				Kind: planwatch.TargetPlan, Value: val / (*fc.planPct / 100), Version: 1, By: "demo", At: now,
				Source: planwatch.Source{Kind: planwatch.SourceDerived, Ref: ArticleRef,
					Formula: fmt.Sprintf("%s / %s%%", vi.FormatNumber(val, 2), vi.FormatNumber(*fc.planPct, 2))}})
		}
		// Last year's figure from the stated growth.
		if fc.yoy != nil {
			prev := val / (1 + *fc.yoy/100)
			cs.Values = append(cs.Values, planwatch.DataValue{
				Key:   planwatch.Key{Indicator: fc.code, Unit: Province, Period: p.SamePeriodLastYear()},
				Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: &prev, By: "demo", At: now,
				Source: planwatch.Source{Kind: planwatch.SourceDerived, Ref: ArticleRef,
					Formula: fmt.Sprintf("%s / (1 + %s%%)", vi.FormatNumber(val, 2), vi.FormatNumber(*fc.yoy, 2))}})
		}
		// A stock at 31 December of the previous year from the stated change.
		if fc.vsRef != nil && ind.TimeAgg == planwatch.TimeLast {
			ref := val / (1 + *fc.vsRef/100)
			cs.Values = append(cs.Values, planwatch.DataValue{
				Key:   planwatch.Key{Indicator: fc.code, Unit: Province, Period: planwatch.YearOf(p.Year - 1)},
				Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: &ref, By: "demo", At: now,
				Source: planwatch.Source{Kind: planwatch.SourceDerived, Ref: ArticleRef,
					Formula: fmt.Sprintf("%s / (1 + %s%%)", vi.FormatNumber(val, 2), vi.FormatNumber(*fc.vsRef, 2))}})
		}
	}
	districts := units.ChildrenAt(Province, Period.End())
	if len(districts) == 0 {
		return nil, fmt.Errorf("demo: no districts of province %s on %s", Province, Period.End().Format("2006-01-02"))
	}
	illustrate(cs, districts, inds, now)
	notesAndTasks(cs, now)
	return cs, nil
}

// Load builds the demo and applies it to a store that already holds the
// catalogue and the administrative units.
func Load(ctx context.Context, s planwatch.Store, now time.Time) (planwatch.ApplyResult, error) {
	indList, err := s.Indicators(ctx)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	inds := map[string]planwatch.Indicator{}
	for _, ind := range indList {
		inds[ind.Code] = ind
	}
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	cs, err := Build(planwatch.NewHierarchy(units, trans), inds, now)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	return s.Apply(ctx, cs)
}

// roundTo rounds x to a multiple of step.
func roundTo(x, step float64) float64 { return math.Round(x/step) * step }

// CodeOf returns the catalogue code the demo gives the article's fact with
// this sentence.
func CodeOf(sentence string) (string, bool) {
	for _, fc := range facts {
		if fc.sentence == sentence {
			return fc.code, true
		}
	}
	return "", false
}
