package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"planwatch"
	"planwatch/vi"
)

// lang is the language a report is written in. Vietnamese is the report of
// record; English is the same report, figure for figure and section for
// section, in the register of an English statistical release. Every
// sentence is built once, with both wordings side by side (pick), so the
// two cannot drift apart in what they say.
type lang string

const (
	langVI lang = "vi"
	langEN lang = "en"
)

// Languages lists the languages a report can be written in; the first is the default.
var Languages = []string{"vi", "en"}

// KnownLang reports whether a report can be written in language s.
func KnownLang(s string) bool { return s == "vi" || s == "en" }

func langOf(s string) lang {
	if s == "en" {
		return langEN
	}
	return langVI
}

// pick returns the wording of the language.
func (l lang) pick(viText, enText string) string {
	if l == langEN {
		return enText
	}
	return viText
}

// num writes a number the language's way: "5.953,5" (CLDR vi) or "5,953.5".
func (l lang) num(x float64, decimals int) string {
	s := vi.FormatNumber(x, decimals)
	if l != langEN {
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

// pct writes a percentage: as reported when the source stated it (7,35),
// else to one decimal.
func (l lang) pct(x float64, reported bool) string {
	if reported {
		return l.num(x, 4)
	}
	return l.num(x, 1)
}

// unit is a display unit in the language ("tỷ đồng", "billion VND").
func (l lang) unit(u string) string {
	if l == langEN {
		if en := vi.UnitEN(u); en != "" {
			return en
		}
	}
	return u
}

// name is an indicator's name in the language (the Vietnamese one when it has no English name).
func (l lang) name(ind *planwatch.Indicator) string {
	if l == langEN && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameVI
}

// value writes a value in base units in the indicator's display unit, at
// the right scale and rounded to its decimals: "5.953 tỷ đồng" / "VND 5,953
// billion", "800 triệu USD" / "USD 800 million", "755.950 lượt khách",
// "03 dự án" / "3 projects".
func (l lang) value(ind *planwatch.Indicator, base float64) string {
	if l == langVI {
		return formatValue(ind, base)
	}
	bu, scale := ind.BaseUnit()
	abs := math.Abs(base)
	switch {
	case bu == "VND" || bu == "USD":
		for _, s := range []struct {
			factor float64
			word   string
		}{{1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}} {
			if bu == "VND" && s.factor == 1e12 {
				continue // reports keep billions of dong, as the Vietnamese does
			}
			if abs >= s.factor {
				return bu + " " + l.num(base/s.factor, ind.Decimals) + " " + s.word
			}
		}
		return bu + " " + l.num(base, ind.Decimals)
	case scale > 1:
		return l.num(base/scale, ind.Decimals) + " " + l.unit(ind.Unit)
	case bu == "%":
		return l.num(base, ind.Decimals) + "%"
	case abs >= 1e7:
		return l.num(base/1e6, 2) + " million " + l.unit(bu)
	}
	return l.num(base, ind.Decimals) + " " + l.unit(bu)
}

// number writes a value in the display unit without the unit, for tables.
func (l lang) number(ind *planwatch.Indicator, base float64) string {
	_, scale := ind.BaseUnit()
	return l.num(base/scale, ind.Decimals)
}

// change says "tăng X% so với <ref>" / "up X% over <ref>"; a change that
// rounds to nothing reads "tương đương <ref>" / "unchanged from <ref>".
func (l lang) change(x float64, reported bool, ref string) string {
	s := l.pct(math.Abs(x), reported)
	switch {
	case s == "0":
		return l.pick("tương đương ", "unchanged from ") + ref
	case x > 0:
		return l.pick("tăng "+s+"% so với ", "up "+s+"% over ") + ref
	}
	return l.pick("giảm "+s+"% so với ", "down "+s+"% from ") + ref
}

// changed is change as the sentence's predicate: the same words in
// Vietnamese ("tăng X% so với <ref>"), a verb in English ("rose X% over
// <ref>", "fell X% from <ref>", "held level with <ref>"), which agrees with
// any subject.
func (l lang) changed(x float64, reported bool, ref string) string {
	if l == langVI {
		return l.change(x, reported, ref)
	}
	s := l.pct(math.Abs(x), reported)
	switch {
	case s == "0":
		return "held level with " + ref
	case x > 0:
		return "rose " + s + "% over " + ref
	}
	return "fell " + s + "% from " + ref
}

// changePoints is change for rates, in percentage points.
func (l lang) changePoints(x float64, ref string) string {
	s := l.num(math.Abs(x), 2)
	switch {
	case s == "0":
		return l.pick("tương đương ", "unchanged from ") + ref
	case x > 0:
		return l.pick("tăng "+s+" điểm phần trăm so với ", "up "+s+" percentage points over ") + ref
	}
	return l.pick("giảm "+s+" điểm phần trăm so với ", "down "+s+" percentage points from ") + ref
}

// sameTime is the usual comparison, against the same period last year.
func (l lang) sameTime() string { return l.pick("cùng kỳ", "the same period last year") }

// date writes a date as a sentence does: "31/12/2021", "31 December 2021".
func (l lang) date(t time.Time) string {
	y, m, d := t.Date()
	if l == langEN {
		return fmt.Sprintf("%d %s %d", d, m, y)
	}
	return dateVI(y, int(m), d)
}

// label is a period's full label: "quý I/2022", "Q1 2022".
func (l lang) label(p planwatch.Period) string {
	if l == langEN {
		return p.LabelEN()
	}
	return p.LabelVI()
}

// shortLabel is a period's label once the year is known: "quý I", "Q1",
// "6 tháng đầu năm", "the first half".
func (l lang) shortLabel(p planwatch.Period) string {
	if l == langVI {
		return p.ShortLabelVI()
	}
	switch {
	case p.Type == planwatch.Month:
		return time.Month(p.First).String()
	case p.Type == planwatch.Quarter:
		return fmt.Sprintf("Q%d", p.Last/3)
	case p.Type == planwatch.Year:
		return "the year"
	case p.First == 1 && p.Last == 6:
		return "the first half"
	case p.Type == planwatch.Half && p.First == 7:
		return "the second half"
	case p.First == 1:
		return fmt.Sprintf("the first %d months", p.Last)
	case p.Type == planwatch.QuarterRange:
		return fmt.Sprintf("Q%d–Q%d", (p.First+2)/3, p.Last/3)
	}
	return time.Month(p.First).String()[:3] + "–" + time.Month(p.Last).String()[:3]
}

// periodPhrase is how a sentence places a figure in the report's period
// once the year is known from the title: "quý I", "in Q1", "năm 2022", "in 2022".
func (l lang) periodPhrase(p planwatch.Period) string {
	if p.Type == planwatch.Year {
		return l.pick(p.LabelVI(), "in "+p.LabelEN())
	}
	return l.pick(p.ShortLabelVI(), "in "+l.shortLabel(p))
}

// endPhrase names the end of a year-to-date span as a milestone does:
// "quý II/2022", "Q2 2022", "tháng 8/2022", "năm 2022".
func (l lang) endPhrase(p planwatch.Period) string {
	switch {
	case p.Last == 12:
		return l.label(planwatch.YearOf(p.Year))
	case p.Last%3 == 0 && p.Type != planwatch.Month && p.Type != planwatch.MonthRange:
		return l.label(planwatch.QuarterOf(p.Year, p.Last/3))
	}
	return l.label(planwatch.MonthOf(p.Year, p.Last))
}

// join joins phrases with commas and a final "và" / "and".
func (l lang) join(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + l.pick(" và ", " and ") + parts[len(parts)-1]
}

// comparatorsEN are the comparisons English catalogue names carry.
var comparatorsEN = []struct{ suffix, ref string }{
	{" vs same period previous year (=100)", "the same period last year"},
	{" vs same period previous year", "the same period last year"},
	{" vs same month previous year", "the same period last year"},
	{" vs December of previous year", "December of the previous year"},
	{" vs previous month", "the previous month"},
}

var dropParensEN = []string{" (year to date)", " (cumulative)", " (total)", " in the period"}

// subject is the indicator's name as the subject of a sentence, and the
// comparison its name carried ("cùng kỳ"), if any.
func (l lang) subject(ind *planwatch.Indicator) (subj, ref string) {
	if l == langVI || ind.NameEN == "" {
		subj, ref = subject(ind)
		if l == langEN && ref != "" {
			ref = "the same period last year"
		}
		return subj, ref
	}
	subj = strings.TrimSpace(ind.NameEN)
	for _, p := range dropParensEN {
		subj = strings.Replace(subj, p, "", 1)
	}
	for _, c := range comparatorsEN {
		if strings.HasSuffix(subj, c.suffix) {
			subj, ref = strings.TrimSuffix(subj, c.suffix), c.ref
			break
		}
	}
	if ref == "" && strings.HasPrefix(ind.NameVI, "Tốc độ tăng") {
		ref = "the same period last year"
	}
	return upperFirst(subj), ref
}

// withYear puts the year into a plan indicator's name: "Kế hoạch vốn đầu tư
// công năm 2022 được giao", "Public investment capital allocated for 2022 (plan)".
func (l lang) withYear(ind *planwatch.Indicator, year int) string {
	if l == langVI || ind.NameEN == "" {
		return withYear(ind.NameVI, year)
	}
	y := fmt.Sprint(year)
	if strings.Contains(ind.NameEN, " for the year") {
		return strings.Replace(ind.NameEN, " for the year", " for "+y, 1)
	}
	return ind.NameEN + " for " + y
}
