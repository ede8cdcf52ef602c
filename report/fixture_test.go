package report

import (
	"testing"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
)

// fixtureInput is a small dataset of its own for the golden files, so that
// they change only when the report does: the figures of the seed article for
// province 20 in 2022Q1, their targets and last year's figures, a monthly
// series of retail sales for the charts, a note and tasks.
func fixtureInput(t testing.TB) Input {
	t.Helper()
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	const u = "20"
	q1, q121 := planwatch.MustPeriod("2022Q1"), planwatch.MustPeriod("2021Q1")
	f := planwatch.Float
	val := func(code string, p planwatch.Period, v, yoy, plan, vsRef *float64) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: code, Unit: u, Period: p}, Basis: planwatch.BasisPeriod,
			Vintage: planwatch.Official, Value: v, YoY: yoy, PlanPct: plan, VsRef: vsRef}
	}
	values := []planwatch.DataValue{
		val("agri.planted_area", q1, f(30739), f(25.5), nil, nil),
		val("agri.ocop_products_ranked", q1, f(26), nil, nil, nil),
		val("ntm.budget_advance_projects", q1, f(100e9), nil, nil, nil),
		val("ntm.avg_criteria_per_commune", q1, f(14.03), nil, nil, nil),
		val("trade.border_export_import_turnover", q1, f(800e6), nil, f(14.5), nil),
		val("invest.public_new_projects_started", q1, f(3), nil, nil, nil),
		val("invest.public_disbursed", q1, f(413e9), nil, f(16.5), nil),
		val("industry.iip_index", q1, nil, f(6.4), nil, nil),
		val("trade.retail_sales_services", q1, f(5953e9), f(7.35), f(26.3), nil),
		val("bank.deposits_mobilised", q1, f(34050e9), nil, nil, f(1.8)),
		val("tourism.visitors_total", q1, f(755950), f(7.9), f(22), nil),
		val("tourism.revenue", q1, f(277e9), nil, f(11), nil),
		// Computed comparisons: last year's figure, no reported growth.
		val("trade.retail_sales_goods", q1, f(4210e9), nil, nil, nil),
		val("trade.retail_sales_goods", q121, f(4300e9), nil, nil, nil),
		// A rate with last year's level: change in percentage points.
		val("bank.npl_ratio", q1, f(1.2), nil, nil, nil),
		val("bank.npl_ratio", q121, f(1.45), nil, nil, nil),
	}
	est := val("invest.public_work_done_value", q1, f(420e9), nil, f(16.8), nil)
	est.Vintage = planwatch.Estimate
	values = append(values, est)
	// Monthly retail sales in 2021 and the first months of 2022 (illustrative
	// shape, summing to the quarter): the chart's material.
	monthly := []float64{1790, 1800, 1955.4, 1850, 1870, 1900, 1880, 1890, 1920, 1950, 1980, 2100}
	for m, x := range monthly {
		values = append(values, val("trade.retail_sales_services", planwatch.MonthOf(2021, m+1), f(x*1e9), nil, nil, nil))
	}
	for m, x := range []float64{1950, 1930, 2073} {
		values = append(values, val("trade.retail_sales_services", planwatch.MonthOf(2022, m+1), f(x*1e9), nil, nil, nil))
	}
	targets := []planwatch.Target{
		{Indicator: "trade.retail_sales_services", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 22635e9, Version: 1},
		{Indicator: "trade.border_export_import_turnover", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 5517.2e6, Version: 1},
		{Indicator: "tourism.visitors_total", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 3436136, Version: 1},
		{Indicator: "tourism.revenue", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 2518.2e9, Version: 1},
		{Indicator: "invest.public_disbursed", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 2503e9, Version: 1},
		{Indicator: "invest.public_work_done_value", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 2500e9, Version: 1},
		{Indicator: "invest.public_plan_allocated", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 2498.3e9, Version: 1},
		{Indicator: "bank.npl_ratio", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 1.5, Version: 1},
		// A target without any figure this period: reported as missing.
		{Indicator: "budget.revenue_total", Unit: u, Year: 2022, Kind: planwatch.TargetPlan, Value: 7150e9, Version: 1},
	}
	milestones := []planwatch.Milestone{{Indicator: "forest.new_planting_area", Unit: u, Period: planwatch.MustPeriod("2022Q1-Q2"),
		Share: 60, Bound: planwatch.BoundMin, TargetKind: planwatch.TargetPlan}}
	ds := calc.NewDataset(inds, planwatch.NewHierarchy(units, trans), values, targets, milestones)
	q2 := planwatch.MustPeriod("2022Q2")
	return Input{Data: ds, Unit: u, Period: q1,
		Notes: []planwatch.Note{
			{Sector: "Thương mại, dịch vụ", Unit: u, Period: q1, Text: "Năng lực thông quan giảm do dịch bệnh; hàng hóa <ùn ứ> tại cửa khẩu & bến bãi."},
			{Sector: "Quốc phòng, an ninh, trật tự an toàn xã hội", Unit: u, Period: q1, Text: "Tình hình an ninh chính trị ổn định."},
			{Sector: "Tài chính công", Unit: u, Period: q2, Text: "Ghi chú của quý sau: không thuộc báo cáo này."},
		},
		Tasks: []planwatch.Task{
			{ID: 1, Unit: u, Sector: "Đầu tư và xây dựng", Owner: "Sở Kế hoạch và Đầu tư", Due: q2, Status: planwatch.TaskOpen,
				Text: "Đẩy nhanh tiến độ giải ngân vốn đầu tư công.", Indicators: []string{"invest.public_disbursed"}},
			{ID: 2, Unit: u, Sector: "Nông, lâm nghiệp và thủy sản", Owner: "Sở Nông nghiệp và Phát triển nông thôn", Due: q2, Status: planwatch.TaskInProgress,
				Text: "Tăng cường bảo vệ và phát triển rừng.", Indicators: []string{"forest.new_planting_area"}},
			{ID: 3, Unit: u, Sector: "Thương mại, dịch vụ", Owner: "Sở Công Thương", Due: q1, Status: planwatch.TaskOpen,
				Text: "Hoàn thành phương án phân luồng hàng hóa tại cửa khẩu."},
			{ID: 4, Unit: u, Sector: "Thương mại, dịch vụ", Owner: "Sở Công Thương", Due: q2, Status: planwatch.TaskDone,
				Text: "Nhiệm vụ đã xong: không đưa vào báo cáo."},
		},
	}
}
