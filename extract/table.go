package extract

import (
	"regexp"
	"sort"
	"strings"

	"planwatch"
	"planwatch/vi"
)

// A table found in the text: rows of cells, where each row starts, and the
// lines above it (its title, "Đơn vị tính: …", "(Năm trước = 100) - %").
type textTable struct {
	start  int
	rows   [][]string
	starts []int // byte offset of each row's line
	ends   []int
	above  []string
	flat   bool // one cell per line: the header cells, then a label and its figures
	header int  // how many leading rows are the header (flattened: 1)
}

// readTables reads the tables of the text, in document order, and numbers
// them from 1: tables written with "|" or tabs between cells (as statistics
// releases paste them and as document.Read writes Word, web and workbook
// tables), and flattened tables of one cell per line (a yearbook copied from
// a PDF). Every cell with a figure gives a fact that points at its table,
// row and column.
func (d *doc) readTables(facts *[]Fact) {
	tables := d.findTables()
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].start < tables[j].start })
	for n, t := range tables {
		d.readTable(facts, t, n+1)
	}
}

// findTables collects the tables of the body.
func (d *doc) findTables() []*textTable {
	var out []*textTable
	lines := strings.SplitAfter(d.text[:d.bodyEnd], "\n")
	off := 0
	var cur *textTable
	var above []string
	for _, line := range lines {
		start := off
		off += len(line)
		raw := strings.TrimRight(line, "\r\n")
		sep := tableSep(raw)
		if sep == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			if t := strings.TrimSpace(raw); t != "" {
				above = append(above, t)
				if len(above) > 3 {
					above = above[1:]
				}
			}
			continue
		}
		if cur == nil {
			cur = &textTable{start: start, above: above}
			above = nil
		}
		cur.rows = append(cur.rows, splitCells(raw, sep))
		cur.starts = append(cur.starts, start)
		cur.ends = append(cur.ends, start+len(raw))
	}
	if cur != nil {
		out = append(out, cur)
	}
	for _, t := range out {
		t.header = headerRows(t.rows)
	}
	return append(out, d.findFlatTables(lines)...)
}

// splitCells cuts a table line into cells; outer bars ("| a | b |") frame
// the row and are not cells.
func splitCells(raw, sep string) []string {
	s := strings.TrimSpace(raw)
	if sep == "|" {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "|"), "|")
	}
	cells := strings.Split(s, sep)
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

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

// isFigure reports a cell that is a number and nothing else.
func isFigure(c string) bool {
	c = strings.TrimSpace(c)
	_, n, ok := vi.ParseNumber(c)
	return ok && n == len(c)
}

// headerRows counts the leading rows that name columns: rows with no figure
// (a year is a name) that fill at least half the columns. A row such as
// "A | CHỈ TIÊU KINH TẾ | | |" is a section of the body, not a header.
func headerRows(rows [][]string) int {
	n := 0
	for _, r := range rows {
		filled, figures := 0, 0
		for _, c := range r {
			if c == "" {
				continue
			}
			filled++
			if isFigure(c) && !reBareYearCell.MatchString(c) {
				figures++
			}
		}
		if figures > 0 || filled*2 < len(r) || n == 3 {
			break
		}
		n++
	}
	return max(n, 1)
}

var reBareYearCell = regexp.MustCompile(`^(?:19|20)\d{2}$`)

// combinedHeader names each column by its header rows top to bottom,
// a merged cell's text once ("Năm 2024" over "Kế hoạch" → "Năm 2024 Kế
// hoạch").
func combinedHeader(rows [][]string, n int) []string {
	width := 0
	for _, r := range rows[:n] {
		width = max(width, len(r))
	}
	out := make([]string, width)
	for i := range out {
		var parts []string
		for _, r := range rows[:n] {
			if i < len(r) && r[i] != "" && (len(parts) == 0 || parts[len(parts)-1] != r[i]) {
				parts = append(parts, r[i])
			}
		}
		out[i] = strings.Join(parts, " ")
	}
	return out
}

// readTable reads one table: a table of values when a column or a line
// above gives the unit, else a table of indices or growth rates by period.
func (d *doc) readTable(facts *[]Fact, t *textTable, no int) {
	if len(t.rows) <= t.header {
		return
	}
	header := combinedHeader(t.rows, t.header)
	title := tableTitle(t.above)
	unitLine := ""
	index := false
	for _, a := range t.above {
		la := strings.ToLower(a)
		if k := strings.Index(la, "đơn vị tính"); k >= 0 {
			unitLine = strings.TrimSpace(strings.TrimLeft(a[k+len("đơn vị tính"):], " :"))
			// "Tỷ đồng - Unit: Bill. dongs", "Tỷ đồng (giá hiện hành)": the
			// Vietnamese unit only.
			if c := strings.IndexAny(unitLine, "-–/(;"); c > 0 {
				unitLine = strings.TrimSpace(unitLine[:c])
			}
		}
		if strings.Contains(la, "= 100") || strings.Contains(la, "=100") {
			index = true
		}
	}
	if vh := d.readValueHeader(header, unitLine); vh != nil {
		for r := t.header; r < len(t.rows); r++ {
			d.readValueRow(facts, vh, t, r, no, title, unitLine)
		}
		return
	}
	cols := d.readHeader(header, index || strings.Contains(strings.ToLower(title), "chỉ số") || strings.Contains(title, "(%)"))
	for r := t.header; r < len(t.rows); r++ {
		d.readRow(facts, cols, t, r, no, title)
	}
}

// tableTitle is the line above a table that names it, without its number
// ("117. Chỉ số phát triển …") and without the unit and index notes.
func tableTitle(above []string) string {
	for k := len(above) - 1; k >= 0; k-- {
		la := strings.ToLower(above[k])
		if strings.Contains(la, "đơn vị tính") || strings.Contains(la, "= 100") || strings.Contains(la, "=100") {
			continue
		}
		return strings.TrimSpace(reTableNumber.ReplaceAllString(above[k], ""))
	}
	return ""
}

var reTableNumber = regexp.MustCompile(`^(?:Biểu\s+|Bảng\s+)?\d{1,4}(?:\.\d{1,3})*\.?\s+`)

var reBareYear = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d{2})(?:$|[^\d])`)

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

// cellPeriod is the period a header cell names: the shortest one it
// states, in the year it states ("Năm 2024 Ước thực hiện quý I" →
// 2024Q1), or a bare year ("KH 2024", "Sơ bộ 2024", "2021/2020" → 2021).
func (d *doc) cellPeriod(cell string) planwatch.Period {
	lc := lowerSameLen(cell)
	pc := d.pc
	if m := reBareYear.FindStringSubmatch(lc); m != nil {
		pc.year = atoi(m[1])
	}
	var best planwatch.Period
	for _, r := range scanPeriods(lc, pc) {
		if !r.p.IsZero() && (best.IsZero() || r.p.Months() < best.Months()) {
			best = r.p
		}
	}
	if !best.IsZero() {
		return best
	}
	if m := reYearPair.FindStringSubmatch(lc); m != nil {
		return planwatch.YearOf(atoi(m[1]))
	}
	if m := reBareYear.FindStringSubmatch(lc); m != nil {
		return planwatch.YearOf(atoi(m[1]))
	}
	return planwatch.Period{}
}

// reRatioSide is the denominator of a ratio column: what a figure is
// divided by ("TH 2023", "KH 2024", "cùng kỳ", "năm trước").
var reRatioSide = regexp.MustCompile(`^\s*(?:th|kh|ước th|thực hiện|kế hoạch|dự toán|cùng kỳ|năm trước|cùng kì)\b`)

// reYearPair is a yearbook's index column: "2021/2020" (this year over the
// one before, = 100).
var reYearPair = regexp.MustCompile(`((?:19|20)\d{2})\s*/\s*(?:19|20)\d{2}`)

// readValueHeader reads the header of a table of values, or returns nil when
// there is no unit, in a column or in a line above.
func (d *doc) readValueHeader(cells []string, unitLine string) *valueHeader {
	vh := &valueHeader{cols: make([]valueColumn, len(cells)), main: -1}
	unit, label := unitLine != "", false
	for i, c := range cells {
		lc := strings.TrimSpace(lowerSameLen(c))
		col := valueColumn{}
		p := d.cellPeriod(c)
		compare := strings.HasPrefix(lc, "so ") || strings.HasPrefix(lc, "so với") || strings.Contains(lc, "so sánh") || strings.HasPrefix(lc, "tăng") || strings.HasPrefix(lc, "%")
		// "TH 2024/TH 2023", "Ước TH/KH": a ratio of two columns, the
		// denominator tells a growth index from a share of the plan.
		ratio := ""
		if k := strings.LastIndex(lc, "/"); compare && k > 0 && reRatioSide.MatchString(lc[k+1:]) {
			ratio = lc[k+1:]
		}
		switch {
		case ratio != "" && (hasWord(ratio, "kh") || hasWord(ratio, "kế hoạch") || hasWord(ratio, "dự toán")):
			col.kind = colPlanPct
		case ratio != "":
			col.kind = colYoY
		case lc == "đơn vị" || lc == "đơn vị tính" || lc == "đvt" || lc == "đv tính":
			col.kind, unit = colUnit, true
		case lc == "stt" || lc == "tt" || lc == "số tt":
			col.kind = colOther
		case compare && (strings.Contains(lc, "cùng kỳ") || strings.Contains(lc, "năm trước")):
			col.kind, col.growth = colYoY, strings.Contains(lc, "tăng")
		case compare && (strings.Contains(lc, "kh") || strings.Contains(lc, "kế hoạch") || strings.Contains(lc, "dự toán")):
			col.kind = colPlanPct
		case hasWord(lc, "kế hoạch") || hasWord(lc, "kh") || strings.HasPrefix(lc, "dự toán") || strings.HasPrefix(lc, "chỉ tiêu kế hoạch"):
			col.kind = colPlan
			y := d.pc.year
			if !p.IsZero() {
				y = p.Year
			}
			col.p = planwatch.YearOf(y)
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
		case !p.IsZero() && !label && unitLine == "":
			col.kind, label = colLabel, true
		case !p.IsZero():
			// "Năm 2023", "9 tháng 2024", "Sơ bộ 2024": a column of a period.
			col.kind, col.p, col.estimate = colActual, p, hasEstimate(lc)
		case !label && lc != "":
			col.kind, label = colLabel, true
		case !label && unitLine != "" && i == 0:
			col.kind, label = colLabel, true
		}
		vh.cols[i] = col
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
// A growth-rate row gives growth facts, its plan cell a growth target.
func (d *doc) readValueRow(facts *[]Fact, vh *valueHeader, t *textTable, r, no int, title, unitLine string) {
	cells := t.rows[r]
	if len(cells) != len(vh.cols) {
		return
	}
	var label, unitCell string
	for i, c := range cells {
		switch vh.cols[i].kind {
		case colLabel:
			label = c
		case colUnit:
			unitCell = c
		}
	}
	if label == "" {
		return
	}
	if unitCell == "" {
		unitCell = unitLine
	}
	exp, unit := tableUnit(unitCell)
	growth := unit == "%" && growthSubject(strings.ToLower(label))
	var yoy, plan *float64
	for i, col := range vh.cols {
		num, ok := cellNumber(cells[i])
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
	indicator := label
	if t.flat && title != "" {
		indicator = title + ": " + label
	}
	for i, col := range vh.cols {
		if col.kind != colActual && col.kind != colPlan {
			continue
		}
		num, rng, ok := cellRange(cells[i])
		if !ok {
			continue
		}
		p := col.p
		f := d.tableFact(t, r, i, no, indicator, unit)
		f.Estimate = col.estimate
		if !p.IsZero() {
			f.Span, f.Period = &p, p.ID()
		}
		switch {
		case col.kind == colPlan && growth:
			f.Kind, f.YoYPct, f.Range = PlanGrowth, ptr(num.Value), rng
		case rng != "":
			continue // a range of levels is a target, not a figure
		case col.kind == colPlan:
			f.Kind, f.Value = Plan, ptr(num.Scaled(exp))
		case growth:
			f.YoYPct = ptr(num.Value)
		default:
			f.Value = ptr(num.Scaled(exp))
		}
		if i == vh.main && f.Kind == Actual {
			if yoy != nil && !growth {
				f.YoYPct = yoy
			}
			f.PlanPct = plan
		}
		*facts = append(*facts, *f)
	}
}

// tableFact starts the fact of cell (r, i) of table no.
func (d *doc) tableFact(t *textTable, r, i, no int, indicator, unit string) *Fact {
	start, end := t.starts[r], t.ends[r]
	return &Fact{Indicator: indicator, Unit: unit, Place: d.place, Kind: Actual,
		Sentence: d.text[start:end], Start: start, anchor: start + i, Table: no, Row: r + 1, Column: i + 1}
}

// cellNumber reads a cell that is a figure ("46.820", "111,08").
func cellNumber(c string) (vi.Number, bool) {
	c = strings.TrimSpace(c)
	num, n, ok := vi.ParseNumber(c)
	return num, ok && n == len(c)
}

var reCellRange = regexp.MustCompile(`^(\d[\d.,]*)\s*[-–]\s*(\d[\d.,]*)\s*%?$`)

// cellRange reads a figure or a range ("7,5 - 8"): the lower bound, and the
// range as written when there is one.
func cellRange(c string) (vi.Number, string, bool) {
	if num, ok := cellNumber(c); ok {
		return num, "", true
	}
	if m := reCellRange.FindStringSubmatch(strings.TrimSpace(c)); m != nil {
		if num, ok := cellNumber(m[1]); ok {
			return num, strings.Join(strings.Fields(c), ""), true
		}
	}
	return vi.Number{}, "", false
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

// column is what one header cell of a table of indices says: the period of
// its figures and what they compare with.
type column struct {
	p     planwatch.Period
	fol   following
	ok    bool
	index bool // the figures are indices (the compared period = 100)
}

// readHeader reads the header of a table of indices or growth rates: each
// column a period and a comparison ("Tháng 4 so với cùng kỳ", "Tháng 4 so
// với tháng 3"), or a yearbook's "2021/2020" (the year before = 100).
func (d *doc) readHeader(cells []string, index bool) []column {
	cols := make([]column, len(cells))
	for i, c := range cells {
		lc := lowerSameLen(c)
		col := column{p: d.cellPeriod(c), index: index}
		if k := strings.Index(lc, "so với"); k >= 0 && !col.p.IsZero() {
			col.fol = readFollowing(lc, k, len(lc))
			// "Tháng 4 so với tháng 3" is the previous month.
			if col.fol.kind == folRef && (col.fol.refKind == "month" || col.fol.refKind == "monthN") {
				col.ok = true
			} else {
				col.ok = col.fol.kind == folYoY
			}
		} else if reYearPair.MatchString(lc) && !col.p.IsZero() {
			col.fol, col.ok, col.index = following{kind: folYoY}, true, true
		} else if index && !col.p.IsZero() && i > 0 {
			col.fol, col.ok = following{kind: folYoY}, true
		}
		cols[i] = col
	}
	return cols
}

// readRow reads one row of a table of indices: a growth-only fact per
// period, with its comparisons.
func (d *doc) readRow(facts *[]Fact, header []column, t *textTable, r, no int, title string) {
	cells := t.rows[r]
	label := strings.TrimSpace(cells[0])
	if label == "" || len(cells) != len(header) {
		return
	}
	name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(title), "(%)"))
	if name != "" {
		name += ": "
	}
	byPeriod := map[planwatch.Period]*Fact{}
	var order []planwatch.Period
	for i := 1; i < len(cells); i++ {
		col := header[i]
		if !col.ok {
			continue
		}
		num, ok := cellNumber(cells[i])
		if !ok {
			continue
		}
		v := num.Value
		if col.index && v > 30 {
			v = round(v-100, num.Decimals)
		}
		f := byPeriod[col.p]
		if f == nil {
			p := col.p
			f = d.tableFact(t, r, i, no, name+label, "%")
			f.Period, f.Span = p.ID(), &p
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

// reYearQualifier is a word a yearbook writes over a year: preliminary,
// estimated.
var reYearQualifier = regexp.MustCompile(`(?i)^(?:sơ bộ|ước tính|ước|dự tính|prel\.?|sơ bộ\s*-\s*prel\.?)$`)

// findFlatTables finds tables flattened to one cell per line, as a yearbook
// copied from a PDF gives them: two or more header lines that each name a
// period ("2020", "2021/2020", "Sơ bộ 2024"), then groups of a label line
// and as many lines of one figure each.
func (d *doc) findFlatTables(lines []string) []*textTable {
	var out []*textTable
	type line struct {
		text       string
		start, end int
	}
	var ls []line
	off := 0
	for _, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		ls = append(ls, line{strings.TrimSpace(t), off, off + len(t)})
		off += len(l)
	}
	isHead := func(s string) bool {
		return s != "" && len(s) <= 40 && (!isFigure(s) || reBareYearCell.MatchString(s)) && reBareYear.MatchString(s) && !strings.ContainsAny(s, ".,;:")
	}
	// "Sơ bộ" on its own line over "2024": one header cell.
	for i := 0; i+1 < len(ls); i++ {
		if reYearQualifier.MatchString(ls[i].text) && reBareYearCell.MatchString(ls[i+1].text) {
			ls[i+1].text = ls[i].text + " " + ls[i+1].text
			ls[i+1].start = ls[i].start
			ls = append(ls[:i], ls[i+1:]...)
		}
	}
	for i := 0; i < len(ls); {
		k := i
		for k < len(ls) && isHead(ls[k].text) {
			k++
		}
		n := k - i
		if n < 2 {
			i++
			continue
		}
		t := &textTable{start: ls[i].start, flat: true, header: 1}
		for a := max(0, i-3); a < i; a++ {
			if ls[a].text != "" {
				t.above = append(t.above, ls[a].text)
			}
		}
		head := []string{""}
		for _, l := range ls[i:k] {
			head = append(head, l.text)
		}
		t.rows = append(t.rows, head)
		t.starts, t.ends = append(t.starts, ls[i].start), append(t.ends, ls[k-1].end)
		j := k
		for j+n < len(ls) && ls[j].text != "" && !isFigure(ls[j].text) {
			ok := true
			for c := 1; c <= n; c++ {
				if s := ls[j+c].text; !isFigure(s) && s != "-" && s != "…" && s != "..." {
					ok = false
				}
			}
			if !ok {
				break
			}
			row := []string{ls[j].text}
			for c := 1; c <= n; c++ {
				row = append(row, ls[j+c].text)
			}
			t.rows = append(t.rows, row)
			t.starts, t.ends = append(t.starts, ls[j].start), append(t.ends, ls[j+n].end)
			j += n + 1
		}
		if len(t.rows) > 1 {
			out = append(out, t)
		}
		i = max(j, i+1)
	}
	return out
}
