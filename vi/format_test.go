package vi

import "testing"

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		x    float64
		dec  int
		want string
	}{
		{5953, 0, "5.953"},
		{2498.3, 1, "2.498,3"},
		{755950, 0, "755.950"},
		{14.03, 2, "14,03"},
		{26.3, 1, "26,3"},
		{22, 1, "22"},
		{7.35, 2, "7,35"},
		{-3.2, 1, "-3,2"},
		{-0.001, 1, "0"},
		{1234567.891, 2, "1.234.567,89"},
		{0, 0, "0"},
		{100, 0, "100"},
		{999.96, 1, "1.000"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.x, tt.dec); got != tt.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", tt.x, tt.dec, got, tt.want)
		}
	}
}

func TestFormatScaled(t *testing.T) {
	tests := []struct {
		x    float64
		unit string
		dec  int
		want string
	}{
		{5.953e12, "VND", 1, "5.953 tỷ đồng"},
		{2.4983e12, "VND", 1, "2.498,3 tỷ đồng"},
		{8e8, "USD", 1, "800 triệu USD"},
		{755950, "lượt khách", 0, "755.950 lượt khách"},
		{14.03, "tiêu chí/xã", 2, "14,03 tiêu chí/xã"},
		{30739, "ha", 0, "30.739 ha"},
		{26.3, "%", 1, "26,3%"},
	}
	for _, tt := range tests {
		if got := FormatScaled(tt.x, tt.unit, tt.dec); got != tt.want {
			t.Errorf("FormatScaled(%v, %q) = %q, want %q", tt.x, tt.unit, got, tt.want)
		}
	}
	if got := FormatAmount(5.953e12, "tỷ đồng", 1e9, 1); got != "5.953 tỷ đồng" {
		t.Errorf("FormatAmount = %q", got)
	}
}

func TestFormatNumberIn(t *testing.T) {
	for _, tt := range []struct {
		lang string
		x    float64
		dec  int
		want string
	}{
		{"vi", 5953.25, 2, "5.953,25"},
		{"en", 5953.25, 2, "5,953.25"},
		{"en", 12500000, 2, "12,500,000"},
		{"", 12500000, 0, "12.500.000"},
		{"en", -0.5, 1, "-0.5"},
	} {
		if got := FormatNumberIn(tt.lang, tt.x, tt.dec); got != tt.want {
			t.Errorf("FormatNumberIn(%q, %v, %d) = %q, want %q", tt.lang, tt.x, tt.dec, got, tt.want)
		}
	}
}
