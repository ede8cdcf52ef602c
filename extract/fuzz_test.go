package extract

import (
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExtract checks that no input makes the extractor panic and that every
// fact it returns points inside the text.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Tổng mức bán lẻ quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"tăng 2,4% so với tháng trước và tăng 5,8% so với cùng kỳ; tính chung 4 tháng ước tăng 4,1%",
		"Ngành | Tháng 4 so với tháng 3 | 4 tháng so với cùng kỳ\nA | 102,5 | 104,3",
		"khoảng 7,5-8% so với cùng kỳ (phần lớn chỉ từ 5-6%)", "phấn đấu hết quý II/2022 đạt trên 60% kế hoạch",
		"512\nnghìn tấn", "tăng 7,...", "0292.3812.475", "Km15+700", "tỷ lệ 1/500", "30/4 - 1/5", "\xff\xfe1,2 tỷ",
		"so với", "quý", "tháng 13/2023", "ngày 31 tháng 2 năm 2023", "Tin liên quan\n- 5 tỷ đồng",
		"| Chỉ tiêu | ĐVT | Năm 2024 | Năm 2024 |\n| Chỉ tiêu | ĐVT | KH | Ước TH quý I |\n| Thu | Tỷ đồng | 7,5 - 8 | 2.615 |",
		"Đơn vị tính: Tỷ đồng\n2020\nSơ bộ\n2021\nTổng số\n1,5\n-", "2. Các chỉ tiêu chủ yếu năm 2025\n- GRDP tăng 8 - 8,5%.",
	} {
		f.Add(s)
	}
	x := New(loadCatalogue(f))
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, fact := range x.Extract(s, Options{}) {
			if fact.Start < 0 || fact.End < fact.Start || fact.End > n+utf8.RuneCountInString(fact.Sentence) {
				t.Fatalf("bad offsets %d..%d", fact.Start, fact.End)
			}
		}
	})
}

// FuzzPeriods checks the period-phrase reader alone.
func FuzzPeriods(f *testing.F) {
	for _, s := range []string{"quý I/2022", "6 tháng đầu năm 2024", "tháng Ba năm 2024", "đến ngày 30/6/2023",
		"giai đoạn 2021-2023", "trong tháng", "tại thời điểm này", "lũy kế 8 tháng", "đến hết tháng 9", "năm 99999"} {
		f.Add(s)
	}
	pc := periodContext{year: 2023, date: time.Date(2023, 7, 8, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, s string) {
		lo := lowerSameLen(s)
		if len(lo) != len(s) {
			t.Fatalf("lowerSameLen changed the length: %d → %d", len(s), len(lo))
		}
		for _, r := range scanPeriods(lo, pc) {
			if r.start < 0 || r.end > len(s) || r.start > r.end {
				t.Fatalf("bad span %d..%d of %d", r.start, r.end, len(s))
			}
			_ = periodID(r.p, r.multi)
		}
	})
}

// BenchmarkExtract measures throughput on the eval-dev documents: MB/s of
// wall time and cpu-MB/s of processor time.
func BenchmarkExtract(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join(evalDir, "*.txt"))
	if len(paths) == 0 {
		b.Skip("no eval-dev documents")
	}
	var texts []string
	size := 0
	for _, p := range paths {
		t, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(t))
		size += len(t)
	}
	x := New(loadCatalogue(b))
	b.SetBytes(int64(size))
	cpu0 := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			x.Extract(t, Options{})
		}
	}
	// On a shared machine wall time includes the wait for a processor;
	// processor time does not (it includes the garbage collector's work).
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}
