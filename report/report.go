// Package report writes the period report on a unit's socio-economic plan in
// Vietnamese, in the register of provincial reports ("Báo cáo tình hình thực
// hiện nhiệm vụ phát triển kinh tế - xã hội quý I; nhiệm vụ, giải pháp trọng
// tâm quý II năm 2022"): an opening summary, one sentence per indicator with
// data, section by section in the order of a provincial report, the lagging
// indicators and how far behind pace they are, with the child units ranked
// on them, the recorded notes, the priority tasks for the next period and an
// annex table. The same report can be written in English (Input.Lang "en"),
// figure for figure, in the register of a statistical release.
//
// Build turns a calc.Dataset, notes, tasks and the unit's report settings
// into a Report model, laid out once in blocks; the renderers write it as
// Markdown, HTML (inline SVG charts, printable on A4) or DOCX (charts as PNG
// with their SVG, Word styles and a table of contents). HTML and DOCX are
// framed as an administrative report under Decree 30/2020/NĐ-CP (header
// table, date line, recipients, signature block). Every figure comes from
// the data: an indicator without data gets no sentence, and what is missing
// is said, never invented.
//
// A comparison of units is a list of Ranking tables; a report on a group of
// units or on the country would be built from the same model once the
// analytics give such units their rows.
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
	// Lang is the language of every text of the model: "vi" or "en".
	Lang     string
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
	// Comparison ranks the child units on the indicators that lag.
	Comparison []Ranking
	// Letterhead is what the document prints around the text as an
	// administrative report: header, date line, recipients, signature.
	Letterhead Letterhead
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
	// The same figures as numbers (base units; percentages), for the
	// annex as a spreadsheet (WriteAnnexXLSX); nil where the text is empty.
	ind                                         planwatch.Indicator
	lastYear, plan, current, vsLastYear, ofPlan *float64
}

// Chart is a trend of an indicator against its plan and last year.
type Chart struct {
	Indicator string
	Title     string
	Unit      string
	Labels    []string
	Series    []chart.Series
	// Lang is the language of the axis numbers ("vi": 10.000, "en": 10,000).
	Lang string
	// Kind is "" for a trend (lines over months or quarters) or "bars" for
	// a section's indicators against their bases, drawn under Section.
	Kind    string
	Section string
	// Reference is the value of the dashed reference line of bars (100%).
	Reference float64
}

// Input is what Build needs.
type Input struct {
	Data    *calc.Dataset
	Unit    string
	Period  planwatch.Period
	Notes   []planwatch.Note
	Tasks   []planwatch.Task
	Options calc.Options // zero: calc.DefaultOptions()
	Date    time.Time    // the report's date; zero prints a dotted blank
	// Lang is the report's language: "vi" (default) or "en".
	Lang string
	// Settings are the unit's stored report settings (issuing body,
	// number, recipients, signer); empty fields print as dotted blanks.
	Settings planwatch.ReportSettings
	// Group, when set, makes the report one of a unit group (Unit is
	// then not used): its figures combine the group's units by each
	// indicator's aggregation over units (calc.GroupRow), its rankings
	// compare them; it has no charts of its own.
	Group *planwatch.UnitGroup
}

// Source is what Load reads from a store.
type Source interface {
	calc.Source
	Notes(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Note, error)
	Tasks(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Task, error)
	ReportSettings(ctx context.Context, unit string) (planwatch.ReportSettings, error)
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
	if in.Settings, err = s.ReportSettings(ctx, unit); err != nil {
		return Input{}, fmt.Errorf("report: load settings: %w", err)
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
	// The unit's indicator set for the year, when the store keeps sets:
	// the report speaks of what the unit monitors.
	in.Options = calc.DefaultOptions()
	if ce, ok := s.(planwatch.CatalogueEditor); ok {
		sets, err := ce.IndicatorSets(ctx, unit, p.Year)
		if err != nil {
			return Input{}, fmt.Errorf("report: load indicator set: %w", err)
		}
		if len(sets) == 1 {
			in.Options.Set = &sets[0]
		}
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

// title is the report's title in the language: in English, "Socio-economic
// situation in Q1 and priorities for Q2 2022".
func (l lang) title(p planwatch.Period) string {
	if l == langVI {
		return Title(p)
	}
	next := NextPeriod(p)
	if p.Type == planwatch.Year || next.Year != p.Year {
		return "Socio-economic situation in " + p.LabelEN() + " and priorities for " + next.LabelEN()
	}
	return "Socio-economic situation in " + l.shortLabel(p) + " and priorities for " + l.shortLabel(next) + fmt.Sprintf(" %d", p.Year)
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
	ds, p, l := in.Data, in.Period, langOf(in.Lang)
	opt := in.Options
	if opt.TargetKind == "" {
		opt = calc.DefaultOptions()
		opt.Set = in.Options.Set
	}
	r := &Report{Lang: string(l), Title: l.title(p), UnitCode: in.Unit, UnitName: l.unitName(ds, in.Unit, p), Period: p, Next: NextPeriod(p), Date: in.Date}
	var members []string
	if g := in.Group; g != nil {
		members = g.Units
		r.UnitCode, r.UnitName = g.Code, l.pick(g.NameVI, g.NameEN)
		if r.UnitName == "" {
			r.UnitName = g.NameVI
		}
	}

	items := collect(ds, in.Unit, members, p, opt)
	bySection := map[string][]*item{}
	verbs := map[string]int{}
	for _, it := range items {
		if it.hasData || it.plan != nil {
			it.sentence = l.sentenceFor(it, p, verbs[it.section])
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
		part := Part{Title: l.pick(pd.Title, pd.TitleEN)}
		for _, sd := range pd.Sections {
			sec := Section{ID: sd.ID, Title: l.pick(sd.Title, sd.TitleEN), Notes: notes[sd.ID]}
			if border && sd.BorderTitle != "" {
				sec.Title = l.pick(sd.BorderTitle, sd.BorderTitleEN)
			}
			for _, it := range bySection[sd.ID] {
				switch {
				case it.sentence != "":
					sec.Sentences = append(sec.Sentences, Sentence{Indicator: it.ind.Code, Text: it.sentence})
				case !it.hasData && it.plan == nil && (it.row.Target != nil || it.row.LastYear.OK):
					sec.Missing = append(sec.Missing, l.name(&it.ind))
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

	r.Summary = l.summary(r, items, p)
	r.Assessment = l.assess(items, p)
	r.Tasks, r.NoTasks = l.tasks(in.Tasks, items, ds, p, r.Next)
	r.Annex = l.annex(ds, in.Unit, members, p, items)
	if members == nil {
		r.Charts = l.charts(ds, in.Unit, p, items)
	}
	r.Charts = append(r.Charts, l.sectionCharts(r, items, r.Charts)...)
	r.Comparison = l.comparison(ds, in.Unit, members, p, opt, items)
	r.Letterhead = l.letterhead(ds, in.Unit, p, in.Settings, in.Date)
	return r
}

// unitName is the unit's name as a sentence uses it: "tỉnh Lạng Sơn",
// "Lang Son province".
func (l lang) unitName(ds *calc.Dataset, code string, p planwatch.Period) string {
	if ds.Units() != nil {
		u, ok := ds.Units().At(code, p.End())
		if !ok {
			u, ok = ds.Units().Latest(code)
		}
		if ok && l == langEN {
			return unitNameEN(u)
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
	return l.pick("đơn vị ", "unit ") + code
}

// unitTypesEN names the types of administrative unit in English.
var unitTypesEN = map[string]string{"Tỉnh": "province", "Thành phố": "city", "Huyện": "district", "Quận": "district",
	"Thị xã": "town", "Xã": "commune", "Phường": "ward", "Thị trấn": "township", "Đặc khu": "special zone"}

func unitNameEN(u planwatch.OrgUnit) string {
	name := u.NameEN
	if name == "" {
		name = u.Name
	}
	if t := unitTypesEN[u.Type]; t != "" {
		return name + " " + t
	}
	return name
}

// collect computes a row for every indicator the report can speak of (with
// data, a target, a milestone, or data a year ago), in report order.
// collect makes the items of a unit's report, or of a group's (members
// not nil: the group's rows, nothing reported as such).
func collect(ds *calc.Dataset, unit string, members []string, p planwatch.Period, opt calc.Options) []*item {
	codes := make([]string, 0, len(ds.Indicators()))
	for c := range ds.Indicators() {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var items []*item
	for _, c := range codes {
		ind := ds.Indicators()[c]
		if !planwatch.Monitors(opt.Set, &ind) {
			continue
		}
		var row calc.Row
		var rep planwatch.DataValue
		var hasRep bool
		if members != nil {
			row = ds.GroupRow(c, members, p, opt)
		} else {
			row = ds.Row(c, unit, p, opt.For(c))
			rep, hasRep = ds.Reported(c, unit, p)
		}
		it := &item{row: row, ind: ind, section: sectionOf(c, ind.Sector), reported: rep}
		it.hasData = row.Current.OK || row.YTD.OK || (hasRep && (rep.YoY != nil || rep.PlanPct != nil || rep.VsRef != nil))
		if isPlanIndicator(&ind) && !it.hasData && members == nil {
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
		if members == nil {
			it.illustrative = it.hasData && illustrative(ds, c, unit, p, 1)
		}
		for _, m := range members {
			it.illustrative = it.illustrative || (it.hasData && illustrative(ds, c, m, p, 1))
		}
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
	if own || depth == 0 || ds.Units() == nil {
		return false
	}
	for _, c := range ds.Units().ChildrenAt(unit, p.End()) {
		if illustrativeIn(ds, code, c, p, periods, depth-1) {
			return true
		}
	}
	return false
}

// sentenceFor writes the sentence of one indicator; n counts the sentences
// of its section so far, to vary the verb.
func (l lang) sentenceFor(it *item, p planwatch.Period, n int) string {
	ind, row := &it.ind, &it.row
	subj, ref := l.subject(ind)
	if it.plan != nil {
		return l.withYear(ind, p.Year) + l.pick(" là ", " stands at ") + l.value(ind, *it.plan) + "."
	}
	// English verbs that agree with any subject ("arrivals", "revenue").
	verb := l.pick("đạt", "reached")
	if n%3 == 2 || ind.Kind == planwatch.KindCount {
		verb = l.pick("là", "stood at")
	}
	if row.Estimate {
		verb = l.pick("ước đạt", "reached an estimated")
	}
	per := l.periodPhrase(p)
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
		return l.change(*row.YoY, row.YoYReported, l.sameTime())
	}
	// yoyChanged is growth as the predicate.
	yoyChanged := func() string { return l.changed(*row.YoY, row.YoYReported, l.sameTime()) }
	planPct := func() string {
		if row.PlanPct == nil {
			return ""
		}
		return l.pick("đạt "+l.pct(*row.PlanPct, row.PlanPctReported)+"% kế hoạch", l.pct(*row.PlanPct, row.PlanPctReported)+"% of the annual plan")
	}

	switch classOf(ind) {
	case classGrowth:
		switch {
		case row.Current.OK:
			b.WriteString(subj + " " + per + " " + l.changed(row.Current.Value, row.Current.Reported, ref))
		case row.YoY != nil:
			b.WriteString(subj + " " + per + " " + yoyChanged())
		default:
			return ""
		}
	case classIndex:
		switch {
		case row.Current.OK && ind.Unit == "%" && ref != "":
			b.WriteString(subj + " " + per + l.pick(" bằng ", " stood at ") + l.value(ind, row.Current.Value) + l.pick(" so với ", " of ") + ref)
		case row.Current.OK:
			b.WriteString(subj + " " + per + " " + verb + " " + l.value(ind, row.Current.Value))
			clause(yoy())
		case row.YoY != nil:
			b.WriteString(subj + " " + per + " " + yoyChanged())
		default:
			return ""
		}
	case classRate:
		if !row.Current.OK {
			return ""
		}
		if !row.Estimate {
			verb = l.pick("là", "stood at")
		}
		b.WriteString(subj + " " + per + " " + verb + " " + l.value(ind, row.Current.Value))
		if row.PPChange != nil {
			clause(l.changePoints(*row.PPChange, l.sameTime()))
		} else {
			clause(yoy())
		}
		if row.PlanPctReported {
			clause(planPct())
		} else if row.Target != nil {
			b.WriteString(l.pick("; kế hoạch năm là ", "; the annual target is ") + l.value(ind, *row.Target))
		}
	case classLevel:
		b.WriteString(subj)
		if row.Current.OK {
			b.WriteString(" " + verb + " " + l.value(ind, row.Current.Value))
		} else if l == langEN && (row.VsRef != nil || row.PlanPct != nil || row.YoY != nil) {
			b.WriteString(":")
		}
		if row.VsRef != nil {
			clause(l.change(*row.VsRef, row.VsRefReported, l.date(row.RefDate)))
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
			b.WriteString(" " + verb + " " + l.value(ind, row.Current.Value))
		} else if !ytdSeparate && row.PlanPct == nil && row.YoY == nil {
			return ""
		}
		if ytdSeparate {
			clause(yoy())
			b.WriteString(l.pick("; lũy kế "+l.periodPhrase(p.YearToDate())+" đạt ", "; the cumulative total "+l.periodPhrase(p.YearToDate())+" reached ") + l.value(ind, row.YTD.Value))
			clause(planPct())
		} else {
			if !row.Current.OK && row.PlanPct != nil {
				b.WriteString(" " + l.pick("", "reached ") + planPct())
			} else {
				clause(planPct())
			}
			clause(yoy())
		}
	}
	if it.illustrative {
		b.WriteString(l.pick(" (số liệu minh họa)", " (illustrative figures)"))
	}
	if f := row.Current; f.PartOfUnits() {
		fmt.Fprintf(&b, l.pick(" (tổng hợp từ %d/%d đơn vị báo cáo)", " (from %d of %d reporting units)"), f.Units, f.Expected)
	}
	s := strings.ReplaceAll(b.String(), " , ", ", ")
	return upperFirst(strings.ReplaceAll(s, "  ", " ")) + "."
}

// good reports whether a change is in the indicator's better direction.
func good(ind *planwatch.Indicator, x float64) bool {
	return (x > 0) == (ind.Direction != planwatch.LowerIsBetter)
}

func (l lang) summary(r *Report, items []*item, p planwatch.Period) []string {
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
		return []string{fmt.Sprintf(l.pick("Chưa có số liệu %s của %s; báo cáo chưa thể đánh giá kết quả thực hiện các chỉ tiêu kinh tế - xã hội.",
			"No figures for %s have been reported for %s yet; the report cannot assess the socio-economic indicators."), l.label(p), r.UnitName)}
	}
	var out []string
	s := fmt.Sprintf(l.pick("Trong %s, %s có số liệu của %d chỉ tiêu kinh tế - xã hội", "In %s, figures were reported for %[2]s on %[3]d socio-economic indicators"), l.label(p), r.UnitName, withData)
	var parts []string
	if onTrack > 0 {
		parts = append(parts, fmt.Sprintf(l.pick("%d chỉ tiêu đạt tiến độ kế hoạch năm", "%d on track to meet the annual plan"), onTrack))
	}
	if atRisk > 0 {
		parts = append(parts, fmt.Sprintf(l.pick("%d chỉ tiêu có nguy cơ chậm tiến độ", "%d at risk of falling behind"), atRisk))
	}
	if lagging > 0 {
		parts = append(parts, fmt.Sprintf(l.pick("%d chỉ tiêu chậm tiến độ", "%d behind schedule"), lagging))
	}
	if len(parts) > 0 {
		s += l.pick("; trong đó ", ", of which ") + l.join(parts)
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
		subj, _ := l.subject(&it.ind)
		hs = append(hs, fmt.Sprintf(l.pick("%s đạt %s, %s", "%s reached %s, %s"), lowerFirst(subj), l.value(&it.ind, it.row.Current.Value), l.change(*it.row.YoY, it.row.YoYReported, l.sameTime())))
	}
	if len(hs) > 0 {
		out = append(out, l.pick("Một số kết quả nổi bật: ", "Highlights: ")+strings.Join(hs, "; ")+".")
	}
	return out
}

func (l lang) assess(items []*item, p planwatch.Period) Assessment {
	var a Assessment
	per := l.shortLabel(p)
	if p.Type == planwatch.Year {
		per = l.pick("năm", "the year")
	}
	for _, it := range items {
		subj, _ := l.subject(&it.ind)
		row := &it.row
		if !it.hasData {
			if it.plan == nil && (row.Target != nil || row.LastYear.OK) {
				a.Missing = append(a.Missing, l.name(&it.ind))
			}
			continue
		}
		if c := classOf(&it.ind); (c == classRate || c == classGrowth || c == classIndex) && row.Target != nil && row.Current.OK && !row.PlanPctReported {
			// A share of a rate's target means nothing: compare the levels.
			switch row.Status {
			case calc.Achieved, calc.OnTrack:
				a.Highlights = append(a.Highlights, fmt.Sprintf(l.pick("%s là %s, đạt mục tiêu kế hoạch năm (%s%s).", "%s stood at %s, meeting the annual target (%s%s)."),
					subj, l.value(&it.ind, row.Current.Value), l.limitWord(&it.ind), l.value(&it.ind, *row.Target)))
			case calc.Lagging, calc.AtRisk:
				a.Shortcomings = append(a.Shortcomings, fmt.Sprintf(l.pick("%s là %s, chưa đạt mục tiêu kế hoạch năm (%s%s).", "%s stood at %s, short of the annual target (%s%s)."),
					subj, l.value(&it.ind, row.Current.Value), l.limitWord(&it.ind), l.value(&it.ind, *row.Target)))
			}
		} else {
			switch row.Status {
			case calc.Achieved:
				a.Highlights = append(a.Highlights, fmt.Sprintf(l.pick("%s đã đạt %s%% kế hoạch năm.", "%s reached %s%% of the annual plan."), subj, l.pct(*row.PlanPct, row.PlanPctReported)))
			case calc.OnTrack:
				if row.ExpectedPct != nil && row.PaceMethod != "level" {
					a.Highlights = append(a.Highlights, fmt.Sprintf(l.pick("%s đạt %s%% kế hoạch năm, đúng tiến độ (mức cần đạt đến hết %s là %s%%).",
						"%s reached %s%% of the annual plan, on schedule (%[4]s%% was due by the end of %[3]s)."),
						subj, l.pct(*row.PlanPct, row.PlanPctReported), per, l.pct(*row.ExpectedPct, false)))
				}
			case calc.Lagging, calc.AtRisk:
				a.Shortcomings = append(a.Shortcomings, l.lagSentence(it, per))
			}
		}
		if row.YoY != nil && l.pct(math.Abs(*row.YoY), row.YoYReported) != "0" && !good(&it.ind, *row.YoY) {
			a.Shortcomings = append(a.Shortcomings, fmt.Sprintf("%s %s.", subj, l.changed(*row.YoY, row.YoYReported, l.sameTime())))
		}
		for _, m := range row.Milestones {
			if !m.Due || m.Met == nil {
				continue
			}
			text := fmt.Sprintf(l.pick("Mục tiêu đến hết %s: %s đạt %s %s%% kế hoạch", "Milestone for the end of %s: %s at %s %s%% of the plan"),
				l.endPhrase(m.Period), lowerFirst(subj), l.boundWord(m.Bound), l.pct(m.Share, true))
			if *m.Met {
				a.Highlights = append(a.Highlights, fmt.Sprintf(l.pick("%s đã hoàn thành (đạt %s%%).", "%s: met (%s%% reached)."), text, l.pct(*m.Reached, false)))
			} else {
				a.Shortcomings = append(a.Shortcomings, fmt.Sprintf(l.pick("%s chưa hoàn thành (mới đạt %s%%).", "%s: not met (only %s%% reached)."), text, l.pct(*m.Reached, false)))
			}
		}
	}
	return a
}

// lagSentence says how far behind pace an indicator is.
func (l lang) lagSentence(it *item, per string) string {
	row := &it.row
	subj, _ := l.subject(&it.ind)
	reached := l.pct(*row.PlanPct, row.PlanPctReported)
	if row.ExpectedPct == nil || row.PaceMethod == "level" {
		return fmt.Sprintf(l.pick("%s mới đạt %s%% kế hoạch năm.", "%s reached only %s%% of the annual plan."), subj, reached)
	}
	gap := *row.ExpectedPct - *row.PlanPct
	method := l.pick("tiến độ đều trong năm", "an even pace through the year")
	if row.PaceMethod == "seasonal" {
		method = l.pick("nhịp độ các năm trước", "the pace of previous years")
	}
	s := fmt.Sprintf(l.pick("%s mới đạt %s%% kế hoạch năm, thấp hơn mức %s%% cần đạt đến hết %s theo %s (chậm %s điểm phần trăm)",
		"%s reached only %s%% of the annual plan, below the %s%% due by the end of %s at %s (%s percentage points behind)"),
		subj, reached, l.pct(*row.ExpectedPct, false), per, method, l.pct(gap, false))
	if row.Projection != nil && row.Target != nil && *row.Target != 0 {
		s += fmt.Sprintf(l.pick("; nếu giữ nhịp độ này, cả năm ước đạt %s, bằng %s%% kế hoạch", "; at this pace the year would end at %s, %s%% of the plan"),
			l.value(&it.ind, *row.Projection), l.pct(*row.Projection / *row.Target * 100, false))
	}
	return s + "."
}

// limitWord says which side of a rate's target is the goal.
func (l lang) limitWord(ind *planwatch.Indicator) string {
	if ind.Direction == planwatch.LowerIsBetter {
		return l.pick("không quá ", "at most ")
	}
	return l.pick("từ ", "at least ")
}

func (l lang) boundWord(b planwatch.Bound) string {
	if b == planwatch.BoundMax {
		return l.pick("dưới", "below")
	}
	return l.pick("trên", "above")
}

// tasks lists the priority tasks for the next period: the recorded tasks due
// then (and earlier ones still open), the milestones ahead, and a call to
// speed up the lagging indicators.
func (l lang) tasks(recorded []planwatch.Task, items []*item, ds *calc.Dataset, p, next planwatch.Period) ([]TaskItem, string) {
	names := func(codes []string) []string {
		var out []string
		for _, c := range codes {
			if ind, ok := ds.Indicators()[c]; ok {
				s, _ := l.subject(&ind)
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
			subj, _ := l.subject(&it.ind)
			out = append(out, TaskItem{Text: fmt.Sprintf(l.pick("Phấn đấu hết %s %s đạt %s %s%% kế hoạch.", "Bring %[2]s %[3]s %[4]s%% of the plan by the end of %[1]s."),
				l.endPhrase(m.Period), lowerFirst(subj), l.boundWord(m.Bound), l.pct(m.Share, true))})
		}
	}
	var lag []string
	for _, it := range items {
		if it.hasData && (it.row.Status == calc.Lagging || it.row.Status == calc.AtRisk) {
			s, _ := l.subject(&it.ind)
			lag = append(lag, lowerFirst(s))
		}
	}
	if len(lag) > 0 {
		out = append(out, TaskItem{Text: l.pick("Tập trung chỉ đạo, đẩy nhanh tiến độ các chỉ tiêu đang chậm so với kế hoạch: ",
			"Speed up the indicators behind the plan: ") + strings.Join(lag, "; ") + "."})
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf(l.pick("Chưa ghi nhận nhiệm vụ trọng tâm nào cho %s.", "No priority task has been recorded for %s."), l.label(next))
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

func (l lang) annex(ds *calc.Dataset, unit string, members []string, p planwatch.Period, items []*item) []AnnexRow {
	var out []AnnexRow
	for _, it := range items {
		if !it.annexable {
			continue
		}
		ind, row := &it.ind, &it.row
		a := AnnexRow{Indicator: ind.Code, Name: l.name(ind), Unit: l.unit(ind.Unit), Estimate: row.Estimate, Illustrative: it.illustrative, ind: *ind}
		cur, last := row.YTD, row.LastYear
		yoy, yoyReported := row.YoY, row.YoYReported
		if classOf(ind) == classFlow && !p.IsYearToDate() {
			// The annex is cumulative (lũy kế): compare year-to-date with year-to-date.
			if members != nil {
				last = ds.GroupValue(ind.Code, members, p.YearToDate().SamePeriodLastYear())
			} else {
				last = ds.Value(ind.Code, unit, p.YearToDate().SamePeriodLastYear())
			}
			yoy, yoyReported = nil, false
			if cur.OK && last.OK && last.Value != 0 {
				g := (cur.Value/last.Value - 1) * 100
				yoy = &g
			}
		}
		if last.OK {
			a.LastYear, a.lastYear = l.number(ind, last.Value), ptr(last.Value)
		}
		if row.Target != nil {
			a.Plan, a.plan = l.number(ind, *row.Target), ptr(*row.Target)
		}
		if it.plan != nil {
			a.Plan, a.plan = l.number(ind, *it.plan), ptr(*it.plan)
		}
		if cur.OK {
			a.Current, a.current = l.number(ind, cur.Value), ptr(cur.Value)
		}
		if yoy != nil && classOf(ind) != classRate && classOf(ind) != classGrowth {
			a.VsLastYear, a.vsLastYear = l.pct(100+*yoy, yoyReported), ptr(100+*yoy)
		}
		if c := classOf(ind); row.PlanPct != nil && (row.PlanPctReported || (c != classRate && c != classGrowth && c != classIndex)) {
			a.PlanPct, a.ofPlan = l.pct(*row.PlanPct, row.PlanPctReported), ptr(*row.PlanPct)
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
