package vi

import (
	"math"
	"testing"
	"unicode/utf8"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		size int
		dec  int
	}{
		{"5.953 tỷ", 5953, 5, 0},
		{"2.498,3", 2498.3, 7, 1},
		{"108,987 tỷ", 108.987, 7, 3},
		{"1845 tỷ", 1845, 4, 0},
		{"03 dự án", 3, 2, 0},
		{"14,03 tiêu chí/xã", 14.03, 5, 2},
		{"755.950 lượt", 755950, 7, 0},
		{"4.218,57", 4218.57, 8, 2},
		{"7,9 %", 7.9, 3, 1},
		{"0292.3812.475", 292, 4, 0}, // phone number: stops at the bad group
		{"12345.678", 12345, 5, 0},   // dot groups need a lead of 1–3 digits
		{"7,...", 7, 1, 0},           // truncated text
		{"1.234.567,89", 1234567.89, 12, 2},
		{"30.739 ha", 30739, 6, 0},
	}
	for _, tt := range tests {
		n, size, ok := ParseNumber(tt.in)
		if !ok || n.Value != tt.want || size != tt.size || n.Decimals != tt.dec {
			t.Errorf("ParseNumber(%q) = %v, %d, %v; want %v, %d, dec %d", tt.in, n, size, ok, tt.want, tt.size, tt.dec)
		}
	}
	if _, _, ok := ParseNumber("tỷ"); ok {
		t.Error("ParseNumber(\"tỷ\") ok, want not a number")
	}
}

func TestMalformedAfter(t *testing.T) {
	for in, want := range map[string]bool{".3812": true, ",5": true, ", ": false, ".": false, " ha": false, "": false} {
		if got := MalformedAfter(in); got != want {
			t.Errorf("MalformedAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		val  float64
		unit string
	}{
		{"5.953 tỷ đồng", 5953e9, "VND"},
		{"2.498,3 tỷ đồng", 2498300000000, "VND"},
		{"108,987 tỷ đồng", 108987000000, "VND"},
		{"1845 tỷ đồng", 1845e9, "VND"},
		{"800 triệu USD", 800e6, "USD"},
		{"6,92 tỷ USD", 6920000000, "USD"},
		{"1,2 nghìn tỷ đồng", 1.2e12, "VND"},
		{"9,6 nghìn tỷ đồng", 9.6e12, "VND"},
		{"93,5 nghìn tỷ đồng", 93.5e12, "VND"},
		{"9.850 tỷ, tăng", 9850e9, "VND"},
		{"5.210 tỉ đồng", 5210e9, "VND"},
		{"2,5 triệu lượt khách", 2.5e6, "lượt khách"},
		{"1,27triệu lượt khách", 1270000, "lượt khách"},
		{"186 ngàn lượt, gấp", 186000, "lượt khách"},
		{"415.600 lyợt, tãng", 415600, "lượt khách"},
		{"512\nnghìn tấn", 512000, "tấn"},
		{"03 dự án", 3, "dự án"},
		{"14,03 tiêu chí/xã", 14.03, "tiêu chí/xã"},
		{"7,9 %", 7.9, "%"},
		{"68,45 %", 68.45, "%"},
		{"25,5%", 25.5, "%"},
		{"14.125km2", 14125, "km2"},
		{"12,6 km đường", 12.6, "km"},
		{"5.120 triệu kWh", 5120000000, "kWh"},
		{"30.739 ha", 30739, "ha"},
		{"1,4 điểm phần trăm", 1.4, "điểm %"},
		{"2,5 lần cùng kỳ", 2.5, "lần"},
		{"142 nghìn khách hàng", 142000, "khách hàng"},
		{"56,8 triệu đồng", 56800000, "VND"},
		{"1,3 triệu người", 1300000, "người"},
		{"2 hai", 2, ""},
		{"10 huyện", 10, ""},
		{"24h", 24, ""},
		{"1 tỷ lệ", 1, ""},
	}
	for _, tt := range tests {
		q, _, ok := ParseQuantity(tt.in)
		if !ok || q.Value != tt.val || q.Unit != tt.unit {
			t.Errorf("ParseQuantity(%q) = %v %q (ok %v); want %v %q", tt.in, q.Value, q.Unit, ok, tt.val, tt.unit)
		}
	}
}

func TestParseScale(t *testing.T) {
	for in, want := range map[string]int{"nghìn tỷ đồng": 12, "ngàn tấn": 3, "triệu": 6, "tỉ đồng": 9, "Tỷ USD": 9, "tỷ lệ": 0, "trieu": 0} {
		if got, _ := ParseScale(in); got != want {
			t.Errorf("ParseScale(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"5.953", "2.498,3", "108,987", "0292.3812.475", "1,", "9.999.999.999.999.999.999.999,99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, size, ok := ParseNumber(s)
		if !ok {
			return
		}
		if size <= 0 || size > len(s) {
			t.Fatalf("size %d out of range for %q", size, s)
		}
		if n.Value < 0 || math.IsNaN(n.Value) {
			t.Fatalf("value %v for %q", n.Value, s)
		}
		MalformedAfter(s[size:])
	})
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"5.953 tỷ đồng", "1,27triệu lượt", "512\nnghìn tấn", "7,9 %", "14.125km2", "1 tỷ lệ", "3 \xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, size, ok := ParseQuantity(s)
		if ok && (size <= 0 || size > len(s)) {
			t.Fatalf("size %d out of range for %q", size, s)
		}
		if ok && q.UnitStart >= size {
			t.Fatalf("unit start %d beyond size %d", q.UnitStart, size)
		}
		ParseUnit(s)
		ParseScale(s)
		_ = utf8.ValidString(s)
	})
}
