package web

import (
	"net/http"

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
}

// handleDashboard shows every indicator of a unit and period, lagging first.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "dashboard")
	if err != nil {
		return err
	}
	d := dashboardData{UnitName: unitName(snap, sel.Unit, sel.Period), Counts: map[string]int{}}
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
