package web

import (
	"net/http"
	"strings"

	"planwatch"
	"planwatch/calc"
)

type dashboardData struct {
	UnitName      string
	Rows          []calc.Row
	Counts        map[string]int
	Reported      int
	Expected      int
	CompletePct   float64
	HasChildUnits bool
	// Approval is the approval state of the unit and period shown.
	Approval planwatch.ApprovalState
	// Group is the unit group shown instead of the unit (?group=), when one is.
	Group string
}

// handleDashboard shows every indicator of a unit and period, lagging first.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "dashboard")
	if err != nil {
		return err
	}
	d := dashboardData{UnitName: unitName(snap, sel.Unit, sel.Period), Counts: map[string]int{}}
	g, err := s.groupOf(r)
	if err != nil {
		return err
	}
	if g != nil {
		return s.groupDashboard(w, r, p, snap, sel, g)
	}
	st := snap.statusOf(sel.Unit, sel.Period)
	for _, row := range st.rows {
		if sel.Sector != "" && row.Indicator.Sector != sel.Sector {
			continue
		}
		d.Rows = append(d.Rows, row)
		d.Counts[string(row.Status)]++
	}
	d.Reported, d.Expected = st.reported, st.expected
	d.HasChildUnits = d.Expected > 0
	if d.Expected > 0 {
		d.CompletePct = float64(d.Reported) * 100 / float64(d.Expected)
	}
	a, err := s.approvalOf(r.Context(), sel.Unit, sel.Period)
	if err != nil {
		return err
	}
	d.Approval = a.State
	p.D = d
	s.render(w, r, http.StatusOK, "dashboard", p)
	return nil
}

// groupDashboard shows where every indicator stands for a unit group: its
// units' figures combined by each indicator's aggregation over units.
func (s *Server) groupDashboard(w http.ResponseWriter, r *http.Request, p *page, snap *snapshot, sel selection, g *planwatch.UnitGroup) error {
	d := dashboardData{UnitName: g.NameVI, Counts: map[string]int{}, Group: g.Code}
	if p.Lang == "en" && g.NameEN != "" {
		d.UnitName = g.NameEN
	}
	key := "group|" + g.Code + "|" + strings.Join(g.Units, ",") + "|" + sel.Period.ID()
	rows := snap.memo(key, func() any { return snap.ds.GroupStatus(g.Units, sel.Period, calc.DefaultOptions()) }).([]calc.Row)
	for _, row := range rows {
		if sel.Sector != "" && row.Indicator.Sector != sel.Sector {
			continue
		}
		d.Rows = append(d.Rows, row)
		d.Counts[string(row.Status)]++
	}
	p.D = d
	s.render(w, r, http.StatusOK, "dashboard", p)
	return nil
}
