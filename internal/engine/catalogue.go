package engine

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// CatalogueReader is what planning a catalogue change reads, within its
// transaction.
type CatalogueReader interface {
	// Indicators lists the stored indicators.
	Indicators(ctx context.Context) ([]planwatch.Indicator, error)
	// LatestVersions returns the highest stored version of each indicator code.
	LatestVersions(ctx context.Context) (map[string]int, error)
	// KnownUnits returns which of codes name a unit (in any version).
	KnownUnits(ctx context.Context, codes []string) (map[string]bool, error)
	// CurrentValues returns the current values of an indicator (none withdrawn).
	CurrentValues(ctx context.Context, code string) ([]planwatch.DataValue, error)
	// CurrentTargets returns the current version of each target of an indicator.
	CurrentTargets(ctx context.Context, code string) ([]planwatch.Target, error)
	// IndicatorSets and UnitGroups are the stored ones (for the audit trail's old values).
	IndicatorSets(ctx context.Context) ([]planwatch.IndicatorSet, error)
	UnitGroups(ctx context.Context) ([]planwatch.UnitGroup, error)
	// Categories are the stored breakdown categories.
	Categories(ctx context.Context) ([]planwatch.Category, error)
}

// CataloguePlan is what a checked catalogue change writes.
type CataloguePlan struct {
	Indicators []IndicatorChange              // upserts with their audit entries
	Versions   []planwatch.IndicatorVersion   // one per changed indicator
	Sets       []planwatch.IndicatorSet       // replace; no items: delete
	Groups     []planwatch.UnitGroup          // replace; no units: delete
	Audit      []planwatch.AuditEntry         // of sets and groups
	Categories []planwatch.Category           // to insert or replace
	Removed    []string                       // categories to delete
	By, From   string                         // who, from where (the categories' audit entries)
	Convert    *planwatch.ChangeSet           // values and targets to convert, nil for none
	Result     planwatch.CatalogueResult      // counts, Converted filled by the engine
	problems   []planwatch.Problem            //
	now        time.Time                      //
	stored     map[string]planwatch.Indicator //
	storedList []planwatch.Indicator          //
}

// Empty reports whether the plan writes nothing.
func (p *CataloguePlan) Empty() bool {
	return len(p.Indicators) == 0 && len(p.Sets) == 0 && len(p.Groups) == 0 && p.Convert == nil &&
		len(p.Categories) == 0 && len(p.Removed) == 0
}

// PlanCatalogue checks a catalogue change and decides what it writes:
// indicators that differ from the stored ones become new versions; a change
// of meaning of an indicator with stored values is refused (kind and
// aggregations outright, naming the count of values; the unit unless
// c.Convert gives a factor, whose conversion of values and targets is
// Plan.Convert); sets and groups must name known indicators, units and
// target kinds. EINVALID lists every problem. Rows of problems: an
// indicator's position in c.Indicators; a set item's position among all
// items of c.Sets (a set without items: its own position among sets,
// counted as one); a group member's likewise among c.Groups.
func PlanCatalogue(ctx context.Context, c *planwatch.CatalogueChange, r CatalogueReader, now time.Time) (*CataloguePlan, error) {
	p := &CataloguePlan{now: now, Categories: c.Categories, Removed: c.RemoveCategories, By: c.By, From: c.From}
	stored, err := r.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	if c, err = withBreakdowns(ctx, c, stored, r); err != nil {
		return nil, err
	}
	if problems := CheckIndicators(c.Indicators); len(problems) > 0 {
		p.problems = problems
	}
	p.storedList = stored
	if len(p.problems) == 0 && len(c.Indicators) > 0 {
		// Derived indicators: unknown codes and cycles refused when defined.
		p.problems = CheckFormulas(stored, c.Indicators)
	}
	p.stored = map[string]planwatch.Indicator{}
	for _, ind := range stored {
		p.stored[ind.Code] = ind
	}
	if err := p.planIndicators(ctx, c, r); err != nil {
		return nil, err
	}
	if err := p.planSets(ctx, c, r); err != nil {
		return nil, err
	}
	if err := p.planGroups(ctx, c, r); err != nil {
		return nil, err
	}
	if len(p.problems) > 0 {
		return nil, Invalid(p.problems)
	}
	return p, nil
}

// withBreakdowns returns c with the indicators that keep breakdowns
// whole added (planwatch.Breakdown): for each indicator whose category c
// sets, changes or clears, and each stored indicator broken down by a
// category c saves or removes (removed: detached), its parts made and
// retired as its category's options say. Indicators c gives itself are
// kept as given; a category not known leaves its indicators' parts alone.
func withBreakdowns(ctx context.Context, c *planwatch.CatalogueChange, stored []planwatch.Indicator, r CatalogueReader) (*planwatch.CatalogueChange, error) {
	for i := range c.Categories {
		if err := CheckCategory(&c.Categories[i]); err != nil {
			return nil, err
		}
	}
	storedBy := make(map[string]planwatch.Indicator, len(stored))
	for _, ind := range stored {
		storedBy[ind.Code] = ind
	}
	given := map[string]bool{}
	var parents []planwatch.Indicator
	var problems []planwatch.Problem
	for i, ind := range c.Indicators {
		given[ind.Code] = true
		_, _, sub := planwatch.SplitSubIndicator(ind.Code)
		// A derived indicator's figures are computed, a part's are a
		// breakdown already: neither is broken down.
		if ind.Category != "" && (sub || ind.Formula != "") {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "category", Value: ind.Category,
				Reason: "chỉ tiêu tính theo công thức hoặc chỉ tiêu thành phần không phân tổ được / a derived indicator or an option of a breakdown cannot be broken down"})
		}
		if sub {
			continue
		}
		if old, ok := storedBy[ind.Code]; ok && old.Category != ind.Category || !ok && ind.Category != "" {
			parents = append(parents, ind)
		}
	}
	if len(problems) > 0 {
		return nil, Invalid(problems)
	}
	touched := map[string]bool{}
	for _, cat := range c.Categories {
		touched[cat.Code] = true
	}
	removed := map[string]bool{}
	for _, code := range c.RemoveCategories {
		touched[code], removed[code] = true, true
	}
	var detached []planwatch.Indicator
	for _, ind := range c.Indicators {
		if touched[ind.Category] && !removed[ind.Category] && !slices.ContainsFunc(parents, func(p planwatch.Indicator) bool { return p.Code == ind.Code }) {
			parents = append(parents, ind)
		}
	}
	for _, ind := range stored {
		if ind.Category == "" || !touched[ind.Category] || given[ind.Code] {
			continue
		}
		if removed[ind.Category] {
			ind.Category = ""
			detached = append(detached, ind)
		}
		parents = append(parents, ind)
	}
	if len(parents) == 0 {
		return c, nil
	}
	cats, err := r.Categories(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*planwatch.Category{}
	for _, list := range [][]planwatch.Category{cats, c.Categories} {
		for i := range list {
			byCode[list[i].Code] = &list[i]
		}
	}
	after := append(append([]planwatch.Indicator(nil), stored...), c.Indicators...)
	out := *c
	out.Indicators = append(append([]planwatch.Indicator(nil), c.Indicators...), detached...)
	for _, ind := range parents {
		var cat *planwatch.Category
		if ind.Category != "" {
			if cat = byCode[ind.Category]; cat == nil {
				continue
			}
		}
		for _, sub := range planwatch.Breakdown(after, ind, cat) {
			if !given[sub.Code] {
				given[sub.Code] = true
				out.Indicators = append(out.Indicators, sub)
			}
		}
	}
	return &out, nil
}

// WriteCategories writes the plan's categories (docs: the engine's
// CategoryDocs) within tx, passing each one's audit entry to audit.
func (p *CataloguePlan) WriteCategories(ctx context.Context, tx *sql.Tx, docs Docs, audit func(planwatch.AuditEntry) error) error {
	for _, cat := range p.Categories {
		e, err := docs.Put(ctx, tx, cat.Code, cat, p.By, p.From, p.now)
		if err != nil {
			return err
		}
		if e != nil {
			if err := audit(*e); err != nil {
				return err
			}
		}
	}
	for _, code := range p.Removed {
		e, err := docs.Delete(ctx, tx, code, p.By, p.From, p.now)
		if err != nil {
			return err
		}
		if err := audit(e); err != nil {
			return err
		}
	}
	return nil
}

func (p *CataloguePlan) problem(row int, column, value, reason string) {
	p.problems = planwatch.AddProblem(p.problems, planwatch.Problem{Row: row, Column: column, Value: value, Reason: reason})
}

// known reports whether code is an indicator after the change.
func (p *CataloguePlan) known(c *planwatch.CatalogueChange, code string) bool {
	if _, ok := p.stored[code]; ok {
		return true
	}
	return slices.ContainsFunc(c.Indicators, func(ind planwatch.Indicator) bool { return ind.Code == code })
}

func (p *CataloguePlan) planIndicators(ctx context.Context, c *planwatch.CatalogueChange, r CatalogueReader) error {
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		if ind.UnitAgg != planwatch.UnitRatio {
			continue
		}
		for _, f := range []struct{ col, code string }{{"numerator", ind.Numerator}, {"denominator", ind.Denominator}} {
			if f.code != "" && !p.known(c, f.code) {
				p.problem(i+1, f.col, f.code, "chỉ tiêu không có trong danh mục (unknown indicator)")
			}
		}
	}
	changes := IndicatorChanges(p.storedList, c.Indicators, p.now, c.By)
	if len(changes) == 0 {
		return nil
	}
	versions, err := r.LatestVersions(ctx)
	if err != nil {
		return err
	}
	convert := &planwatch.ChangeSet{By: c.By, From: c.From}
	row := map[string]int{}
	for i, ind := range c.Indicators {
		row[ind.Code] = i + 1
	}
	checked := map[string]bool{}
	for _, ch := range changes {
		ind := ch.Indicator
		ch.Audit.From = c.From
		ch.Audit.Detail = c.Note
		old, had := p.stored[ind.Code]
		if had && !checked[ind.Code] {
			checked[ind.Code] = true
			if err := p.checkMeaning(ctx, c, r, row[ind.Code], &old, &ind, convert); err != nil {
				return err
			}
		}
		versions[ind.Code]++
		p.Indicators = append(p.Indicators, ch)
		p.Versions = append(p.Versions, planwatch.IndicatorVersion{Indicator: ind, Version: versions[ind.Code],
			At: p.now, By: c.By, From: c.From, Note: c.Note})
	}
	for code := range c.Convert {
		if !checked[code] {
			p.problem(row[code], "convert", code, "không có thay đổi đơn vị nào để quy đổi (no change of unit to convert)")
		}
	}
	p.Result.Indicators = len(p.Indicators)
	if len(convert.Values) > 0 || len(convert.Targets) > 0 {
		p.Convert = convert
	}
	return nil
}

// checkMeaning refuses a change of meaning of an indicator with stored
// values, and adds the conversion of its values and targets to convert when
// c.Convert gives a factor for a change of unit.
func (p *CataloguePlan) checkMeaning(ctx context.Context, c *planwatch.CatalogueChange, r CatalogueReader, row int,
	old, ind *planwatch.Indicator, convert *planwatch.ChangeSet) error {
	m := planwatch.ChangeOfMeaning(old, ind)
	factor, converting := c.Convert[ind.Code]
	if !m.Any() {
		return nil
	}
	values, err := r.CurrentValues(ctx, ind.Code)
	if err != nil {
		return err
	}
	if len(values) == 0 {
		return nil
	}
	if len(m.Fixed) > 0 {
		p.problem(row, strings.SplitN(m.Fixed[0], " ", 2)[0], ind.Code, fmt.Sprintf(
			"chỉ tiêu đã có %d giá trị; đổi %s sẽ đổi nghĩa của chúng: không được phép, hãy tạo chỉ tiêu mới "+
				"(the indicator has %d stored values; changing %s would change what they mean: refused, create a new indicator)",
			len(values), strings.Join(m.Fixed, ", "), len(values), strings.Join(m.Fixed, ", ")))
		return nil
	}
	if !converting {
		keep := planwatch.UnitFactor(old, ind)
		p.problem(row, "unit", ind.Unit, fmt.Sprintf(
			"chỉ tiêu đã có %d giá trị lưu theo đơn vị %q; đổi sang %q cần quy đổi rõ ràng: hệ số 1 giữ nguyên lượng đã lưu, "+
				"hệ số %s giữ nguyên số đã nhập (the indicator has %d values stored under %q; changing it to %q needs an explicit "+
				"conversion: factor 1 keeps the stored amounts, factor %s keeps the figures as entered)",
			len(values), old.Unit, ind.Unit, formatFactor(keep), len(values), old.Unit, ind.Unit, formatFactor(keep)))
		return nil
	}
	if !(factor > 0) {
		p.problem(row, "convert", formatFactor(factor), "hệ số quy đổi phải dương (the conversion factor must be positive)")
		return nil
	}
	if factor == 1 {
		return nil
	}
	ref := fmt.Sprintf("catalogue: %s %q → %q × %s", ind.Code, old.Unit, ind.Unit, formatFactor(factor))
	for _, v := range values {
		if v.Value == nil {
			continue
		}
		nv := planwatch.DataValue{Key: v.Key, Basis: v.Basis, Vintage: v.Vintage, Value: planwatch.Float(*v.Value * factor),
			YoY: v.YoY, PlanPct: v.PlanPct, VsRef: v.VsRef, Comment: v.Comment,
			Source: planwatch.Source{Kind: planwatch.SourceDerived, Ref: ref, Formula: fmt.Sprintf("%s × %s", formatFactor(*v.Value), formatFactor(factor))}}
		convert.Values = append(convert.Values, nv)
	}
	targets, err := r.CurrentTargets(ctx, ind.Code)
	if err != nil {
		return err
	}
	for _, t := range targets {
		nt := t
		nt.Value, nt.Version, nt.By, nt.At = t.Value*factor, 0, "", time.Time{}
		nt.Source = planwatch.Source{Kind: planwatch.SourceDerived, Ref: ref}
		convert.Targets = append(convert.Targets, nt)
	}
	return nil
}

func formatFactor(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (p *CataloguePlan) planSets(ctx context.Context, c *planwatch.CatalogueChange, r CatalogueReader) error {
	if len(c.Sets) == 0 {
		return nil
	}
	units := map[string]bool{}
	var codes []string
	for _, s := range c.Sets {
		if !units[s.Unit] {
			units[s.Unit] = true
			codes = append(codes, s.Unit)
		}
	}
	known, err := r.KnownUnits(ctx, codes)
	if err != nil {
		return err
	}
	stored, err := r.IndicatorSets(ctx)
	if err != nil {
		return err
	}
	row := 0
	seen := map[string]bool{}
	for _, s := range c.Sets {
		first := row + 1
		if len(s.Items) == 0 {
			row++
		}
		key := s.Unit + "/" + strconv.Itoa(s.Year)
		if !known[s.Unit] {
			p.problem(first, "unit", s.Unit, "đơn vị không có trong danh mục (unknown unit)")
		}
		if s.Year < 1900 || s.Year > 2200 {
			p.problem(first, "year", strconv.Itoa(s.Year), "năm không hợp lệ (invalid year)")
		}
		if seen[key] {
			p.problem(first, "unit", key, "bộ chỉ tiêu của đơn vị và năm này có hai lần (the set of this unit and year is given twice)")
		}
		seen[key] = true
		items := map[string]bool{}
		for _, it := range s.Items {
			row++
			if !p.known(c, it.Indicator) {
				p.problem(row, "indicator", it.Indicator, "chỉ tiêu không có trong danh mục (unknown indicator)")
			} else if items[it.Indicator] {
				p.problem(row, "indicator", it.Indicator, "chỉ tiêu có hai lần trong bộ (indicator listed twice in the set)")
			}
			items[it.Indicator] = true
			for _, k := range it.TargetKinds {
				if _, err := planwatch.ParseTargetKinds(string(k)); err != nil {
					p.problem(row, "target_kinds", string(k), planwatch.ErrorMessage(err))
				}
			}
		}
		ns := s
		ns.By, ns.At = c.By, p.now
		slices.SortFunc(ns.Items, func(a, b planwatch.SetItem) int { return strings.Compare(a.Indicator, b.Indicator) })
		e := planwatch.AuditEntry{At: p.now, By: c.By, From: c.From, Action: "indicator_set.set", Entity: key, Detail: c.Note}
		if i := slices.IndexFunc(stored, func(o planwatch.IndicatorSet) bool { return o.Unit == s.Unit && o.Year == s.Year }); i >= 0 {
			if sameSet(&stored[i], &ns) {
				continue
			}
			e.Old = JSONText(setText(&stored[i]))
		} else if len(s.Items) == 0 {
			continue
		}
		if len(s.Items) > 0 {
			e.New = JSONText(setText(&ns))
		} else {
			e.Action = "indicator_set.delete"
		}
		p.Sets = append(p.Sets, ns)
		p.Audit = append(p.Audit, e)
	}
	p.Result.Sets = len(p.Sets)
	return nil
}

// setText is a set as the audit trail shows it: without who and when.
func setText(s *planwatch.IndicatorSet) any {
	return struct {
		Source string              `json:"source,omitempty"`
		Items  []planwatch.SetItem `json:"items"`
	}{s.Source, s.Items}
}

func sameSet(a, b *planwatch.IndicatorSet) bool {
	return a.Source == b.Source && slices.EqualFunc(a.Items, b.Items, func(x, y planwatch.SetItem) bool {
		return x.Indicator == y.Indicator && slices.Equal(x.TargetKinds, y.TargetKinds)
	})
}

func (p *CataloguePlan) planGroups(ctx context.Context, c *planwatch.CatalogueChange, r CatalogueReader) error {
	if len(c.Groups) == 0 {
		return nil
	}
	var codes []string
	for _, g := range c.Groups {
		codes = append(codes, g.Units...)
	}
	known, err := r.KnownUnits(ctx, codes)
	if err != nil {
		return err
	}
	stored, err := r.UnitGroups(ctx)
	if err != nil {
		return err
	}
	row := 0
	seen := map[string]bool{}
	for _, g := range c.Groups {
		first := row + 1
		if len(g.Units) == 0 {
			row++
		}
		if strings.TrimSpace(g.Code) == "" || strings.ContainsAny(g.Code, "/ \t\n") {
			p.problem(first, "group", g.Code, "mã nhóm trống hoặc có dấu cách, '/' (group code empty or with a space or '/')")
		}
		if len(g.Units) > 0 && strings.TrimSpace(g.NameVI) == "" {
			p.problem(first, "name_vi", g.Code, "thiếu tên nhóm (group name required)")
		}
		if seen[g.Code] {
			p.problem(first, "group", g.Code, "nhóm có hai lần (group given twice)")
		}
		seen[g.Code] = true
		members := map[string]bool{}
		for _, u := range g.Units {
			row++
			if !known[u] {
				p.problem(row, "unit", u, "đơn vị không có trong danh mục (unknown unit)")
			} else if members[u] {
				p.problem(row, "unit", u, "đơn vị có hai lần trong nhóm (unit listed twice in the group)")
			}
			members[u] = true
		}
		ng := g
		ng.Units = slices.Clone(g.Units)
		slices.Sort(ng.Units)
		ng.By, ng.At = c.By, p.now
		e := planwatch.AuditEntry{At: p.now, By: c.By, From: c.From, Action: "unit_group.set", Entity: g.Code, Detail: c.Note}
		if i := slices.IndexFunc(stored, func(o planwatch.UnitGroup) bool { return o.Code == g.Code }); i >= 0 {
			o := stored[i]
			if o.NameVI == ng.NameVI && o.NameEN == ng.NameEN && slices.Equal(o.Units, ng.Units) {
				continue
			}
			e.Old = JSONText(groupText(&o))
		} else if len(g.Units) == 0 {
			continue
		}
		if len(g.Units) > 0 {
			e.New = JSONText(groupText(&ng))
		} else {
			e.Action = "unit_group.delete"
		}
		p.Groups = append(p.Groups, ng)
		p.Audit = append(p.Audit, e)
	}
	p.Result.Groups = len(p.Groups)
	return nil
}

// groupText is a group as the audit trail shows it: without who and when.
func groupText(g *planwatch.UnitGroup) any {
	return struct {
		NameVI string   `json:"name_vi"`
		NameEN string   `json:"name_en,omitempty"`
		Units  []string `json:"units"`
	}{g.NameVI, g.NameEN, g.Units}
}

// ScanIndicatorVersion reads a row of version, at (into the at
// destinations, as the engine keeps times), who, src, note and
// IndicatorColumns.
func ScanIndicatorVersion(s Scanner, v *planwatch.IndicatorVersion, at ...any) error {
	var kind, timeAgg, unitAgg string
	var dir int
	ind := &v.Indicator
	dest := append([]any{&v.Version}, at...)
	dest = append(dest, &v.By, &v.From, &v.Note, &ind.Code, &ind.NameVI, &ind.NameEN, &ind.Unit, &ind.Sector, &kind, &timeAgg, &unitAgg,
		&dir, &ind.Decimals, &ind.Numerator, &ind.Denominator, &ind.Periodicity, &ind.Formula, &ind.Category, &ind.Retired)
	err := s.Scan(dest...)
	ind.Kind, ind.TimeAgg, ind.UnitAgg = planwatch.Kind(kind), planwatch.TimeAgg(timeAgg), planwatch.UnitAgg(unitAgg)
	ind.Direction = planwatch.Direction(dir)
	return err
}

// LatestVersions returns the highest version of each indicator code.
func LatestVersions(ctx context.Context, q Queryer) (map[string]int, error) {
	type cv struct {
		code string
		v    int
	}
	rows, err := Query(ctx, q, func(s Scanner) (cv, error) {
		var r cv
		return r, s.Scan(&r.code, &r.v)
	}, `SELECT code, max(version) FROM indicator_versions GROUP BY code`)
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.code] = r.v
	}
	return out, err
}

// CurrentValues reads series rows (seriesRowColumns ordered by series and
// change set) into the current values, none withdrawn.
func CurrentValues(rows *sql.Rows, lookup Lookup) ([]planwatch.DataValue, error) {
	var out []planwatch.DataValue
	err := ScanSeries(rows, func(s *SeriesState) error {
		return s.Current(lookup, func(v planwatch.DataValue) error {
			if !v.Deleted {
				out = append(out, v)
			}
			return nil
		})
	})
	return out, err
}

// CurrentTargets keeps the highest version of each target of all (every
// version, ordered by target key and version).
func CurrentTargets(all []planwatch.Target) []planwatch.Target {
	var out []planwatch.Target
	for i, t := range all {
		if i+1 < len(all) && TargetKey(&all[i+1]) == TargetKey(&all[i]) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// SetRow is one item of an indicator set with its set, as read joined.
type SetRow struct {
	Set   planwatch.IndicatorSet
	Item  planwatch.SetItem
	Kinds string // target kinds as stored
}

// GroupSets gathers rows ordered by unit, year and indicator into sets.
func GroupSets(rows []SetRow) []planwatch.IndicatorSet {
	var out []planwatch.IndicatorSet
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].Unit != r.Set.Unit || out[n-1].Year != r.Set.Year {
			out = append(out, r.Set)
		}
		it := r.Item
		it.TargetKinds, _ = planwatch.ParseTargetKinds(r.Kinds)
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
	}
	return out
}

// GroupRow is one member of a unit group with its group, as read joined.
type GroupRow struct {
	Group planwatch.UnitGroup
	Unit  string
}

// GroupGroups gathers rows ordered by group code and unit into groups.
func GroupGroups(rows []GroupRow) []planwatch.UnitGroup {
	var out []planwatch.UnitGroup
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].Code != r.Group.Code {
			out = append(out, r.Group)
		}
		out[len(out)-1].Units = append(out[len(out)-1].Units, r.Unit)
	}
	return out
}
