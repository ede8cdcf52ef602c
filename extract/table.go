package extract

import (
	"strings"

	"planwatch"
	"planwatch/vi"
)

// readTables reads text tables written with "|" between cells, as statistics
// releases paste them: a header row whose cells name a period and a
// comparison ("Tháng 4 so với cùng kỳ", "4 tháng so với cùng kỳ"), then rows
// of a label and figures. A table of indices (the comparison period = 100,
// "113,0" = +13%) gives one growth-only fact per row and period.
func (d *doc) readTables(facts *[]Fact) {
	lines := strings.SplitAfter(d.text[:d.bodyEnd], "\n")
	off := 0
	var header []column
	title := ""
	prevLine := ""
	for _, line := range lines {
		start := off
		off += len(line)
		raw := strings.TrimRight(line, "\r\n")
		if strings.Count(raw, "|") < 2 {
			header = nil
			prevLine = raw
			continue
		}
		cells := strings.Split(raw, "|")
		if header == nil {
			header = d.readHeader(cells, start)
			title = prevLine
			continue
		}
		d.readRow(facts, header, title, cells, start, len(raw))
	}
}

// column is what one header cell says: the period of its figures and what
// they compare with.
type column struct {
	p    planwatch.Period
	fol  following
	ok   bool
	cell string
}

func (d *doc) readHeader(cells []string, lineStart int) []column {
	cols := make([]column, len(cells))
	pos := lineStart
	for i, c := range cells {
		lc := lowerSameLen(c)
		col := column{cell: c}
		for _, r := range d.periods {
			if r.start >= pos && r.end <= pos+len(c) && !r.p.IsZero() {
				col.p = r.p
				break
			}
		}
		if k := strings.Index(lc, "so với"); k >= 0 && !col.p.IsZero() {
			col.fol = readFollowing(lc, k, len(lc))
			// "Tháng 4 so với tháng 3" is the previous month.
			if col.fol.kind == folRef && (col.fol.refKind == "month" || col.fol.refKind == "monthN") {
				col.ok = true
			} else {
				col.ok = col.fol.kind == folYoY
			}
		}
		cols[i] = col
		pos += len(c) + 1
	}
	return cols
}

func (d *doc) readRow(facts *[]Fact, header []column, title string, cells []string, lineStart, lineLen int) {
	label := strings.TrimSpace(cells[0])
	if label == "" || len(cells) != len(header) {
		return
	}
	isIndex := strings.Contains(strings.ToLower(title), "chỉ số") || strings.Contains(title, "(%)")
	byPeriod := map[planwatch.Period]*Fact{}
	var order []planwatch.Period
	for i := 1; i < len(cells); i++ {
		col := header[i]
		if !col.ok {
			continue
		}
		cell := strings.TrimSpace(cells[i])
		num, n, ok := vi.ParseNumber(cell)
		if !ok || n != len(cell) {
			continue
		}
		v := num.Value
		if isIndex && v > 30 {
			v = round(v-100, num.Decimals)
		}
		f := byPeriod[col.p]
		if f == nil {
			p := col.p
			f = &Fact{Indicator: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(title), "(%)")) + ": " + label,
				Unit: "%", Period: p.ID(), Span: &p, Place: d.place, Kind: Actual,
				Sentence: d.text[lineStart : lineStart+lineLen], Start: lineStart, anchor: lineStart + i}
			byPeriod[col.p] = f
			order = append(order, col.p)
		}
		if col.fol.kind == folYoY {
			f.YoYPct = ptr(v)
		} else {
			attachCompare(f, "ref", v, col.fol, d)
		}
	}
	for _, p := range order {
		*facts = append(*facts, *byPeriod[p])
	}
}
