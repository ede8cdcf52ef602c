package demo

import (
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"time"

	"planwatch"
)

// seasons are illustrative monthly weights (January first) for the flows
// that get an illustrative series.
var seasons = map[string][12]float64{
	"agri.planted_area":                   {0.6, 1.6, 2.9, 2.4, 1.4, 1.0, 1.2, 1.4, 1.3, 0.9, 0.5, 0.3},
	"trade.retail_sales_services":         {1.10, 1.05, 0.95, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.15},
	"trade.border_export_import_turnover": {0.8, 0.7, 0.9, 1.0, 1.0, 1.0, 1.05, 1.05, 1.1, 1.1, 1.1, 1.2},
	"invest.public_disbursed":             {0.3, 0.4, 0.6, 0.7, 0.8, 1.0, 1.0, 1.1, 1.2, 1.3, 1.6, 2.5},
	"invest.public_work_done_value":       {0.4, 0.5, 0.7, 0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.5, 2.2},
	"tourism.visitors_total":              {1.4, 1.6, 1.1, 0.9, 0.9, 0.8, 0.9, 0.9, 0.8, 1.0, 1.0, 1.0},
	"tourism.revenue":                     {1.4, 1.6, 1.1, 0.9, 0.9, 0.8, 0.9, 0.9, 0.8, 1.0, 1.0, 1.0},
}

// illustrative is the source of every invented figure.
var illustrative = planwatch.Source{Kind: planwatch.SourceIllustrative,
	Ref: "minh họa / illustrative: chuỗi số liệu giả định theo huyện, khớp tổng quý I/2022 của tỉnh"}

// noise is a deterministic pseudo-random number in [0, 1) from its inputs.
func noise(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return float64(h.Sum64()%1_000_000) / 1_000_000
}

// step is the rounding step of illustrative figures in base units.
func step(unit string) float64 {
	switch unit {
	case "VND":
		return 1e6
	case "USD":
		return 1e3
	}
	return 1
}

// illustrate adds monthly values by district: Q1 2022 adds up to the
// article's figure; where the article states growth, 2020–2021 are added too,
// Q1 2021 adding up to the figure derived from that growth.
func illustrate(cs *planwatch.ChangeSet, districts []string, inds map[string]planwatch.Indicator, now time.Time) {
	q1 := map[string]float64{}
	q1LastYear := map[string]float64{}
	for _, v := range cs.Values {
		if v.Unit != Province || v.Value == nil {
			continue
		}
		switch v.Period {
		case Period:
			q1[v.Indicator] = *v.Value
		case Period.SamePeriodLastYear():
			q1LastYear[v.Indicator] = *v.Value
		}
	}
	// District shares: uneven, fixed.
	shares := make([]float64, len(districts))
	total := 0.0
	for i, d := range districts {
		shares[i] = 0.5 + 2*noise("share", d)
		total += shares[i]
	}
	for i := range shares {
		shares[i] /= total
	}
	add := func(code, unit string, p planwatch.Period, x float64) {
		cs.Values = append(cs.Values, planwatch.DataValue{
			Key: planwatch.Key{Indicator: code, Unit: unit, Period: p}, Basis: planwatch.BasisPeriod,
			Vintage: planwatch.Official, Value: planwatch.Float(x), Source: illustrative, By: "demo", At: now})
	}
	// split divides a monthly province total among districts, exactly.
	split := func(code string, p planwatch.Period, totalX, st float64) {
		rest := totalX
		for i, d := range districts {
			x := roundTo(totalX*shares[i]*(0.9+0.2*noise(code, d, p.ID())), st)
			if i == len(districts)-1 {
				x = rest
			}
			rest -= x
			add(code, d, p, x)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(seasons)) { // in code order: the same demo every time
		season := seasons[code]
		cur, ok := q1[code]
		if !ok {
			continue
		}
		base, _ := planwatch.SplitUnit(inds[code].Unit)
		st := step(base)
		// History only where the article states growth: otherwise an invented
		// last year would produce a growth figure the article never gave.
		years := []int{2022}
		prev, ok := q1LastYear[code]
		if ok {
			years = []int{2020, 2021, 2022}
		}
		for _, year := range years {
			quarterTotal := prev * 0.93
			switch year {
			case 2021:
				quarterTotal = prev
			case 2022:
				quarterTotal = cur
			}
			q := season[0] + season[1] + season[2]
			monthly := [12]float64{}
			sumQ1 := 0.0
			for m := 0; m < 12; m++ {
				monthly[m] = roundTo(quarterTotal*season[m]/q*(0.97+0.06*noise(code, "m", strconv.Itoa(year), strconv.Itoa(m))), st)
				if m < 3 {
					sumQ1 += monthly[m]
				}
			}
			monthly[2] += roundTo(quarterTotal, st) - sumQ1 // Q1 adds up exactly
			for m := 0; m < 12; m++ {
				split(code, planwatch.MonthOf(year, m+1), monthly[m], st)
			}
		}
	}
	// Deposits, a stock: monthly levels by district, rising through the year;
	// 31/12/2021 and 31/3/2022 add up to the article's figures.
	if cur, ok := q1["bank.deposits_mobilised"]; ok {
		var dec2021 float64
		for _, v := range cs.Values {
			if v.Indicator == "bank.deposits_mobilised" && v.Unit == Province && v.Period == planwatch.YearOf(2021) {
				dec2021 = *v.Value
			}
		}
		if dec2021 > 0 {
			monthlyGrowth := (cur/dec2021 - 1) / 3
			for year := 2022; year <= 2022; year++ { // no invented history before the stated reference
				for m := 1; m <= 12; m++ {
					months := float64((year-2021)*12 + m - 12) // 0 at December 2021
					level := roundTo(dec2021*(1+monthlyGrowth*months), 1e9)
					if year == 2022 && m == 3 {
						level = cur
					}
					split("bank.deposits_mobilised", planwatch.MonthOf(year, m), level, 1e9)
				}
			}
		}
	}
}

// notesAndTasks adds sector notes and priority tasks written for the demo
// (in planwatch's own words, summarising the situation the article reports).
func notesAndTasks(cs *planwatch.ChangeSet, now time.Time) {
	note := func(sector, text string) {
		cs.Notes = append(cs.Notes, planwatch.Note{Sector: sector, Unit: Province, Period: Period, Text: text, By: "demo", At: now})
	}
	note("Thương mại, dịch vụ", "Dịch COVID-19 làm giảm năng lực thông quan, hàng hóa xuất khẩu ùn ứ tại các cửa khẩu; tỉnh tạm dừng tiếp nhận hàng hóa đến cửa khẩu để hạn chế ùn tắc. (minh họa)")
	note("Nông, lâm nghiệp và thủy sản", "Đàn gia súc, gia cầm ổn định; dịch bệnh được kiểm soát; chủ động phòng, chống rét cho vật nuôi, cây trồng. (minh họa)")
	next := planwatch.QuarterOf(2022, 2)
	task := func(sector, owner, text string, indicators ...string) {
		cs.Tasks = append(cs.Tasks, planwatch.Task{Unit: Province, Sector: sector, Text: text, Owner: owner, Due: next,
			Status: planwatch.TaskOpen, Indicators: indicators, By: "demo", At: now})
	}
	task("Nông, lâm nghiệp và thủy sản", "Sở Nông nghiệp và Phát triển nông thôn", "Tăng cường bảo vệ và phát triển rừng; đẩy nhanh tiến độ trồng rừng mới. (minh họa)", "forest.new_planting_area")
	task("Thương mại, dịch vụ", "Sở Công Thương", "Tháo gỡ khó khăn, nâng cao năng lực thông quan hàng hóa xuất, nhập khẩu qua các cửa khẩu. (minh họa)", "trade.border_export_import_turnover")
	task("Đầu tư và xây dựng", "Sở Kế hoạch và Đầu tư", "Đẩy nhanh tiến độ giải ngân vốn đầu tư công. (minh họa)", "invest.public_disbursed")
}
