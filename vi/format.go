// Package vi holds the Vietnamese text conventions planwatch reads and writes:
// numbers with a decimal comma and dot groups ("5.953", "2.498,3", "26,3%"),
// scale words (nghìn, triệu, tỷ), units, and period phrases.
package vi

import (
	"math"
	"strconv"
	"strings"
)

// FormatNumber writes x with the given decimals the Vietnamese way (CLDR vi:
// decimal comma, dot groups): 5953 → "5.953", 2498.3 → "2.498,3". Trailing
// zeros of the fraction are dropped, so 22.0 with 1 decimal prints "22".
func FormatNumber(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if x < 0 && (strings.Trim(intPart, "0") != "" || frac != "") {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatNumberIn writes x as FormatNumber in Vietnamese (lang "vi" or
// anything but "en"), and in English (decimal point, comma groups:
// 2498.3 → "2,498.3") for lang "en".
func FormatNumberIn(lang string, x float64, decimals int) string {
	s := FormatNumber(x, decimals)
	if lang != "en" {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.':
			return ','
		case ',':
			return '.'
		}
		return r
	}, s)
}

// FormatPercent writes a percentage: 26.3 → "26,3%".
func FormatPercent(x float64, decimals int) string { return FormatNumber(x, decimals) + "%" }

// scales lists the scale words a figure may be written with, largest first.
var scales = []struct {
	word   string
	factor float64
}{
	{"nghìn tỷ", 1e12},
	{"tỷ", 1e9},
	{"triệu", 1e6},
	{"nghìn", 1e3},
}

// FormatAmount writes a value given in base units in the display unit of an
// indicator: FormatAmount(5.953e12, "tỷ đồng", 1) → "5.953 tỷ đồng".
func FormatAmount(base float64, displayUnit string, scale float64, decimals int) string {
	if scale == 0 {
		scale = 1
	}
	return FormatNumber(base/scale, decimals) + " " + displayUnit
}

// FormatScaled writes a value in base units with the scale word that reads
// best, as a report would: 8e8 USD → "800 triệu USD", 755950 lượt khách →
// "755.950 lượt khách". Money keeps the conventional "tỷ đồng" for VND below
// 10¹⁵; counts of people and visits are written in full below 10⁷.
func FormatScaled(base float64, unit string, decimals int) string {
	abs := math.Abs(base)
	switch unit {
	case "VND":
		if abs >= 1e9 {
			return FormatNumber(base/1e9, decimals) + " tỷ đồng"
		}
		if abs >= 1e6 {
			return FormatNumber(base/1e6, decimals) + " triệu đồng"
		}
		return FormatNumber(base, 0) + " đồng"
	case "USD":
		for _, s := range scales[1:] {
			if abs >= s.factor {
				return FormatNumber(base/s.factor, decimals) + " " + s.word + " USD"
			}
		}
		return FormatNumber(base, decimals) + " USD"
	}
	if abs >= 1e7 && unit != "%" {
		return FormatNumber(base/1e6, 2) + " triệu " + unit
	}
	if unit == "%" {
		return FormatNumber(base, decimals) + "%"
	}
	return FormatNumber(base, decimals) + " " + unit
}
