package extract

import (
	"regexp"
	"strings"

	"planwatch"
	"planwatch/vi"
)

// readTables reads text tables written with "|" between cells, as statistics
// releases paste them: a header row whose cells name a period and a
// comparison ("Tháng 4 so với cùng kỳ", "4 tháng so với cùng kỳ"), then rows
// of a label and figures. A table of indices (the comparison period = 100,
// "113,0" = +13%) gives one growth-only fact per row and period.
//
// A table with a unit column ("Chỉ tiêu | Đơn vị | Thực hiện cùng kỳ | Kế
// hoạch năm | Ước thực hiện 9 tháng | So cùng kỳ (%) | So KH (%)") is a
// table of values, read by readValueRow. Cells are separated by "|" or by
// tabs.
func (d *doc) readTables(facts *[]Fact) {
	lines := strings.SplitAfter(d.text[:d.bodyEnd], "\n")
	off := 0
	var header []column
	var vh *valueHeader
	title := ""
	prevLine := ""
	for _, line := range lines {
		start := off
		off += len(line)
		raw := strings.TrimRight(line, "\r\n")
		sep := tableSep(raw)
		if sep == "" {
			header, vh = nil, nil
			prevLine = raw
			continue
		}
		cells := strings.Split(raw, sep)
		if header == nil && vh == nil {
			if vh = d.readValueHeader(cells, start, len(sep)); vh == nil {
				header = d.readHeader(cells, start)
			}
			title = prevLine
			continue
		}
		if vh != nil {
			d.readValueRow(facts, vh, cells, start, len(raw), len(sep))
			continue
		}
		d.readRow(facts, header, title, cells, start, len(raw))
	}
}

var reBareYear = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d{2})(?:$|[^\d])`)

// tableSep returns the cell separator of a table line: "|" or a tab, when
// the line has at least two.
func tableSep(line string) string {
	switch {
	case strings.Count(line, "|") >= 2:
		return "|"
	case strings.Count(line, "\t") >= 2:
		return "\t"
	}
	return ""
}

// Kinds of column in a table of values.
const (
	colOther = iota
	colLabel
	colUnit
	colActual // a value of a period
	colPlan   // the target value
	colYoY    // the value as a percentage of the same period last year, or its growth
	colPlanPct
)

type valueColumn struct {
	kind     int
	p        planwatch.Period
	estimate bool
	growth   bool // the comparison column holds the growth itself ("Tăng/giảm so cùng kỳ (%)")
}

type valueHeader struct {
	cols []valueColumn
	main int // the column the comparisons refer to: the latest actual one
}

// readValueHeader reads the header of a table of values, or returns nil when
// the header has no unit column.
func (d *doc) readValueHeader(cells []string, lineStart, sepLen int) *valueHeader {
	vh := &valueHeader{cols: make([]valueColumn, len(cells)), main: -1}
	pos := lineStart
	unit, label := false, false
	for i, c := range cells {
		lc := strings.TrimSpace(lowerSameLen(c))
		col := valueColumn{}
		var p planwatch.Period
		for _, r := range d.periods {
			if r.start >= pos && r.end <= pos+len(c) && !r.p.IsZero() {
				p = r.p
				break
			}
		}
		if p.IsZero() {
			// "KH 2024", "Ước TH 2024": a bare year.
			if m := reBareYear.FindStringSubmatch(lc); m != nil {
				p = planwatch.YearOf(atoi(m[1]))
			}
		}
		compare := strings.HasPrefix(lc, "so ") || strings.HasPrefix(lc, "so với") || strings.Contains(lc, "so sánh") || strings.HasPrefix(lc, "tăng") || strings.HasPrefix(lc, "%")
		switch {
		case lc == "đơn vị" || lc == "đơn vị tính" || lc == "đvt" || lc == "đv tính":
			col.kind, unit = colUnit, true
		case lc == "stt" || lc == "tt" || lc == "số tt":
			col.kind = colOther
		case compare && (strings.Contains(lc, "cùng kỳ") || strings.Contains(lc, "năm trước")):
			col.kind, col.growth = colYoY, strings.Contains(lc, "tăng")
		case compare && (strings.Contains(lc, "kh") || strings.Contains(lc, "kế hoạch") || strings.Contains(lc, "dự toán")):
			col.kind = colPlanPct
		case strings.HasPrefix(lc, "kế hoạch") || strings.HasPrefix(lc, "kh ") || lc == "kh" || strings.HasPrefix(lc, "dự toán") || strings.HasPrefix(lc, "chỉ tiêu kế hoạch"):
			col.kind = colPlan
			if p.IsZero() {
				p = planwatch.YearOf(d.pc.year)
			} else {
				p = planwatch.YearOf(p.Year)
			}
			col.p = p
		case strings.Contains(lc, "thực hiện") || strings.HasPrefix(lc, "ước") || strings.HasPrefix(lc, "th ") || strings.Contains(lc, "cùng kỳ") || strings.HasPrefix(lc, "lũy kế") || strings.HasPrefix(lc, "luỹ kế"):
			col.kind = colActual
			col.estimate = hasEstimate(lc)
			if p.IsZero() {
				p = d.defaultP
				if strings.Contains(lc, "cùng kỳ") && !p.IsZero() {
					p.Year--
				}
			}
			col.p = p
		case !p.IsZero() && !label:
			col.kind, label = colLabel, true
		case !p.IsZero():
			// "Năm 2023", "9 tháng 2024": a column of a period.
			col.kind, col.p, col.estimate = colActual, p, hasEstimate(lc)
		case !label && lc != "":
			col.kind, label = colLabel, true
		}
		vh.cols[i] = col
		pos += len(c) + sepLen
	}
	if !unit || !label {
		return nil
	}
	// Comparisons refer to the latest actual column.
	for i, c := range vh.cols {
		if c.kind == colActual && !c.p.IsZero() && (vh.main < 0 || !c.p.Start().Before(vh.cols[vh.main].p.Start())) {
			vh.main = i
		}
	}
	return vh
}

// readValueRow reads one row of a table of values: one fact per value
// column, in the row's unit ("Tỷ đồng", "Triệu USD", "Nghìn lượt", "%").
func (d *doc) readValueRow(facts *[]Fact, vh *valueHeader, cells []string, lineStart, lineLen, sepLen int) {
	if len(cells) != len(vh.cols) {
		return
	}
	var label, unitCell string
	for i, c := range cells {
		switch vh.cols[i].kind {
		case colLabel:
			label = strings.TrimSpace(c)
		case colUnit:
			unitCell = strings.TrimSpace(c)
		}
	}
	if label == "" {
		return
	}
	exp, unit := tableUnit(unitCell)
	growth := unit == "%" && growthSubject(strings.ToLower(label))
	cellNum := func(i int) (vi.Number, bool) {
		if i < 0 || i >= len(cells) {
			return vi.Number{}, false
		}
		c := strings.TrimSpace(cells[i])
		num, n, ok := vi.ParseNumber(c)
		return num, ok && n == len(c)
	}
	var yoy, plan *float64
	for i, col := range vh.cols {
		num, ok := cellNum(i)
		if !ok {
			continue
		}
		switch col.kind {
		case colYoY:
			v := num.Value
			if !col.growth {
				v = round(v-100, num.Decimals)
			}
			yoy = ptr(v)
		case colPlanPct:
			plan = ptr(num.Value)
		}
	}
	pos := lineStart
	for i, col := range vh.cols {
		cellStart := pos
		pos += len(cells[i]) + sepLen
		if col.kind != colActual && col.kind != colPlan {
			continue
		}
		num, ok := cellNum(i)
		if !ok {
			continue
		}
		p := col.p
		f := Fact{Indicator: label, Unit: unit, Place: d.place, Kind: Actual, Estimate: col.estimate,
			Sentence: d.text[lineStart : lineStart+lineLen], Start: lineStart, anchor: cellStart}
		if !p.IsZero() {
			f.Span, f.Period = &p, p.ID()
		}
		if col.kind == colPlan {
			f.Kind = Plan
			if growth {
				continue // a target growth rate
			}
		}
		if growth {
			f.YoYPct = ptr(num.Value)
		} else {
			f.Value = ptr(num.Scaled(exp))
		}
		if i == vh.main {
			if yoy != nil && !growth {
				f.YoYPct = yoy
			}
			f.PlanPct = plan
		}
		*facts = append(*facts, f)
	}
}

// tableUnit reads a unit cell ("Tỷ đồng", "Triệu USD", "Nghìn lượt", "Ha",
// "Doanh nghiệp") as a power of ten and a normalised unit; a unit it does
// not know is kept as written, in lower case.
func tableUnit(cell string) (int, string) {
	if cell == "" {
		return 0, ""
	}
	q, n, ok := vi.ParseQuantity("1 " + cell)
	if ok && n == len(cell)+2 && (q.Unit != "" || q.ScaleExp > 0) {
		return q.ScaleExp, q.Unit
	}
	exp, k := vi.ParseScale(cell)
	rest := strings.TrimSpace(cell[k:])
	if u, m := vi.ParseUnit(rest); m == len(rest) && u != "" {
		return exp, u
	}
	return exp, strings.ToLower(rest)
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
