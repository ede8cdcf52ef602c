package dhis2

import (
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"planwatch"
)

// ImportStrategy is DHIS2's importStrategy for data values. DELETE withdraws
// every value the file names, whatever it holds; CREATE stores only values
// that have no current value and UPDATE only those that have one (the others
// are ignored, as DHIS2 did before 2.43); CREATE_AND_UPDATE, the default,
// stores both.
type ImportStrategy string

// Import strategies.
const (
	CreateAndUpdate ImportStrategy = "CREATE_AND_UPDATE"
	Create          ImportStrategy = "CREATE"
	Update          ImportStrategy = "UPDATE"
	Delete          ImportStrategy = "DELETE"
)

// ParseImportStrategy reads an importStrategy, in any case, with DHIS2's
// older names (NEW_AND_UPDATES, NEW, UPDATES, DELETES). "" is the default.
func ParseImportStrategy(s string) (ImportStrategy, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "CREATE_AND_UPDATE", "NEW_AND_UPDATES":
		return CreateAndUpdate, nil
	case "CREATE", "NEW":
		return Create, nil
	case "UPDATE", "UPDATES":
		return Update, nil
	case "DELETE", "DELETES":
		return Delete, nil
	}
	return "", fmt.Errorf("importStrategy %q: expected CREATE_AND_UPDATE, CREATE, UPDATE or DELETE", s)
}

// Options say how rows become planwatch values.
type Options struct {
	Ref string // file name, for Source.Ref and ChangeSet.From
	By  string // the importing user, for ChangeSet.By and every value's By
	Now time.Time
	Map Mapping
	// Schemes are the id schemes of the request; a file's own (its
	// envelope) override them.
	Schemes IDSchemes
	// Strategy is the import strategy; CREATE_AND_UPDATE when empty.
	Strategy ImportStrategy
	// TrustStoredBy takes a value's By from its storedBy when it has one;
	// otherwise every value is By the importing user.
	TrustStoredBy bool
	// Indicators and Units, when not nil, are the known indicator and unit
	// codes: any other code is a conflict. Indicators' names serve the NAME
	// id scheme, as UnitNames (unit names to codes) does for org units.
	Indicators map[string]planwatch.Indicator
	Units      map[string]bool
	UnitNames  map[string][]string // by FoldName
	// Current returns the current value of a key and vintage. A value takes
	// from it the figures and comment the file does not give (a file that
	// says nothing of a comment or a comparison leaves it as it is), and
	// the CREATE and UPDATE strategies ask it whether a value exists. When
	// nil, nothing is stored yet.
	Current func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool)
	// CurrentMany, when set, returns the current value (of the most final
	// vintage, as Store.Values does) of every key of a batch that has one,
	// so that a big file is not looked up one value at a time; Current
	// answers for the vintages it does not give.
	CurrentMany func(keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue
}

// ToChangeSet converts the rows of a set into planwatch values; see
// Converter. It returns every conflict of the set and of the conversion;
// when there is any, the change set is nil, so that no import is ever
// partial.
func ToChangeSet(set *Set, opts Options) (*planwatch.ChangeSet, []Conflict) {
	cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref}
	var conflicts []Conflict
	c := NewConverter(opts, func(v planwatch.DataValue) error {
		cs.Values = append(cs.Values, v)
		return nil
	}, func(cf Conflict) { conflicts = append(conflicts, cf) })
	set.Feed(c)
	c.Close()
	if len(conflicts) > 0 {
		return nil, conflicts
	}
	return cs, nil
}

// Converter turns rows into planwatch values as a reader yields them, so
// that a file of any size converts in memory that does not grow with it
// (but for 12 bytes per value to find duplicates). It is a Sink: give it to
// a Scan function, then Close it.
//
// The rows of one indicator, unit, period and vintage (the value and its
// reported comparisons, as planwatch exports them) become one DataValue
// with Source{file, Ref, line}; they must follow each other. An empty value
// is a conflict (DHIS2's E8120) unless the row is deleted or the strategy is
// DELETE: no file deletes a value without saying so.
type Converter struct {
	opts     Options
	schemes  IDSchemes
	emit     func(planwatch.DataValue) error
	conflict func(Conflict)
	pending  *group // nil, or &spare while a value is being assembled
	spare    group
	queue    []group // values read, waiting for their current values
	seen     lineSet // a value's key, vintage and basis → its line
	seed     maphash.Seed
	err      error
	ignored  int
	// lastConflict is the conflict Row is reporting, held until the next so
	// that the mapping that would resolve it can be added.
	lastConflict *Conflict
	indNames     map[string]string // folded indicator name → code; "" when ambiguous
	units        map[string]string // interned unit codes
}

// group is one value being assembled from its rows.
type group struct {
	id      string
	v       planwatch.DataValue
	index   int     // of its first row
	lines   [4]int  // by measure (see measures): the line of its row; 0 when not given
	deleted [4]bool // by measure: its row deletes it
	comment bool    // a row of the group gives a comment (possibly empty)
}

// NewConverter returns a converter that calls emit with each value and
// conflict with each conflict, in file order.
func NewConverter(opts Options, emit func(planwatch.DataValue) error, conflict func(Conflict)) *Converter {
	if opts.Strategy == "" {
		opts.Strategy = CreateAndUpdate
	}
	return &Converter{opts: opts, schemes: opts.Schemes, emit: emit, conflict: conflict,
		seed: maphash.MakeSeed()}
}

// Ignored counts the values the strategy left alone (CREATE: values that
// exist; UPDATE: values that do not).
func (c *Converter) Ignored() int { return c.ignored }

// Envelope takes the file's id schemes, which override the request's.
func (c *Converter) Envelope(e Envelope) { c.schemes = c.opts.Schemes.Over(e.Schemes) }

// Conflict passes a reader's conflict on.
func (c *Converter) Conflict(cf Conflict) { c.conflict(cf) }

// sendConflict passes on the conflict Row is building.
func (c *Converter) sendConflict() {
	if c.lastConflict != nil {
		c.conflict(*c.lastConflict)
		c.lastConflict = nil
	}
}

// isMapped reports whether the mapping has an entry for id (which then maps
// to a code that is not known).
func (c *Converter) isMapped(m map[string]string, id string) bool {
	_, ok := m[id]
	return ok
}

// Close emits the last values and lets go of the keys seen (the
// duplicate set, 12 bytes a row: a file of millions of rows is then
// checked and stored without it). It returns the first error emit
// returned.
func (c *Converter) Close() error {
	c.flush()
	c.drain()
	c.seen = lineSet{}
	return c.err
}

// Row converts one row; the value is emitted once its last row is read.
func (c *Converter) Row(r Row) error {
	n := 0
	bad := func(code, object, value, reason string) {
		c.sendConflict()
		c.lastConflict = &Conflict{Row: r.Line, Index: r.Index, Code: code, Object: object, Value: value, Reason: reason}
		n++
	}
	defer c.sendConflict()
	unmapped := func(kind planwatch.MappingKind, id string) {
		c.lastConflict.MapKind, c.lastConflict.MapID = kind, id
	}
	ind, measure, why, cocFault := c.indicator(r)
	switch {
	case r.DataElement == "":
		bad(CodeNoDataElement, "dataElement", "", "thiếu phần tử dữ liệu / missing data element")
	case why != "" && cocFault:
		bad(CodeCategoryCombo, "categoryOptionCombo", r.CategoryOptionCombo, why)
		unmapped(planwatch.MapDataElement, r.DataElement+"."+r.CategoryOptionCombo)
	case why != "":
		bad(CodeDataElement, "dataElement", r.DataElement, why)
		if !c.isMapped(c.opts.Map.DataElements, r.DataElement) {
			unmapped(planwatch.MapDataElement, r.DataElement)
		}
	}
	unit, why := c.unit(r.OrgUnit)
	switch {
	case r.OrgUnit == "":
		bad(CodeNoOrgUnit, "orgUnit", "", "thiếu đơn vị / missing org unit")
	case why != "":
		bad(CodeOrgUnit, "orgUnit", r.OrgUnit, why)
		if !c.isMapped(c.opts.Map.OrgUnits, r.OrgUnit) {
			unmapped(planwatch.MapOrgUnit, r.OrgUnit)
		}
	}
	period, err := ParsePeriod(r.Period)
	if err != nil {
		bad(CodePeriod, "period", r.Period, planwatch.ErrorMessage(err))
	}
	vintage, basis, why := c.attributeCombo(r.AttributeOptionCombo)
	if why != "" {
		bad(CodeAttributeCombo, "attributeOptionCombo", r.AttributeOptionCombo, why)
		if !c.isMapped(c.opts.Map.AttributeOptionCombos, r.AttributeOptionCombo) {
			unmapped(planwatch.MapAttributeOptionCombo, r.AttributeOptionCombo)
		}
	}
	deleted := r.Deleted || c.opts.Strategy == Delete
	var value *float64
	switch {
	case deleted:
	case strings.TrimSpace(r.Value) == "" && r.Comment != "":
		bad(CodeCommentNoValue, "value", "", "ghi chú mà không có giá trị: không lưu được / a comment without a value cannot be stored")
	case strings.TrimSpace(r.Value) == "":
		bad(CodeValueRequired, "value", "", "giá trị trống; muốn xoá thì ghi deleted=true / empty value: to delete a value, say deleted=true")
	default:
		f, err := parseValue(r.Value, c.opts.Map.ValueTypes[r.DataElement])
		if err != nil {
			bad(CodeValueType, "value", r.Value, err.Error())
		}
		value = &f
	}
	if n > 0 {
		return c.err
	}
	c.sendConflict()
	k := planwatch.Key{Indicator: ind, Unit: unit, Period: period}
	id := k.String() + "|" + vintage.String() + "|" + string(basis)
	g := c.pending
	if g == nil || g.id != id {
		c.flush()
		g = &c.spare
		if prev := c.seen.add(maphash.String(c.seed, id), r.Line); prev > 0 {
			c.conflict(Conflict{Row: r.Line, Index: r.Index, Code: CodeDuplicate, Object: "dataValue", Value: r.Value,
				Reason: fmt.Sprintf("trùng dòng %d (cùng chỉ tiêu, đơn vị, kỳ và loại số liệu) / duplicate of line %d (same indicator, unit, period and vintage)", prev, prev)})
			return c.err
		}
		*g = group{id: id, index: r.Index,
			v: planwatch.DataValue{Key: k, Basis: basis, Vintage: vintage,
				Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: c.opts.Ref, Row: r.Line},
				By:     c.opts.By, At: c.opts.Now}}
		c.pending = g
	}
	mi := measureIndex(measure)
	if prev := g.lines[mi]; prev > 0 {
		c.conflict(Conflict{Row: r.Line, Index: r.Index, Code: CodeDuplicate, Object: "dataValue", Value: r.Value,
			Reason: fmt.Sprintf("trùng dòng %d (cùng chỉ tiêu, đơn vị, kỳ, loại số liệu và số đo) / duplicate of line %d (same indicator, unit, period, vintage and figure)", prev, prev)})
		return c.err
	}
	g.lines[mi] = r.Line
	g.deleted[mi] = deleted
	if value != nil {
		*figure(&g.v, measure) = value
	}
	if measure == MeasureValue {
		g.v.Source.Row = r.Line
	}
	if !r.NoComment && (!g.comment || measure == MeasureValue) {
		g.v.Comment, g.comment = strings.Clone(r.Comment), true
	}
	if c.opts.TrustStoredBy && r.StoredBy != "" {
		g.v.By = strings.Clone(r.StoredBy)
	}
	return c.err
}

// flush emits the pending value: merged with the current one for what the
// file does not say, or withdrawn, or left alone by the strategy.
func (c *Converter) flush() {
	g := c.pending
	c.pending = nil
	if g == nil || c.err != nil {
		return
	}
	c.queue = append(c.queue, *g)
	if len(c.queue) >= batchSize {
		c.drain()
	}
}

// batchSize is how many values wait for one lookup of their current values.
const batchSize = 1024

// drain finishes the queued values: their current values looked up in one
// batch where Options.CurrentMany allows, then each emitted in file order.
func (c *Converter) drain() {
	var known map[planwatch.Key]planwatch.DataValue
	if c.opts.CurrentMany != nil && len(c.queue) > 0 {
		keys := make([]planwatch.Key, len(c.queue))
		for i := range c.queue {
			keys[i] = storedKey(c.queue[i].v)
		}
		known = c.opts.CurrentMany(keys)
	}
	for i := range c.queue {
		if c.err != nil {
			break
		}
		c.finish(&c.queue[i], known)
	}
	c.queue = c.queue[:0]
}

// storedKey is the key a store keeps a value under: a cumulative figure by
// the months it covers.
func storedKey(v planwatch.DataValue) planwatch.Key {
	v.Normalize()
	return v.Key
}

// current is the current value of a queued value's key and vintage: from
// the batch when it has the key in that vintage, known absent when the batch
// lacks the key, otherwise asked one by one.
func (c *Converter) current(v planwatch.DataValue, known map[planwatch.Key]planwatch.DataValue) (planwatch.DataValue, bool) {
	if known != nil {
		cur, ok := known[storedKey(v)]
		switch {
		case !ok:
			return cur, false
		case cur.Vintage == v.Vintage:
			return cur, !cur.Deleted
		}
	}
	if c.opts.Current == nil {
		return planwatch.DataValue{}, false
	}
	cur, has := c.opts.Current(v.Key, v.Vintage)
	return cur, has && !cur.Deleted
}

// finish emits a value: merged with the current one for what the file does
// not say, or withdrawn, or left alone by the strategy.
func (c *Converter) finish(g *group, known map[planwatch.Key]planwatch.DataValue) {
	v := g.v
	keeps := 0
	for i, line := range g.lines {
		if line > 0 && !g.deleted[i] {
			keeps++
		}
	}
	if g.deleted[0] && keeps > 0 {
		c.conflict(Conflict{Row: v.Source.Row, Index: g.index, Code: CodeMixedDeletion, Object: "deleted", Value: v.Key.String(),
			Reason: "xoá giá trị nhưng vẫn ghi số so sánh của nó / the value is deleted but some of its comparisons are not: delete the value row alone"})
		return
	}
	cur, has := c.current(v, known)
	whole := g.deleted[0] || c.opts.Strategy == Delete
	switch {
	case c.opts.Strategy == Create && has, c.opts.Strategy == Update && !has:
		c.ignored++
		return
	case whole:
		v = planwatch.DataValue{Key: v.Key, Basis: v.Basis, Vintage: v.Vintage, Deleted: true, Comment: v.Comment,
			Source: v.Source, By: v.By, At: v.At}
	default:
		if has {
			for i, m := range measures {
				if g.lines[i] == 0 {
					*figure(&v, m) = *figure(&cur, m)
				}
			}
			if !g.comment {
				v.Comment = cur.Comment
			}
		}
		for i, m := range measures {
			if g.deleted[i] {
				*figure(&v, m) = nil
			}
		}
		if v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil {
			if !has {
				c.ignored++ // withdrawing figures that are not there
				return
			}
			v.Deleted = true
		}
	}
	v.Indicator = c.internIndicator(v.Indicator)
	c.err = c.emit(v)
}

// figure is where a value keeps the figure a measure names.
func figure(v *planwatch.DataValue, measure string) **float64 {
	switch measure {
	case MeasureYoY:
		return &v.YoY
	case MeasurePlanPct:
		return &v.PlanPct
	case MeasureVsRef:
		return &v.VsRef
	}
	return &v.Value
}

// measures are the figures of a value, in the order rows give them.
var measures = []string{MeasureValue, MeasureYoY, MeasurePlanPct, MeasureVsRef}

func measureIndex(m string) int {
	for i, x := range measures {
		if x == m {
			return i
		}
	}
	return 0
}

func (c *Converter) internIndicator(code string) string {
	if ind, ok := c.opts.Indicators[code]; ok && ind.Code == code {
		return ind.Code
	}
	return strings.Clone(code)
}

// indicator resolves a row's data element and category option combo to an
// indicator code and the figure the row holds. why explains a failure, of
// the category option combo when cocFault.
func (c *Converter) indicator(r Row) (code, measure, why string, cocFault bool) {
	m := c.opts.Map
	if r.CategoryOptionCombo != "" && !isDefaultCombo(r.CategoryOptionCombo) {
		if code, ok := m.DataElements[r.DataElement+"."+r.CategoryOptionCombo]; ok {
			return code, MeasureValue, c.checkIndicator(code, r.DataElement), false
		}
	}
	if measure, why = c.measure(r.CategoryOptionCombo, r.DataElement); why != "" {
		return "", "", why, true
	}
	code, why = c.resolve(c.schemes.dataElement(), r.DataElement, m.DataElements, "dataElement", c.indicatorByName)
	if why == "" {
		why = c.checkIndicator(code, r.DataElement)
	}
	return code, measure, why, false
}

// measure reads a category option combo: a figure of a value, mapped or
// planwatch's own (default, YOY, PLAN_PCT, VS_REF).
func (c *Converter) measure(coc, de string) (string, string) {
	if isDefaultCombo(coc) {
		return MeasureValue, ""
	}
	scheme := c.schemes.categoryOptionCombo()
	if to, ok := c.opts.Map.CategoryOptionCombos[coc]; ok && scheme != SchemeCode {
		coc = to
		if isDefaultCombo(coc) {
			return MeasureValue, ""
		}
	} else if scheme.partner() {
		return "", fmt.Sprintf("nhóm phân tổ %q không có trong bảng ánh xạ / category option combo not in the mapping (%s scheme): map it to default, YOY, PLAN_PCT or VS_REF, or map %q to an indicator", coc, scheme, de+"."+coc)
	}
	switch u := strings.ToUpper(coc); u {
	case MeasureYoY, MeasurePlanPct, MeasureVsRef:
		return u, ""
	}
	return "", fmt.Sprintf("chỉ tiêu planwatch không phân tổ / disaggregation of %s is not supported: planwatch indicators have none; map %q to an indicator", de, de+"."+coc)
}

// resolve translates an id under a scheme: CODE as it is, NAME through
// byName, a partner's scheme through the mapping, and no scheme through the
// mapping when it has the id.
func (c *Converter) resolve(scheme IDScheme, id string, mapped map[string]string, kind string, byName func(string) (string, string)) (string, string) {
	switch {
	case scheme == SchemeCode:
		return id, ""
	case scheme == SchemeName:
		return byName(id)
	}
	if to, ok := mapped[id]; ok {
		return to, ""
	}
	if scheme.partner() {
		return "", fmt.Sprintf("không có trong bảng ánh xạ / not in the mapping (%s scheme): add a row of kind %s for it", scheme, kind)
	}
	return id, ""
}

func (c *Converter) checkIndicator(code, id string) string {
	if c.opts.Indicators == nil {
		return ""
	}
	if _, ok := c.opts.Indicators[code]; ok {
		return ""
	}
	if code != id {
		return fmt.Sprintf("ánh xạ tới %q, không phải mã chỉ tiêu / mapped to %q, which is not an indicator code", code, code)
	}
	return "không phải mã chỉ tiêu và không có trong bảng ánh xạ / neither an indicator code nor in the mapping"
}

// unit resolves an org unit; why explains a failure.
func (c *Converter) unit(id string) (string, string) {
	code, why := c.resolve(c.schemes.orgUnit(), id, c.opts.Map.OrgUnits, "orgUnit", c.unitByName)
	if why != "" || c.opts.Units == nil {
		return strings.Clone(code), why
	}
	if !c.opts.Units[code] {
		if code != id {
			return "", fmt.Sprintf("ánh xạ tới %q, không phải mã đơn vị hành chính / mapped to %q, which is not an administrative unit code", code, code)
		}
		return "", "không phải mã đơn vị hành chính và không có trong bảng ánh xạ / neither an administrative unit code nor in the mapping"
	}
	if c.units == nil {
		c.units = make(map[string]string, len(c.opts.Units))
		for u := range c.opts.Units {
			c.units[u] = u
		}
	}
	return c.units[code], ""
}

// FoldName is how names are compared under the NAME id scheme: NFC, case
// and spacing aside. Options.UnitNames is keyed by folded names.
func FoldName(s string) string { return fold(s) }

func fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}

func (c *Converter) indicatorByName(name string) (string, string) {
	if c.indNames == nil {
		c.indNames = map[string]string{}
		add := func(n, code string) {
			if n = fold(n); n == "" {
				return
			}
			if prev, ok := c.indNames[n]; ok && prev != code {
				code = ""
			}
			c.indNames[n] = code
		}
		for _, ind := range c.opts.Indicators {
			add(ind.NameVI, ind.Code)
			add(ind.NameEN, ind.Code)
		}
	}
	code, ok := c.indNames[fold(name)]
	switch {
	case !ok:
		return "", "không có chỉ tiêu mang tên này / no indicator has this name"
	case code == "":
		return "", "nhiều chỉ tiêu mang tên này / several indicators have this name"
	}
	return code, ""
}

func (c *Converter) unitByName(name string) (string, string) {
	codes := c.opts.UnitNames[fold(name)]
	switch len(codes) {
	case 0:
		return "", "không có đơn vị mang tên này / no unit has this name"
	case 1:
		return codes[0], ""
	}
	return "", fmt.Sprintf("nhiều đơn vị mang tên này (%s): dùng mã / several units have this name (%s): use codes", strings.Join(codes, ", "), strings.Join(codes, ", "))
}

// attributeCombo reads the vintage and basis an attribute option combo
// carries ("official", "estimate.cumulative", mapped or as planwatch writes
// it); why explains a failure.
func (c *Converter) attributeCombo(aoc string) (planwatch.Vintage, planwatch.Basis, string) {
	scheme := c.schemes.attributeOptionCombo()
	if !isDefaultCombo(aoc) {
		if to, ok := c.opts.Map.AttributeOptionCombos[aoc]; ok && scheme != SchemeCode {
			aoc = to
		} else if scheme.partner() {
			return 0, "", fmt.Sprintf("không có trong bảng ánh xạ / not in the mapping (%s scheme): map it to official, preliminary or estimate (optionally .cumulative)", scheme)
		}
	}
	v, b, err := parseAttributeCombo(aoc)
	if err != nil {
		return 0, "", err.Error()
	}
	return v, b, ""
}

// parseAttributeCombo reads the vintage and basis an attribute option combo
// carries: "official", "estimate.cumulative", "P" …
func parseAttributeCombo(s string) (planwatch.Vintage, planwatch.Basis, error) {
	if isDefaultCombo(s) {
		return planwatch.Official, planwatch.BasisPeriod, nil
	}
	vin, bas, _ := strings.Cut(s, ".")
	basis := planwatch.BasisPeriod
	switch bas {
	case "", string(planwatch.BasisPeriod):
	case string(planwatch.BasisCumulative):
		basis = planwatch.BasisCumulative
	default:
		return 0, "", fmt.Errorf("unknown basis %q: expected period or cumulative", bas)
	}
	if vin == "" {
		return 0, "", fmt.Errorf("expected a vintage (official, preliminary, estimate), optionally followed by .cumulative")
	}
	v, err := planwatch.ParseVintage(vin)
	if err != nil {
		return 0, "", fmt.Errorf("attribute option combos other than the vintage are not supported: expected official, preliminary or estimate, optionally followed by .cumulative, or map it")
	}
	return v, basis, nil
}

// parseValue reads a value by the DHIS2 value type of its data element.
func parseValue(s string, vt ValueType) (float64, error) {
	s = strings.TrimSpace(s)
	switch vt {
	case Boolean, TrueOnly:
		switch strings.ToLower(s) {
		case "true", "t", "1":
			return 1, nil
		case "false", "f", "0":
			if vt == TrueOnly {
				return 0, fmt.Errorf("value must be true or empty for a TRUE_ONLY data element")
			}
			return 0, nil
		}
		if vt == TrueOnly {
			return 0, fmt.Errorf("value must be true or empty for a TRUE_ONLY data element")
		}
		return 0, fmt.Errorf("value is not a valid boolean")
	case Number, "":
	default:
		return 0, fmt.Errorf("value type %s is not supported", vt)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("value is not a number: planwatch indicators are numeric")
	}
	return f, nil
}

// WriteOptions say how values become DHIS2 rows.
type WriteOptions struct {
	// Map, when not empty, is applied in reverse: indicator codes and unit
	// codes become the partner's ids.
	Map Mapping
}

// Rows turns values into DHIS2 rows: one for the value and one for each
// reported comparison, in the order given.
func Rows(values []planwatch.DataValue, opts WriteOptions) []Row {
	des := reverse(opts.Map.DataElements)
	ous := reverse(opts.Map.OrgUnits)
	var out []Row
	for _, v := range values {
		de, coc := v.Indicator, ""
		if id, ok := des[de]; ok {
			de = id
			if d, c, split := strings.Cut(id, "."); split {
				de, coc = d, c
			}
		}
		ou := v.Unit
		if id, ok := ous[ou]; ok {
			ou = id
		}
		aoc := ""
		if v.Vintage != planwatch.Official || v.Basis == planwatch.BasisCumulative {
			aoc = v.Vintage.String()
			if v.Basis == planwatch.BasisCumulative {
				aoc += "." + string(planwatch.BasisCumulative)
			}
		}
		base := Row{DataElement: de, Period: FormatPeriod(v.Period), OrgUnit: ou, AttributeOptionCombo: aoc,
			StoredBy: v.By, Deleted: v.Deleted}
		if !v.At.IsZero() {
			base.LastUpdated = v.At.UTC().Format(time.RFC3339)
		}
		comment := v.Comment
		add := func(coc string, f *float64) {
			r := base
			r.CategoryOptionCombo = coc
			if f != nil {
				r.Value = formatNumber(*f)
			}
			r.Comment, comment = comment, ""
			out = append(out, r)
		}
		if v.Value != nil || v.Deleted || (v.YoY == nil && v.PlanPct == nil && v.VsRef == nil) {
			add(coc, v.Value)
		}
		if v.Deleted {
			continue
		}
		for _, m := range measures[1:] {
			if f := *figure(&v, m); f != nil {
				add(m, f)
			}
		}
	}
	return out
}

// reverse maps codes back to ids, the smallest id when several map to one code.
func reverse(m map[string]string) map[string]string {
	out := map[string]string{}
	for id, code := range m {
		if prev, ok := out[code]; !ok || id < prev {
			out[code] = id
		}
	}
	return out
}
