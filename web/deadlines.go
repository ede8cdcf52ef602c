package web

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"planwatch"
)

// Deadlines. Each reporting form — a sector's indicators — is due on a day
// of the period's last month. The default follows the cut-off windows of
// Decree 09/2019/NĐ-CP on the reporting regime of state administrative
// agencies (Nghị định 09/2019/NĐ-CP, Article 12): figures of a monthly report
// run from the 15th of the previous month to the 14th of the reporting month,
// of a quarterly report from the 15th of the month before the quarter to the
// 14th of its last month, and likewise for half-years and years (cut-off on
// the 14th of June and of December). We take the report to be due the day
// after the cut-off, the 15th of the period's last month. That due date is
// our reading, not the decree's text: the decree leaves the sending deadline
// to each reporting regime, so Config.DueDays sets another day per sector.
const defaultDueDay = 15

// dueDate is when the form of sector is due for period p.
func (s *Server) dueDate(sector string, p planwatch.Period) time.Time {
	day := defaultDueDay
	if d, ok := s.cfg.DueDays[sector]; ok && d >= 1 && d <= 31 {
		day = d
	}
	last := time.Date(p.Year, time.Month(p.Last)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(p.Year, time.Month(p.Last), min(day, last), 0, 0, 0, 0, time.UTC)
}

// periodicityMonths is the length of an indicator's reporting period.
func periodicityMonths(s string) int {
	switch s {
	case "quarter":
		return 3
	case "half":
		return 6
	case "year":
		return 12
	}
	return 1
}

// Timeliness of one form.
const (
	timeOnTime  = "on_time"
	timeLate    = "late"
	timeOverdue = "overdue" // not reported, past due
	timePending = "pending" // not reported, not yet due
)

// formStatus is one unit × sector for a period.
type formStatus struct {
	Unit       string                  `json:"orgunit"`
	UnitName   string                  `json:"unit_name"`
	Sector     string                  `json:"sector"`
	Due        time.Time               `json:"due"`
	Expected   int                     `json:"expected"`
	Reported   int                     `json:"reported"`
	ReportedAt *time.Time              `json:"reported_at,omitempty"` // the latest revision among the form's current values
	Status     string                  `json:"status"`
	Approval   planwatch.ApprovalState `json:"approval"`
	Remind     []string                `json:"remind,omitempty"` // reporters to remind
}

type completenessData struct {
	UnitName  string
	Forms     []formStatus
	Reminders []formStatus
	Counts    map[string]int
}

// completeness computes who has reported the forms of the chosen unit's
// subordinate units (or of the unit itself when it has none) and who is late.
func (s *Server) completeness(r *http.Request) (selection, completenessData, error) {
	ctx := r.Context()
	snap, sel, err := s.selected(r)
	if err != nil {
		return selection{}, completenessData{}, err
	}
	d := completenessData{UnitName: unitName(snap, sel.Unit, sel.Period), Counts: map[string]int{}}
	units := snap.ds.Units().ChildrenAt(sel.Unit, sel.Period.End())
	if len(units) == 0 {
		units = []string{sel.Unit}
	}
	var accounts []planwatch.Account
	if s.accounts != nil {
		if accounts, err = s.accounts.Accounts(ctx); err != nil {
			return sel, d, err
		}
	}
	now := s.now()
	for _, unit := range units {
		approval, err := s.approvalOf(ctx, unit, sel.Period)
		if err != nil {
			return sel, d, err
		}
		for _, sector := range snap.sectors {
			if sel.Sector != "" && sector != sel.Sector {
				continue
			}
			f := formStatus{Unit: unit, UnitName: unitName(snap, unit, sel.Period), Sector: sector, Due: s.dueDate(sector, sel.Period), Approval: approval.State}
			var sectorInds []string
			for _, ind := range snap.inds {
				if ind.Sector != sector || sel.Period.Months()%periodicityMonths(ind.Periodicity) != 0 || !snap.monitors(unit, sel.Period.Year, &ind) {
					continue
				}
				f.Expected++
				sectorInds = append(sectorInds, ind.Code)
				if v, ok := snap.ds.Reported(ind.Code, unit, sel.Period); ok {
					f.Reported++
					if f.ReportedAt == nil || v.At.After(*f.ReportedAt) {
						at := v.At
						f.ReportedAt = &at
					}
				}
			}
			if f.Expected == 0 {
				continue
			}
			due := dayEnd(f.Due)
			switch {
			case f.ReportedAt != nil && !f.ReportedAt.After(due):
				f.Status = timeOnTime
			case f.ReportedAt != nil:
				f.Status = timeLate
			case now.After(due):
				f.Status = timeOverdue
			default:
				f.Status = timePending
			}
			d.Counts[f.Status]++
			if f.ReportedAt == nil && f.Due.Sub(now) < 7*24*time.Hour {
				if showsNames(ctx) {
					f.Remind = reportersOf(accounts, unit, sector, sectorInds)
				}
				d.Reminders = append(d.Reminders, f)
			}
			d.Forms = append(d.Forms, f)
		}
	}
	sort.SliceStable(d.Reminders, func(i, j int) bool { return d.Reminders[i].Due.Before(d.Reminders[j].Due) })
	return sel, d, nil
}

// reportersOf lists the enabled reporters whose scope covers a unit's form.
func reportersOf(accounts []planwatch.Account, unit, sector string, inds []string) []string {
	var out []string
	for _, a := range accounts {
		if a.Disabled || a.Role != planwatch.RoleReporter {
			continue
		}
		if len(a.Units) > 0 && !slices.Contains(a.Units, unit) {
			continue
		}
		covers := len(a.Sectors) == 0 && len(a.Indicators) == 0 || slices.Contains(a.Sectors, sector)
		for _, code := range inds {
			covers = covers || slices.Contains(a.Indicators, code)
		}
		if covers {
			out = append(out, a.Name)
		}
	}
	return out
}

func (s *Server) handleCompleteness(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	sel, d, err := s.completeness(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "completeness")
	s.fillPickers(p, snap, sel)
	p.D = d
	s.render(w, r, http.StatusOK, "completeness", p)
	return nil
}

// apiCompleteness is the completeness and timeliness page as JSON.
func (s *Server) apiCompleteness(w http.ResponseWriter, r *http.Request) error {
	sel, d, err := s.completeness(r)
	if err != nil {
		return err
	}
	forms := d.Forms
	if forms == nil {
		forms = []formStatus{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgunit": sel.Unit, "period": sel.Period.ID(), "forms": forms, "counts": d.Counts})
	return nil
}
