package web

import (
	"math"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/calc"
	"planwatch/vi"
	"planwatch/web/i18n"
)

// formatNumber writes x the way the language does: "5.953,5" in Vietnamese
// (CLDR vi), "5,953.5" in English. Trailing zeros of the fraction are dropped.
func formatNumber(lang string, x float64, dec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return vi.FormatNumberIn(lang, x, dec)
}

// formatPct writes a percentage, or "—" when unknown; signed adds "+" to growth.
func formatPct(lang string, x *float64, signed bool) string {
	if x == nil {
		return "—"
	}
	s := formatNumber(lang, *x, 2) + "%"
	if signed && *x > 0 {
		s = "+" + s
	}
	return s
}

// displayValue turns a value in base units into the indicator's display unit.
func displayValue(ind planwatch.Indicator, base float64) (float64, int) {
	_, scale := ind.BaseUnit()
	v := base / scale
	dec := ind.Decimals
	if dec == 0 && v != math.Trunc(v) {
		dec = 2
	}
	return v, dec
}

// formatAmount writes a value in base units in the indicator's display unit.
func formatAmount(lang string, ind planwatch.Indicator, base float64) string {
	v, dec := displayValue(ind, base)
	return formatNumber(lang, v, dec) + " " + unitLabel(lang, ind.Unit)
}

func formatFigure(lang string, ind planwatch.Indicator, f calc.Figure) string {
	if !f.OK {
		return "—"
	}
	return formatAmount(lang, ind, f.Value)
}

// unitLabel translates the common printed units to English.
func unitLabel(lang, unit string) string {
	if lang != "en" {
		return unit
	}
	if s := i18n.Unit(unit); s != "" {
		return s
	}
	return unit
}

func indicatorName(lang string, ind planwatch.Indicator) string {
	if lang == "en" && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameVI
}

func formatSource(lang string, src planwatch.Source) string {
	s := i18n.T(lang, "source."+string(src.Kind))
	if src.Ref != "" {
		s += ": " + src.Ref
	}
	if src.Row > 0 {
		s += " (" + i18n.T(lang, "source.row", src.Row) + ")"
	}
	return s
}

// parseInput reads a number typed into a form: "5.953,5" in Vietnamese,
// "5,953.5" in English; plain "5953.5" is accepted in English only, since in
// Vietnamese the dot groups thousands.
func parseInput(lang, s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", ""))
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, false
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var v float64
	if lang == "en" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		v = f
	} else {
		n, size, ok := vi.ParseNumber(s)
		if !ok || size != len(s) {
			return 0, false
		}
		v = n.Value
	}
	if neg {
		v = -v
	}
	return v, true
}

// sectorLabel translates a catalogue sector for English; unknown sectors
// keep their Vietnamese name.
func sectorLabel(lang, sector string) string {
	if lang == "en" {
		if s := i18n.Sector(sector); s != "" {
			return s
		}
	}
	return sector
}
