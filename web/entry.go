package web

import (
	"math"
	"net/http"
	"sort"
	"strings"

	"planwatch"
	"planwatch/web/i18n"
)

type entryData struct {
	UnitName string
	Sector   string
	Rows     []entryRow
	// Restatable: the unit took in other units (a reform) after the period,
	// so a figure may be entered as restated for today's territory.
	Restatable bool
	Restated   bool
}

type entryRow struct {
	Ind      planwatch.Indicator
	Current  string
	Input    string
	Vintage  string
	Basis    string
	Comment  string
	Problem  string
	Revision int
}

// handleEntry shows the form of one sector for a unit and period.
func (s *Server) handleEntry(w http.ResponseWriter, r *http.Request) error {
	snap, sel, p, err := s.entryPage(w, r)
	if err != nil {
		return err
	}
	p.D = s.entryRows(p, snap, sel, nil)
	if a, err := s.approvalOf(r.Context(), sel.Unit, sel.Period); err != nil {
		return err
	} else if a.Locked() {
		if !showsNames(r.Context()) {
			a.By = "—"
		}
		p.Warnings = append(p.Warnings, i18n.T(p.Lang, "approval.locked", a.By))
	}
	s.render(w, r, http.StatusOK, "entry", p)
	return nil
}

func (s *Server) entryPage(w http.ResponseWriter, r *http.Request) (*snapshot, selection, *page, error) {
	snap, sel, err := s.selected(r)
	if err != nil {
		return nil, selection{}, nil, err
	}
	if sel.Sector == "" && len(snap.sectors) > 0 {
		sel.Sector = snap.sectors[0]
	}
	p := s.newPage(w, r, "entry")
	s.fillPickers(p, snap, sel)
	return snap, sel, p, nil
}

func (s *Server) entryRows(p *page, snap *snapshot, sel selection, posted map[string]entryRow) entryData {
	d := entryData{UnitName: unitName(snap, sel.Unit, sel.Period), Sector: sel.Sector}
	for _, tr := range snap.ds.Units().Predecessors(sel.Unit) {
		if !tr.Date.After(sel.Period.End()) {
			continue
		}
		if tr.Old != sel.Unit || !tr.Full {
			d.Restatable = true
		}
	}
	for _, ind := range snap.inds {
		if ind.Sector != sel.Sector || !snap.monitors(sel.Unit, sel.Period.Year, &ind) {
			continue
		}
		row := entryRow{Ind: ind, Vintage: "official", Basis: string(planwatch.BasisPeriod), Current: "—"}
		if v, ok := snap.ds.Reported(ind.Code, sel.Unit, sel.Period); ok {
			if v.Value != nil {
				row.Current = formatAmount(p.Lang, ind, *v.Value)
			}
			row.Current += " (" + i18n.T(p.Lang, "vintage."+v.Vintage.String()) + ")"
			row.Vintage, row.Basis, row.Revision = v.Vintage.String(), string(v.Basis), v.Revision
		}
		if pr, ok := posted[ind.Code]; ok {
			row.Input, row.Vintage, row.Basis, row.Comment, row.Problem = pr.Input, pr.Vintage, pr.Basis, pr.Comment, pr.Problem
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

// validateEntry checks a typed figure by the indicator's kind and range.
func validateEntry(lang string, ind planwatch.Indicator, x float64) string {
	switch {
	case ind.Kind == planwatch.KindRate && (x < -100 || x > 1000):
		return i18n.T(lang, "entry.range_rate")
	case ind.Kind == planwatch.KindIndex && (x <= 0 || x > 1000):
		return i18n.T(lang, "entry.range_index")
	case ind.Kind == planwatch.KindCount && x != math.Trunc(x):
		return i18n.T(lang, "entry.whole")
	case (ind.Kind == planwatch.KindFlow || ind.Kind == planwatch.KindStock || ind.Kind == planwatch.KindCount || ind.Kind == planwatch.KindAverage) && x < 0:
		return i18n.T(lang, "entry.negative")
	}
	return ""
}

// postEntry validates the whole form, stores it atomically and warns about
// figures far from the unit's history (a warning, not a block).
func (s *Server) postEntry(w http.ResponseWriter, r *http.Request) error {
	snap, sel, p, err := s.entryPage(w, r)
	if err != nil {
		return err
	}
	posted := map[string]entryRow{}
	var values []planwatch.DataValue
	// A figure restated for the unit's territory of today (after a reform).
	source := planwatch.SourceForm
	if r.PostFormValue("restated") == "1" {
		source = planwatch.SourceRestated
	}
	for _, ind := range snap.inds {
		if ind.Sector != sel.Sector || !snap.monitors(sel.Unit, sel.Period.Year, &ind) {
			continue
		}
		in := strings.TrimSpace(r.PostFormValue("v." + ind.Code))
		row := entryRow{Input: in, Vintage: r.PostFormValue("vin." + ind.Code), Basis: r.PostFormValue("basis." + ind.Code), Comment: strings.TrimSpace(r.PostFormValue("c." + ind.Code))}
		if in == "" {
			continue
		}
		vin, err := planwatch.ParseVintage(row.Vintage)
		basis := planwatch.Basis(row.Basis)
		x, ok := parseInput(p.Lang, in)
		switch {
		case !ok:
			row.Problem = i18n.T(p.Lang, "entry.not_number")
		case err != nil:
			row.Problem = err.Error()
		case basis != planwatch.BasisPeriod && basis != planwatch.BasisCumulative:
			row.Problem = i18n.T(p.Lang, "entry.bad_basis")
		default:
			row.Problem = validateEntry(p.Lang, ind, x)
		}
		if row.Problem != "" {
			p.Problems = append(p.Problems, planwatch.Problem{Column: indicatorName(p.Lang, ind), Value: in, Reason: row.Problem})
		} else {
			_, scale := ind.BaseUnit()
			values = append(values, planwatch.DataValue{
				Key:   planwatch.Key{Indicator: ind.Code, Unit: sel.Unit, Period: sel.Period},
				Basis: basis, Vintage: vin, Value: planwatch.Float(x * scale), Comment: row.Comment,
				Source: planwatch.Source{Kind: source, Ref: "web/entry"},
			})
		}
		posted[ind.Code] = row
	}
	if len(p.Problems) > 0 {
		p.D = s.entryRows(p, snap, sel, posted)
		s.render(w, r, http.StatusUnprocessableEntity, "entry", p)
		return nil
	}
	if len(values) == 0 {
		p.Warnings = append(p.Warnings, i18n.T(p.Lang, "entry.nothing"))
		p.D = s.entryRows(p, snap, sel, nil)
		s.render(w, r, http.StatusOK, "entry", p)
		return nil
	}
	for _, v := range values {
		if warn := s.outlier(r, p.Lang, snap, v); warn != "" {
			p.Warnings = append(p.Warnings, warn)
		}
	}
	res, err := s.apply(r, &planwatch.ChangeSet{Values: values})
	if err != nil {
		var pe *planwatch.Error
		if asError(err, &pe) && (pe.Code == planwatch.EINVALID || pe.Code == planwatch.ECONFLICT) {
			status := http.StatusUnprocessableEntity
			if pe.Code == planwatch.ECONFLICT { // an approved, locked period
				status = http.StatusConflict
				p.Problems = append(p.Problems, planwatch.Problem{Reason: pe.Message})
			} else {
				p.Problems = append(p.Problems, pe.Problems...)
				if len(pe.Problems) == 0 {
					p.Problems = append(p.Problems, planwatch.Problem{Reason: pe.Message})
				}
			}
			p.D = s.entryRows(p, snap, sel, posted)
			s.render(w, r, status, "entry", p)
			return nil
		}
		return err
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "entry.saved", res.Imported, res.Updated, res.Ignored))
	snap, err = s.snapshot(r.Context())
	if err != nil {
		return err
	}
	p.Warnings = append(p.Warnings, s.entryWarnings(r.Context(), p.Lang, snap, values)...)
	p.D = s.entryRows(p, snap, sel, nil)
	s.render(w, r, http.StatusOK, "entry", p)
	return nil
}

// outlier warns when a figure is far from the unit's history for periods of
// the same length: more than three times, or less than a third of, the median.
func (s *Server) outlier(r *http.Request, lang string, snap *snapshot, v planwatch.DataValue) string {
	hist, err := s.store.Values(r.Context(), planwatch.ValueQuery{Indicators: []string{v.Indicator}, Units: []string{v.Unit}})
	if err != nil || v.Value == nil {
		return ""
	}
	var xs []float64
	for _, h := range hist {
		if h.Value != nil && h.Period.Months() == v.Period.Months() && h.Basis == v.Basis && h.Period != v.Period {
			xs = append(xs, math.Abs(*h.Value))
		}
	}
	if len(xs) < 2 {
		return ""
	}
	sort.Float64s(xs)
	med := xs[len(xs)/2]
	x := math.Abs(*v.Value)
	if med == 0 || (x <= 3*med && x >= med/3) {
		return ""
	}
	ind := snap.ds.Indicators()[v.Indicator]
	return i18n.T(lang, "entry.outlier", indicatorName(lang, ind), formatAmount(lang, ind, *v.Value), formatAmount(lang, ind, med), len(xs))
}

func asError(err error, target **planwatch.Error) bool {
	e, ok := err.(*planwatch.Error)
	if ok {
		*target = e
	}
	return ok
}
