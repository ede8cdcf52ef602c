package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"planwatch"
	"planwatch/nativecsv"
	"planwatch/web/i18n"
)

type plansData struct {
	Year       int
	UnitName   string
	Targets    []planRow
	Milestones []planwatch.Milestone
	Options    []option
	Kinds      []option
	Inds       map[string]planwatch.Indicator
}

type planRow struct {
	Ind    planwatch.Indicator
	Target planwatch.Target
}

// handlePlans lists the year's targets and milestones of a unit, with forms
// to set a target, add a milestone and import a targets file.
func (s *Server) handlePlans(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "plans")
	if err != nil {
		return err
	}
	return s.renderPlans(w, r, p, snap, sel, http.StatusOK)
}

func (s *Server) renderPlans(w http.ResponseWriter, r *http.Request, p *page, snap *snapshot, sel selection, status int) error {
	year := sel.Period.Year
	d := plansData{Year: year, UnitName: unitName(snap, sel.Unit, sel.Period), Options: catalogueOptions(p.Lang, snap), Inds: snap.ds.Indicators()}
	for _, k := range planwatch.TargetKinds {
		d.Kinds = append(d.Kinds, option{string(k.Kind), i18n.T(p.Lang, "target."+string(k.Kind))})
	}
	ts, err := s.store.Targets(r.Context(), planwatch.TargetQuery{Units: []string{sel.Unit}, Years: []int{year}})
	if err != nil {
		return err
	}
	for _, t := range ts {
		d.Targets = append(d.Targets, planRow{snap.ds.Indicators()[t.Indicator], t})
	}
	if d.Milestones, err = s.store.Milestones(r.Context(), sel.Unit, year); err != nil {
		return err
	}
	p.D = d
	s.render(w, r, status, "plans", p)
	return nil
}

// postTarget sets (or adjusts, as a new version) one annual target.
func (s *Server) postTarget(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "plans")
	if err != nil {
		return err
	}
	code := r.PostFormValue("indicator")
	ind, ok := snap.ds.Indicators()[code]
	if !ok {
		p.Problems = append(p.Problems, planwatch.Problem{Column: i18n.T(p.Lang, "col.indicator"), Value: code, Reason: i18n.T(p.Lang, "read.no_indicator")})
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	x, ok := parseInput(p.Lang, r.PostFormValue("value"))
	if !ok {
		p.Problems = append(p.Problems, planwatch.Problem{Column: i18n.T(p.Lang, "col.value"), Value: r.PostFormValue("value"), Reason: i18n.T(p.Lang, "entry.not_number")})
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	kind := planwatch.TargetKind(r.PostFormValue("kind"))
	version := 1
	hist, err := s.store.TargetHistory(r.Context(), code, sel.Unit)
	if err != nil {
		return err
	}
	for _, t := range hist {
		if t.Year == sel.Period.Year && t.Kind == kind && t.Version >= version {
			version = t.Version + 1
		}
	}
	_, scale := ind.BaseUnit()
	t := planwatch.Target{Indicator: code, Unit: sel.Unit, Year: sel.Period.Year, Kind: kind, Value: x * scale, Version: version,
		Adjusted: version > 1, Source: planwatch.Source{Kind: planwatch.SourceForm, Ref: strings.TrimSpace(r.PostFormValue("ref"))}}
	if a := r.PostFormValue("adopted"); a != "" {
		if t.Adopted, err = time.Parse("2006-01-02", a); err != nil {
			return invalid("ngày %q không hợp lệ / invalid date %q", a, a)
		}
	}
	if _, err := s.apply(r, &planwatch.ChangeSet{Targets: []planwatch.Target{t}}); err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	snap, err = s.snapshot(r.Context())
	if err != nil {
		return err
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "plans.saved"))
	return s.renderPlans(w, r, p, snap, sel, http.StatusOK)
}

// postMilestone adds a milestone: by the end of a period, a share of the plan.
func (s *Server) postMilestone(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "plans")
	if err != nil {
		return err
	}
	code := r.PostFormValue("indicator")
	per, perr := planwatch.ParsePeriod(r.PostFormValue("by"))
	share, ok := parseInput(p.Lang, r.PostFormValue("share"))
	switch {
	case snap.ds.Indicators()[code].Code == "":
		p.Problems = append(p.Problems, planwatch.Problem{Column: i18n.T(p.Lang, "col.indicator"), Value: code, Reason: i18n.T(p.Lang, "read.no_indicator")})
	case perr != nil:
		p.Problems = append(p.Problems, planwatch.Problem{Column: i18n.T(p.Lang, "col.period"), Value: r.PostFormValue("by"), Reason: planwatch.ErrorMessage(perr)})
	case !ok || share <= 0 || share > 1000:
		p.Problems = append(p.Problems, planwatch.Problem{Column: i18n.T(p.Lang, "col.share"), Value: r.PostFormValue("share"), Reason: i18n.T(p.Lang, "entry.not_number")})
	}
	if len(p.Problems) > 0 {
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	m := planwatch.Milestone{Indicator: code, Unit: sel.Unit, Period: per.YearToDate(), Share: share, Bound: planwatch.Bound(r.PostFormValue("bound")),
		TargetKind: planwatch.TargetPlan, Source: planwatch.Source{Kind: planwatch.SourceForm, Ref: strings.TrimSpace(r.PostFormValue("ref"))}}
	if m.Bound != planwatch.BoundMax {
		m.Bound = planwatch.BoundMin
	}
	if _, err := s.apply(r, &planwatch.ChangeSet{Milestones: []planwatch.Milestone{m}}); err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "plans.saved"))
	return s.renderPlans(w, r, p, snap, sel, http.StatusOK)
}

// postPlansImport imports a targets file (CSV or XLSX), all or nothing.
func (s *Server) postPlansImport(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "plans")
	if err != nil {
		return err
	}
	name, data, err := readUploaded(r)
	var res planwatch.ApplyResult
	if err == nil {
		var cs *planwatch.ChangeSet
		if cs, err = nativecsv.Read(bytes.NewReader(data), name); err == nil {
			if len(cs.Values) > 0 {
				err = invalid("%s", i18n.T(p.Lang, "plans.not_targets"))
			} else {
				res, err = s.apply(r, cs)
			}
		}
	}
	if err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		return s.renderPlans(w, r, p, snap, sel, http.StatusUnprocessableEntity)
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "upload.saved", name, res.Imported, res.Updated, res.Ignored))
	return s.renderPlans(w, r, p, snap, sel, http.StatusOK)
}
