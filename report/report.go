// Package report writes the period report on a unit's socio-economic plan in
// Vietnamese, in the register of provincial reports ("Báo cáo tình hình thực
// hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng
// tâm quý II năm 2022"): an opening summary, one sentence per indicator with
// data, section by section in the order of a provincial report, the lagging
// indicators and how far behind pace they are, the recorded notes, the
// priority tasks for the next period and an annex table.
//
// Build turns a calc.Dataset, notes and tasks into a Report model; the
// renderers write it as Markdown, HTML (with inline SVG charts, printable on
// A4) or DOCX. Every figure comes from the data: an indicator without data
// gets no sentence, and what is missing is said, never invented.
package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/chart"
)

// Report is the model every renderer writes.
type Report struct {
	Title    string
	UnitCode string
	UnitName string // "tỉnh Lạng Sơn"
	Period   planwatch.Period
	Next     planwatch.Period
	// Date is the date printed under the title; zero prints none.
	Date time.Time

	Summary    []string
	Parts      []Part
	Assessment Assessment
	Tasks      []TaskItem
	// NoTasks explains an empty task list.
	NoTasks string
	Annex   []AnnexRow
	Charts  []Chart
}

// Part is a group of sections ("Lĩnh vực kinh tế").
type Part struct {
	Title    string
	Sections []Section
}

// Section is one field of the report ("Thương mại, dịch vụ, …").
type Section struct {
	ID        string
	Title     string
	Sentences []Sentence
	Notes     []string
	Missing   []string // names of indicators of the section without data this period
}

// Sentence is one sentence with figures; Indicator is its catalogue code.
type Sentence struct {
	Indicator string
	Text      string
}

// Assessment is the overall assessment (đánh giá chung).
type Assessment struct {
	Highlights   []string // kết quả nổi bật
	Shortcomings []string // hạn chế: lagging indicators and how far behind pace
	Missing      []string // what the report could not say for lack of data
}

// TaskItem is a priority task for the next period.
type TaskItem struct {
	Text       string
	Owner      string
	Indicators []string // names of the indicators it should move
	Carried    bool     // due earlier and still open
}

// AnnexRow is a line of the annex table; empty cells are missing figures.
type AnnexRow struct {
	Indicator  string
	Name       string
	Unit       string
	LastYear   string // same period last year (cumulative for flows)
	Plan       string // annual plan
	Current    string // this period (cumulative for flows)
	VsLastYear string // this period as % of the same period last year
	PlanPct    string // % of the annual plan
	Estimate   bool
	// Illustrative marks a figure resting on illustrative values (minh họa).
	Illustrative bool
}

// Chart is a trend of an indicator against its plan and last year.
type Chart struct {
	Indicator string
	Title     string
	Unit      string
	Labels    []string
	Series    []chart.Series
}

// Input is what Build needs.
type Input struct {
	Data    *calc.Dataset
	Unit    string
	Period  planwatch.Period
	Notes   []planwatch.Note
	Tasks   []planwatch.Task
	Options calc.Options // zero: calc.DefaultOptions()
	Date    time.Time    // printed under the title; zero prints none
}

// Source is what Load reads from a store.
type Source interface {
	calc.Source
	Notes(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Note, error)
	Tasks(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Task, error)
}

// Load reads the dataset, notes and tasks a report on unit and period needs.
func Load(ctx context.Context, s Source, unit string, p planwatch.Period) (Input, error) {
	ds, err := calc.Load(ctx, s, false)
	if err != nil {
		return Input{}, fmt.Errorf("report: load data: %w", err)
	}
	return LoadWith(ctx, s, ds, unit, p)
}

// LoadWith is Load on an analytics index the caller already has.
func LoadWith(ctx context.Context, s Source, ds *calc.Dataset, unit string, p planwatch.Period) (Input, error) {
	var err error
	in := Input{Data: ds, Unit: unit, Period: p}
	if in.Notes, err = s.Notes(ctx, unit, p); err != nil {
		return Input{}, fmt.Errorf("report: load notes: %w", err)
	}
	// Tasks are kept by the year they are due in; the next period may fall
	// in the following year.
	years := []planwatch.Period{p}
	if next := NextPeriod(p); next.Year != p.Year {
		years = append(years, next)
	}
	for _, y := range years {
		ts, err := s.Tasks(ctx, unit, y)
		if err != nil {
			return Input{}, fmt.Errorf("report: load tasks: %w", err)
		}
		in.Tasks = append(in.Tasks, ts...)
	}
	return in, nil
}

// NextPeriod is the period of the same shape after p: the next month,
// quarter or half, the next year; after a year-to-date range (9 months), the
// rest of the year.
func NextPeriod(p planwatch.Period) planwatch.Period {
	n := p.Months()
	switch {
	case p.Type == planwatch.Year:
		return planwatch.YearOf(p.Year + 1)
	case p.First == 1 && (p.Type == planwatch.QuarterRange || p.Type == planwatch.MonthRange):
		if p.Last == 12 {
			return planwatch.YearOf(p.Year + 1)
		}
		if p.Type == planwatch.QuarterRange {
			return planwatch.QuarterOf(p.Year, p.Last/3+1)
		}
		return planwatch.MonthOf(p.Year, p.Last+1)
	case p.Last+n <= 12:
		return planwatch.Period{Year: p.Year, First: p.First + n, Last: p.Last + n, Type: p.Type}
	}
	return planwatch.Period{Year: p.Year + 1, First: p.First + n - 12, Last: p.Last + n - 12, Type: p.Type}
}

// Title writes the report's title: "Báo cáo tình hình thực hiện nhiệm vụ
// phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng tâm quý II năm 2022".
func Title(p planwatch.Period) string {
	next := NextPeriod(p)
	const head = "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội "
	if p.Type == planwatch.Year || next.Year != p.Year {
		return head + p.LabelVI() + "; nhiệm vụ, giải pháp trọng tâm " + next.LabelVI()
	}
	return head + p.ShortLabelVI() + "; nhiệm vụ, giải pháp trọng tâm " + next.ShortLabelVI() + fmt.Sprintf(" năm %d", p.Year)
}

// item is an indicator's row with what the report knows of it.
type item struct {
	row       calc.Row
	ind       planwatch.Indicator
	section   string
	hasData   bool
	plan      *float64 // a plan indicator's own figure
	reported  planwatch.DataValue
	sentence  string
	annexable bool
	// illustrative: the figure rests on values invented to illustrate
	// (minh họa), which the report must say.
	illustrative bool
}

// Build writes the report model.
func Build(in Input) *Report {
	ds, p := in.Data, in.Period
	opt := in.Options
	if opt.TargetKind == "" {
		opt = calc.DefaultOptions()
	}
	r := &Report{Title: Title(p), UnitCode: in.Unit, UnitName: unitName(ds, in.Unit, p), Period: p, Next: NextPeriod(p), Date: in.Date}

	items := collect(ds, in.Unit, p, opt)
	bySection := map[string][]*item{}
	verbs := map[string]int{}
	for _, it := range items {
		if it.hasData || it.plan != nil {
			it.sentence = sentenceFor(it, p, verbs[it.section])
			if it.sentence != "" {
				verbs[it.section]++
			}
		}
		bySection[it.section] = append(bySection[it.section], it)
	}

	notes := map[string][]string{}
	for _, n := range in.Notes {
		// A note speaks of the period it ends in: a Q1 note is not news in Q2,
		// a note on the first half is.
		if n.Period.Year != p.Year || n.Period.Last > p.Last || n.Period.Last < p.First || strings.TrimSpace(n.Text) == "" {
			continue
		}
		id := sectionOfName(n.Sector)
		if id == "" {
			id = "other"
		}
		notes[id] = append(notes[id], strings.TrimSpace(n.Text))
	}

	border := false
	for _, it := range items {
		border = border || (it.hasData && strings.HasPrefix(it.ind.Code, "trade.border_"))
	}
	for _, pd := range outline {
		part := Part{Title: pd.Title}
		for _, sd := range pd.Sections {
			sec := Section{ID: sd.ID, Title: sd.Title, Notes: notes[sd.ID]}
			if border && sd.BorderTitle != "" {
				sec.Title = sd.BorderTitle
			}
			for _, it := range bySection[sd.ID] {
				switch {
				case it.sentence != "":
					sec.Sentences = append(sec.Sentences, Sentence{Indicator: it.ind.Code, Text: it.sentence})
				case !it.hasData && it.plan == nil && (it.row.Target != nil || it.row.LastYear.OK):
					sec.Missing = append(sec.Missing, it.ind.NameVI)
				}
			}
			if len(sec.Sentences) > 0 || len(sec.Notes) > 0 || len(sec.Missing) > 0 {
				part.Sections = append(part.Sections, sec)
			}
		}
		if len(part.Sections) > 0 {
			r.Parts = append(r.Parts, part)
		}
	}

	r.Summary = summary(r, items, p)
	r.Assessment = assess(items, p)
	r.Tasks, r.NoTasks = tasks(in.Tasks, items, ds, p, r.Next)
	r.Annex = annex(ds, in.Unit, p, items)
	r.Charts = charts(ds, in.Unit, p, items)
	return r
}

// unitName is the unit's name as a sentence uses it: "tỉnh Lạng Sơn".
func unitName(ds *calc.Dataset, code string, p planwatch.Period) string {
	if ds.Units != nil {
		u, ok := ds.Units.At(code, p.End())
		if !ok {
			u, ok = ds.Units.Latest(code)
		}
		if ok {
			if u.FullName != "" {
				return lowerFirst(u.FullName)
			}
			if u.Type != "" {
				return strings.ToLower(u.Type) + " " + u.Name
			}
			return u.Name
		}
	}
	return "đơn vị " + code
}

// collect computes a row for every indicator the report can speak of (with
// data, a target, a milestone, or data a year ago), in report order.
func collect(ds *calc.Dataset, unit string, p planwatch.Period, opt calc.Options) []*item {
	codes := make([]string, 0, len(ds.Indicators))
	for c := range ds.Indicators {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var items []*item
	for _, c := range codes {
		ind := ds.Indicators[c]
		row := ds.Row(c, unit, p, opt)
		rep, hasRep := ds.Reported(c, unit, p)
		it := &item{row: row, ind: ind, section: sectionOf(c, ind.Sector), reported: rep}
		it.hasData = row.Current.OK || row.YTD.OK || (hasRep && (rep.YoY != nil || rep.PlanPct != nil || rep.VsRef != nil))
		if isPlanIndicator(&ind) && !it.hasData {
			if y, ok := ds.Reported(c, unit, planwatch.YearOf(p.Year)); ok && y.Value != nil {
				it.plan = y.Value
			} else if row.Target != nil {
				it.plan = row.Target
			}
		}
		if !it.hasData && it.plan == nil && row.Target == nil && len(row.Milestones) == 0 && !row.LastYear.OK {
			continue
		}
		it.annexable = it.hasData || row.Target != nil || it.plan != nil
		it.illustrative = it.hasData && illustrative(ds, c, unit, p, 1)
		items = append(items, it)
	}
	order := map[string]int{}
	for _, pd := range outline {
		for _, sd := range pd.Sections {
			order[sd.ID] = len(order)
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return order[items[i].section] < order[items[j].section] })
	return items
}

// illustrative reports whether the figure of an indicator for unit and p
// rests on illustrative values: the unit's own figures for p, its
// year-to-date or its months, else (for roll-ups) those of its children,
// depth levels down.
func illustrative(ds *calc.Dataset, code, unit string, p planwatch.Period, depth int) bool {
	periods := []planwatch.Period{p, p.YearToDate()}
	for _, m := range p.MonthKeys() {
		periods = append(periods, planwatch.MonthOf(m/100, m%100))
	}
	return illustrativeIn(ds, code, unit, p, periods, depth)
}

func illustrativeIn(ds *calc.Dataset, code, unit string, p planwatch.Period, periods []planwatch.Period, depth int) bool {
	own := false
	for _, q := range periods {
		if v, ok := ds.Reported(code, unit, q); ok {
			own = true
			if v.Source.Kind == planwatch.SourceIllustrative {
				return true
			}
		}
	}
	if own || depth == 0 || ds.Units == nil {
		return false
	}
	for _, c := range ds.Units.ChildrenAt(unit, p.End()) {
		if illustrativeIn(ds, code, c, p, periods, depth-1) {
			return true
		}
	}
	return false
}

// sentenceFor writes the sentence of one indicator; n counts the sentences
// of its section so far, to vary the verb.
func sentenceFor(it *item, p planwatch.Period, n int) string {
	ind, row := &it.ind, &it.row
	subj, ref := subject(ind)
	if it.plan != nil {
		return withYear(subj, p.Year) + " là " + formatValue(ind, *it.plan) + "."
	}
	verb := "đạt"
	if n%3 == 2 || ind.Kind == planwatch.KindCount {
		verb = "là"
	}
	if row.Estimate {
		verb = "ước đạt"
	}
	per := periodPhrase(p)
	var b strings.Builder
	clause := func(s string) {
		if s != "" {
			b.WriteString(", " + s)
		}
	}
	yoy := func() string {
		if row.YoY == nil {
			return ""
		}
		return change(*row.YoY, row.YoYReported, "cùng kỳ")
	}
	planPct := func() string {
		if row.PlanPct == nil {
			return ""
		}
		return "đạt " + pct(*row.PlanPct, row.PlanPctReported) + "% kế hoạch"
	}

	switch classOf(ind) {
	case classGrowth:
		switch {
		case row.Current.OK:
			b.WriteString(subj + " " + per + " " + change(row.Current.Value, row.Current.Reported, ref))
		case row.YoY != nil:
			b.WriteString(subj + " " + per + " " + yoy())
		default:
			return ""
		}
	case classIndex:
		switch {
		case row.Current.OK && ind.Unit == "%" && ref != "":
			b.WriteString(subj + " " + per + " bằng " + formatValue(ind, row.Current.Value) + " so với " + ref)
		case row.Current.OK:
			b.WriteString(subj + " " + per + " " + verb + " " + formatValue(ind, row.Current.Value))
			clause(yoy())
		case row.YoY != nil:
			b.WriteString(subj + " " + per + " " + yoy())
		default:
			return ""
		}
	case classRate:
		if !row.Current.OK {
			return ""
		}
		if verb != "ước đạt" {
			verb = "là"
		}
		b.WriteString(subj + " " + per + " " + verb + " " + formatValue(ind, row.Current.Value))
		if row.PPChange != nil {
			clause(changePoints(*row.PPChange, "cùng kỳ"))
		} else {
			clause(yoy())
		}
		if row.PlanPctReported {
			clause(planPct())
		} else if row.Target != nil {
			b.WriteString("; kế hoạch năm là " + formatValue(ind, *row.Target))
		}
	case classLevel:
		b.WriteString(subj)
		if row.Current.OK {
			b.WriteString(" " + verb + " " + formatValue(ind, row.Current.Value))
		}
		if row.VsRef != nil {
			y, m, d := row.RefDate.Date()
			clause(change(*row.VsRef, row.VsRefReported, dateVI(y, int(m), d)))
		}
		clause(planPct())
		clause(yoy())
		if !row.Current.OK && row.VsRef == nil && row.PlanPct == nil && row.YoY == nil {
			return ""
		}
	default: // flows and counts
		ytdSeparate := !p.IsYearToDate() && row.YTD.OK
		b.WriteString(subj + " " + per)
		if row.Current.OK {
			b.WriteString(" " + verb + " " + formatValue(ind, row.Current.Value))
		} else if !ytdSeparate && row.PlanPct == nil && row.YoY == nil {
			return ""
		}
		if ytdSeparate {
			clause(yoy())
			b.WriteString("; lũy kế " + periodPhrase(p.YearToDate()) + " đạt " + formatValue(ind, row.YTD.Value))
			clause(planPct())
		} else {
			if !row.Current.OK && row.PlanPct != nil {
				b.WriteString(" " + planPct())
			} else {
				clause(planPct())
			}
			clause(yoy())
		}
	}
	if it.illustrative {
		b.WriteString(" (số liệu minh họa)")
	}
	if f := row.Current; f.OK && f.Partial && f.Expected > 0 {
		fmt.Fprintf(&b, " (tổng hợp từ %d/%d đơn vị báo cáo)", f.Units, f.Expected)
	}
	return upperFirst(strings.ReplaceAll(b.String(), " , ", ", ")) + "."
}

// good reports whether a change is in the indicator's better direction.
func good(ind *planwatch.Indicator, x float64) bool {
	return (x > 0) == (ind.Direction != planwatch.LowerIsBetter)
}

func summary(r *Report, items []*item, p planwatch.Period) []string {
	withData, onTrack, atRisk, lagging := 0, 0, 0, 0
	for _, it := range items {
		if !it.hasData {
			continue
		}
		withData++
		switch it.row.Status {
		case calc.OnTrack, calc.Achieved:
			onTrack++
		case calc.AtRisk:
			atRisk++
		case calc.Lagging:
			lagging++
		}
	}
	if withData == 0 {
		return []string{fmt.Sprintf("Chưa có số liệu %s của %s; báo cáo chưa thể đánh giá kết quả thực hiện các chỉ tiêu kinh tế - xã hội.", p.LabelVI(), r.UnitName)}
	}
	var out []string
	s := fmt.Sprintf("Trong %s, %s có số liệu của %d chỉ tiêu kinh tế - xã hội", p.LabelVI(), r.UnitName, withData)
	var parts []string
	if onTrack > 0 {
		parts = append(parts, fmt.Sprintf("%d chỉ tiêu đạt tiến độ kế hoạch năm", onTrack))
	}
	if atRisk > 0 {
		parts = append(parts, fmt.Sprintf("%d chỉ tiêu có nguy cơ chậm tiến độ", atRisk))
	}
	if lagging > 0 {
		parts = append(parts, fmt.Sprintf("%d chỉ tiêu chậm tiến độ", lagging))
	}
	if len(parts) > 0 {
		s += "; trong đó " + joinVI(parts)
	}
	out = append(out, s+".")

	// Headline figures: growth in the better direction, those with a plan first.
	var heads []*item
	for _, it := range items {
		if it.hasData && it.row.YoY != nil && it.row.Current.OK && good(&it.ind, *it.row.YoY) && classOf(&it.ind) == classFlow {
			heads = append(heads, it)
		}
	}
	sort.SliceStable(heads, func(i, j int) bool { return heads[i].row.PlanPct != nil && heads[j].row.PlanPct == nil })
	if len(heads) > 3 {
		heads = heads[:3]
	}
	var hs []string
	for _, it := range heads {
		subj, _ := subject(&it.ind)
		hs = append(hs, fmt.Sprintf("%s đạt %s, %s", lowerFirst(subj), formatValue(&it.ind, it.row.Current.Value), change(*it.row.YoY, it.row.YoYReported, "cùng kỳ")))
	}
	if len(hs) > 0 {
		out = append(out, "Một số kết quả nổi bật: "+strings.Join(hs, "; ")+".")
	}
	return out
}

func assess(items []*item, p planwatch.Period) Assessment {
	var a Assessment
	per := p.ShortLabelVI()
	if p.Type == planwatch.Year {
		per = "năm"
	}
	for _, it := range items {
		subj, _ := subject(&it.ind)
		row := &it.row
		if !it.hasData {
			if it.plan == nil && (row.Target != nil || row.LastYear.OK) {
				a.Missing = append(a.Missing, it.ind.NameVI)
			}
			continue
		}
		if c := classOf(&it.ind); (c == classRate || c == classGrowth || c == classIndex) && row.Target != nil && row.Current.OK && !row.PlanPctReported {
			// A share of a rate's target means nothing: compare the levels.
			switch row.Status {
			case calc.Achieved, calc.OnTrack:
				a.Highlights = append(a.Highlights, fmt.Sprintf("%s là %s, đạt mục tiêu kế hoạch năm (%s%s).",
					subj, formatValue(&it.ind, row.Current.Value), limitWord(&it.ind), formatValue(&it.ind, *row.Target)))
			case calc.Lagging, calc.AtRisk:
				a.Shortcomings = append(a.Shortcomings, fmt.Sprintf("%s là %s, chưa đạt mục tiêu kế hoạch năm (%s%s).",
					subj, formatValue(&it.ind, row.Current.Value), limitWord(&it.ind), formatValue(&it.ind, *row.Target)))
			}
		} else {
			switch row.Status {
			case calc.Achieved:
				a.Highlights = append(a.Highlights, fmt.Sprintf("%s đã đạt %s%% kế hoạch năm.", subj, pct(*row.PlanPct, row.PlanPctReported)))
			case calc.OnTrack:
				if row.ExpectedPct != nil && row.PaceMethod != "level" {
					a.Highlights = append(a.Highlights, fmt.Sprintf("%s đạt %s%% kế hoạch năm, đúng tiến độ (mức cần đạt đến hết %s là %s%%).",
						subj, pct(*row.PlanPct, row.PlanPctReported), per, pct(*row.ExpectedPct, false)))
				}
			case calc.Lagging, calc.AtRisk:
				a.Shortcomings = append(a.Shortcomings, lagSentence(it, per))
			}
		}
		if row.YoY != nil && pct(math.Abs(*row.YoY), row.YoYReported) != "0" && !good(&it.ind, *row.YoY) {
			a.Shortcomings = append(a.Shortcomings, fmt.Sprintf("%s %s.", subj, change(*row.YoY, row.YoYReported, "cùng kỳ")))
		}
		for _, m := range row.Milestones {
			if !m.Due || m.Met == nil {
				continue
			}
			text := fmt.Sprintf("Mục tiêu đến hết %s: %s đạt %s %s%% kế hoạch", endPhrase(m.Period), lowerFirst(subj), boundWord(m.Bound), pct(m.Share, true))
			if *m.Met {
				a.Highlights = append(a.Highlights, fmt.Sprintf("%s đã hoàn thành (đạt %s%%).", text, pct(*m.Reached, false)))
			} else {
				a.Shortcomings = append(a.Shortcomings, fmt.Sprintf("%s chưa hoàn thành (mới đạt %s%%).", text, pct(*m.Reached, false)))
			}
		}
	}
	return a
}

// lagSentence says how far behind pace an indicator is.
func lagSentence(it *item, per string) string {
	row := &it.row
	subj, _ := subject(&it.ind)
	reached := pct(*row.PlanPct, row.PlanPctReported)
	if row.ExpectedPct == nil || row.PaceMethod == "level" {
		return fmt.Sprintf("%s mới đạt %s%% kế hoạch năm.", subj, reached)
	}
	gap := *row.ExpectedPct - *row.PlanPct
	method := "tiến độ đều trong năm"
	if row.PaceMethod == "seasonal" {
		method = "nhịp độ các năm trước"
	}
	s := fmt.Sprintf("%s mới đạt %s%% kế hoạch năm, thấp hơn mức %s%% cần đạt đến hết %s theo %s (chậm %s điểm phần trăm)",
		subj, reached, pct(*row.ExpectedPct, false), per, method, pct(gap, false))
	if row.Projection != nil && row.Target != nil && *row.Target != 0 {
		s += fmt.Sprintf("; nếu giữ nhịp độ này, cả năm ước đạt %s, bằng %s%% kế hoạch",
			formatValue(&it.ind, *row.Projection), pct(*row.Projection / *row.Target * 100, false))
	}
	return s + "."
}

// limitWord says which side of a rate's target is the goal.
func limitWord(ind *planwatch.Indicator) string {
	if ind.Direction == planwatch.LowerIsBetter {
		return "không quá "
	}
	return "từ "
}

func boundWord(b planwatch.Bound) string {
	if b == planwatch.BoundMax {
		return "dưới"
	}
	return "trên"
}

// tasks lists the priority tasks for the next period: the recorded tasks due
// then (and earlier ones still open), the milestones ahead, and a call to
// speed up the lagging indicators.
func tasks(recorded []planwatch.Task, items []*item, ds *calc.Dataset, p, next planwatch.Period) ([]TaskItem, string) {
	names := func(codes []string) []string {
		var out []string
		for _, c := range codes {
			if ind, ok := ds.Indicators[c]; ok {
				s, _ := subject(&ind)
				out = append(out, s)
			} else if c != "" {
				out = append(out, c)
			}
		}
		return out
	}
	var out []TaskItem
	ts := append([]planwatch.Task(nil), recorded...)
	sort.SliceStable(ts, func(i, j int) bool {
		si, sj := sectionRank(ts[i].Sector), sectionRank(ts[j].Sector)
		if si != sj {
			return si < sj
		}
		return ts[i].ID < ts[j].ID
	})
	seen := map[string]bool{}
	for _, t := range ts {
		if t.Status == planwatch.TaskDone || t.Status == planwatch.TaskDropped || strings.TrimSpace(t.Text) == "" {
			continue
		}
		dueNext := t.Due.Year == next.Year && t.Due.First <= next.Last && t.Due.Last >= next.First
		carried := !dueNext && (t.Due.Year < next.Year || (t.Due.Year == next.Year && t.Due.Last < next.First))
		if !dueNext && !carried {
			continue
		}
		key := t.Text + "|" + t.Owner
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, TaskItem{Text: strings.TrimSpace(t.Text), Owner: t.Owner, Indicators: names(t.Indicators), Carried: carried})
	}
	for _, it := range items {
		for _, m := range it.row.Milestones {
			if m.Due {
				continue
			}
			subj, _ := subject(&it.ind)
			out = append(out, TaskItem{Text: fmt.Sprintf("Phấn đấu hết %s %s đạt %s %s%% kế hoạch.",
				endPhrase(m.Period), lowerFirst(subj), boundWord(m.Bound), pct(m.Share, true))})
		}
	}
	var lag []string
	for _, it := range items {
		if it.hasData && (it.row.Status == calc.Lagging || it.row.Status == calc.AtRisk) {
			s, _ := subject(&it.ind)
			lag = append(lag, lowerFirst(s))
		}
	}
	if len(lag) > 0 {
		out = append(out, TaskItem{Text: "Tập trung chỉ đạo, đẩy nhanh tiến độ các chỉ tiêu đang chậm so với kế hoạch: " + strings.Join(lag, "; ") + "."})
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("Chưa ghi nhận nhiệm vụ trọng tâm nào cho %s.", next.LabelVI())
	}
	return out, ""
}

func sectionRank(sector string) int {
	id := sectionOfName(sector)
	i := 0
	for _, pd := range outline {
		for _, sd := range pd.Sections {
			if sd.ID == id {
				return i
			}
			i++
		}
	}
	return i
}

func annex(ds *calc.Dataset, unit string, p planwatch.Period, items []*item) []AnnexRow {
	var out []AnnexRow
	for _, it := range items {
		if !it.annexable {
			continue
		}
		ind, row := &it.ind, &it.row
		a := AnnexRow{Indicator: ind.Code, Name: ind.NameVI, Unit: ind.Unit, Estimate: row.Estimate, Illustrative: it.illustrative}
		cur, last := row.YTD, row.LastYear
		yoy, yoyReported := row.YoY, row.YoYReported
		if classOf(ind) == classFlow && !p.IsYearToDate() {
			// The annex is cumulative (lũy kế): compare year-to-date with year-to-date.
			last = ds.Value(ind.Code, unit, p.YearToDate().SamePeriodLastYear())
			yoy, yoyReported = nil, false
			if cur.OK && last.OK && last.Value != 0 {
				g := (cur.Value/last.Value - 1) * 100
				yoy = &g
			}
		}
		if last.OK {
			a.LastYear = formatNumber(ind, last.Value)
		}
		if row.Target != nil {
			a.Plan = formatNumber(ind, *row.Target)
		}
		if it.plan != nil {
			a.Plan = formatNumber(ind, *it.plan)
		}
		if cur.OK {
			a.Current = formatNumber(ind, cur.Value)
		}
		if yoy != nil && classOf(ind) != classRate && classOf(ind) != classGrowth {
			a.VsLastYear = pct(100+*yoy, yoyReported)
		}
		if c := classOf(ind); row.PlanPct != nil && (row.PlanPctReported || (c != classRate && c != classGrowth && c != classIndex)) {
			a.PlanPct = pct(*row.PlanPct, row.PlanPctReported)
		}
		out = append(out, a)
	}
	return out
}

// joinVI joins phrases with commas and a final "và".
func joinVI(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " và " + parts[len(parts)-1]
}
