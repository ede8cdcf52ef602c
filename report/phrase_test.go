package report

import (
	"strings"
	"testing"

	"planwatch"
	"planwatch/calc"
)

func TestChangeNeverSaysZero(t *testing.T) {
	for _, c := range []struct {
		x        float64
		reported bool
		want     string
	}{
		{7.35, true, "tăng 7,35% so với cùng kỳ"},
		{-3.04, false, "giảm 3% so với cùng kỳ"},
		{0.04, false, "tương đương cùng kỳ"},
		{-0.00001, true, "tương đương cùng kỳ"},
		{0, false, "tương đương cùng kỳ"},
		{22, true, "tăng 22% so với cùng kỳ"},
	} {
		if got := change(c.x, c.reported, "cùng kỳ"); got != c.want {
			t.Errorf("change(%v, %v) = %q, want %q", c.x, c.reported, got, c.want)
		}
	}
	if got := changePoints(-1.25, "cùng kỳ"); got != "giảm 1,25 điểm phần trăm so với cùng kỳ" {
		t.Errorf("changePoints = %q", got)
	}
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		ind  planwatch.Indicator
		base float64
		want string
	}{
		{planwatch.Indicator{Unit: "tỷ đồng", Decimals: 1, Kind: planwatch.KindFlow}, 5953e9, "5.953 tỷ đồng"},
		{planwatch.Indicator{Unit: "tỷ đồng", Decimals: 1, Kind: planwatch.KindFlow}, 2498.34e9, "2.498,3 tỷ đồng"},
		{planwatch.Indicator{Unit: "triệu USD", Decimals: 1, Kind: planwatch.KindFlow}, 800e6, "800 triệu USD"},
		{planwatch.Indicator{Unit: "lượt khách", Decimals: 0, Kind: planwatch.KindFlow}, 755950, "755.950 lượt khách"},
		{planwatch.Indicator{Unit: "dự án", Kind: planwatch.KindCount}, 3, "03 dự án"},
		{planwatch.Indicator{Unit: "dự án", Kind: planwatch.KindCount}, 12, "12 dự án"},
		{planwatch.Indicator{Unit: "tiêu chí/xã", Decimals: 2, Kind: planwatch.KindAverage}, 14.03, "14,03 tiêu chí/xã"},
		{planwatch.Indicator{Unit: "nghìn con", Decimals: 1, Kind: planwatch.KindStock}, 1234500, "1.234,5 nghìn con"},
		{planwatch.Indicator{Unit: "%", Decimals: 1, Kind: planwatch.KindRate}, 26.349, "26,3%"},
		{planwatch.Indicator{Unit: "triệu đồng/người", Decimals: 1, Kind: planwatch.KindAverage}, 52.46e6, "52,5 triệu đồng/người"},
	} {
		if got := formatValue(&c.ind, c.base); got != c.want {
			t.Errorf("formatValue(%s, %v) = %q, want %q", c.ind.Unit, c.base, got, c.want)
		}
	}
}

func TestSubject(t *testing.T) {
	for _, c := range []struct{ name, subj, ref string }{
		{"Tốc độ tăng chỉ số sản xuất công nghiệp so với cùng kỳ", "Chỉ số sản xuất công nghiệp", "cùng kỳ"},
		{"Chỉ số giá tiêu dùng (CPI) so với tháng trước", "Chỉ số giá tiêu dùng (CPI)", "tháng trước"},
		{"Vốn đầu tư công đã giải ngân (lũy kế từ đầu năm)", "Vốn đầu tư công đã giải ngân", ""},
		{"Số xã được công nhận đạt chuẩn nông thôn mới trong kỳ", "Số xã được công nhận đạt chuẩn nông thôn mới", ""},
	} {
		ind := planwatch.Indicator{NameVI: c.name}
		if s, r := subject(&ind); s != c.subj || r != c.ref {
			t.Errorf("subject(%q) = %q, %q; want %q, %q", c.name, s, r, c.subj, c.ref)
		}
	}
	if got := lowerFirst("GRDP bình quân"); got != "GRDP bình quân" {
		t.Errorf("acronym lowered: %q", got)
	}
	if got := withYear("Kế hoạch vốn đầu tư công năm được giao", 2022); got != "Kế hoạch vốn đầu tư công năm 2022 được giao" {
		t.Errorf("withYear = %q", got)
	}
}

func TestPeriods(t *testing.T) {
	for _, c := range []struct{ p, next, title string }{
		{"2022Q1", "2022Q2", "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022"},
		{"2022Q4", "2023Q1", "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý IV/2022; nhiệm vụ, giải pháp trọng tâm quý I/2023"},
		{"2022S1", "2022S2", "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 6 tháng đầu năm; nhiệm vụ, giải pháp trọng tâm 6 tháng cuối năm năm 2022"},
		{"2022", "2023", "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2022; nhiệm vụ, giải pháp trọng tâm năm 2023"},
		{"2022Q1-Q3", "2022Q4", ""},
		{"202212", "202301", ""},
	} {
		p := planwatch.MustPeriod(c.p)
		if got := NextPeriod(p).ID(); got != c.next {
			t.Errorf("NextPeriod(%s) = %s, want %s", c.p, got, c.next)
		}
		if c.title != "" && Title(p) != c.title {
			t.Errorf("Title(%s) = %q\nwant %q", c.p, Title(p), c.title)
		}
	}
	if got := endPhrase(planwatch.MustPeriod("2022Q1-Q2")); got != "quý II/2022" {
		t.Errorf("endPhrase = %q", got)
	}
}

// A unit and period without data: the report says so and writes no figure.
func TestMissingData(t *testing.T) {
	in := demoInput(t)
	inds := make([]planwatch.Indicator, 0, len(in.Data.Indicators()))
	for _, ind := range in.Data.Indicators() {
		inds = append(inds, ind)
	}
	ind := in.Data.Indicators()["trade.retail_sales_services"]
	// A target and last year's figure, but nothing for 2023Q1.
	ds := calc.NewDataset(inds, in.Data.Units(),
		[]planwatch.DataValue{{Key: planwatch.Key{Indicator: ind.Code, Unit: "20", Period: planwatch.MustPeriod("2022Q1")},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(5953e9)}},
		[]planwatch.Target{{Indicator: ind.Code, Unit: "20", Year: 2023, Kind: planwatch.TargetPlan, Value: 24000e9, Version: 1}}, nil)
	r := Build(Input{Data: ds, Unit: "20", Period: planwatch.MustPeriod("2023Q1")})
	md := markdown(t, r)
	for _, want := range []string{
		"Chưa có số liệu quý I/2023 của tỉnh Lạng Sơn",
		"Chưa có số liệu quý I/2023 của: Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng.",
		"Chưa ghi nhận nhiệm vụ trọng tâm nào cho quý II/2023.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing-data report lacks %q:\n%s", want, md)
		}
	}
	for _, s := range r.Parts {
		for _, sec := range s.Sections {
			if len(sec.Sentences) > 0 {
				t.Errorf("section %s has sentences without data: %v", sec.ID, sec.Sentences)
			}
		}
	}
	// Only the plan (24.000) and last year's figure (5.953) may appear as numbers.
	if strings.Contains(md, "đạt 5.953") || strings.Contains(md, "tăng") {
		t.Errorf("missing-data report states a result:\n%s", md)
	}
	if len(r.Annex) != 1 || r.Annex[0].Current != "" || r.Annex[0].Plan != "24.000" || r.Annex[0].LastYear != "5.953" {
		t.Errorf("annex = %+v", r.Annex)
	}

	// A unit nobody reported for at all.
	empty := Build(Input{Data: ds, Unit: "01", Period: planwatch.MustPeriod("2023Q1")})
	md = markdown(t, empty)
	if !strings.Contains(md, "Chưa có số liệu quý I/2023 của thành phố Hà Nội") || len(empty.Annex) != 0 {
		t.Errorf("empty report:\n%s", md)
	}
}

// A later period's report writes flows with their year-to-date figure and
// leaves out the notes of earlier periods.
func TestLaterPeriod(t *testing.T) {
	in := fixtureInput(t)
	in.Period = planwatch.MustPeriod("2022Q2")
	in.Notes = append(in.Notes, planwatch.Note{Sector: "trade", Unit: "20", Period: planwatch.MustPeriod("2022S1"), Text: "Ghi chú 6 tháng."})
	md := markdown(t, Build(in))
	if strings.Contains(md, "Năng lực thông quan giảm") {
		t.Error("a Q1 note appears in the Q2 report")
	}
	for _, want := range []string{"Ghi chú 6 tháng.", "nhiệm vụ, giải pháp trọng tâm quý III năm 2022", "Chưa có số liệu quý II/2022 của:"} {
		if !strings.Contains(md, want) {
			t.Errorf("Q2 report lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "5.953 tỷ đồng") {
		t.Error("the Q1 figure is reported as Q2's")
	}
}
