package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
	"planwatch/demo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var demoNow = time.Date(2022, 4, 7, 9, 0, 0, 0, time.UTC)

// demoInput builds the Lạng Sơn 2022Q1 demo in memory, as `planwatch demo`
// stores it, without a database.
func demoInput(t testing.TB) Input {
	t.Helper()
	inds, h, cs := demoMaterial(t)
	ds := calc.NewDataset(inds, h, cs.Values, cs.Targets, cs.Milestones)
	return Input{Data: ds, Unit: demo.Province, Period: demo.Period, Notes: cs.Notes, Tasks: cs.Tasks}
}

// demoMaterial is the catalogue, the units and the demo change set.
func demoMaterial(t testing.TB) ([]planwatch.Indicator, *planwatch.Hierarchy, *planwatch.ChangeSet) {
	t.Helper()
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	byCode := map[string]planwatch.Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	cs, err := demo.Build(h, byCode, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	return inds, h, cs
}

func markdown(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; run go test ./report -update and review the diff\n--- got ---\n%s", path, got)
	}
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "fixture-2022q1.md.golden", markdown(t, Build(fixtureInput(t))))
}

// The sentences of the seed article, as the report must write them from data.
func TestSeedSentences(t *testing.T) {
	md := markdown(t, Build(demoInput(t)))
	for _, want := range []string{
		"Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
		"quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"đạt 34.050 tỷ đồng, tăng 1,8% so với 31/12/2021",
		"Chỉ số sản xuất công nghiệp (IIP) quý I tăng 6,4% so với cùng kỳ.",
		"ước đạt 420 tỷ đồng, đạt 16,8% kế hoạch",
		"800 triệu USD, đạt 14,5% kế hoạch",
		"755.950 lượt khách, đạt 22% kế hoạch, tăng 7,9% so với cùng kỳ",
		"277 tỷ đồng, đạt 11% kế hoạch",
		"413 tỷ đồng, đạt 16,5% kế hoạch",
		"30.739 ha, tăng 25,5% so với cùng kỳ",
		"14,03 tiêu chí/xã",
		"100 tỷ đồng",
		"03 dự án",
		"26 sản phẩm",
		"là 2.498,3 tỷ đồng",
		"Phấn đấu hết quý II/2022 diện tích rừng trồng mới tập trung đạt trên 60% kế hoạch.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"tăng 0%", "giảm 0%", "NaN", "Lạng Sơn: Tạo đà"} {
		if strings.Contains(md, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
}

func htmlOf(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLGolden(t *testing.T) {
	golden(t, "fixture-2022q1.html.golden", htmlOf(t, Build(fixtureInput(t))))
}

func TestHTML(t *testing.T) {
	r := Build(fixtureInput(t))
	if len(r.Charts) == 0 {
		t.Fatal("no chart for retail sales, which has a monthly series and a plan")
	}
	h := htmlOf(t, r)
	for _, want := range []string{
		`<html lang="vi">`,
		"@page { size: A4;",
		"<svg ",
		"Năm 2021", // last year's line
		"Kế hoạch 2022 (tiến độ đều)", // the plan line
		"quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"hàng hóa &lt;ùn ứ&gt; tại cửa khẩu &amp; bến bãi", // recorded text is escaped
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<ùn ứ>", "http://", "https://"} {
		if bad == "http://" {
			// The only URL allowed is the SVG namespace.
			h = strings.ReplaceAll(h, "http://www.w3.org/2000/svg", "")
		}
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains %q (must be self-contained and escaped)", bad)
		}
	}
	// The chart sits in the section of its indicator.
	trade := h[strings.Index(h, `<h4 id="trade">`)+4:]
	trade = trade[:strings.Index(trade, "<h")]
	if !strings.Contains(trade, "<svg") {
		t.Error("the retail-sales chart is not in the trade section")
	}
}

// BenchmarkReportProvinceQuarter builds and writes (Markdown and HTML) the
// report of a province for a quarter from a loaded dataset: the work a
// request for a report does once the data are in memory.
// BenchmarkReportProvinceQuarterCold builds a fresh analytics dataset for
// every report (the first report after a write): nothing is memoised.
func BenchmarkReportProvinceQuarterCold(b *testing.B) {
	inds, h, cs := demoMaterial(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		in := Input{Data: calc.NewDataset(inds, h, cs.Values, cs.Targets, cs.Milestones), Unit: demo.Province, Period: demo.Period, Notes: cs.Notes, Tasks: cs.Tasks}
		r := Build(in)
		buf.Reset()
		if err := r.WriteMarkdown(&buf); err != nil {
			b.Fatal(err)
		}
		if err := r.WriteHTML(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportProvinceQuarter reuses one dataset, whose figures calc
// memoises after the first report (a report asked for again).
func BenchmarkReportProvinceQuarter(b *testing.B) {
	in := demoInput(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		r := Build(in)
		buf.Reset()
		if err := r.WriteMarkdown(&buf); err != nil {
			b.Fatal(err)
		}
		if err := r.WriteHTML(&buf); err != nil {
			b.Fatal(err)
		}
	}
}
