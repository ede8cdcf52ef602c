package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/report"
	"planwatch/web/i18n"
)

type reportData struct {
	Report   *report.Report
	Charts   []template.HTML
	Sections []sectionNote
	Tasks    []planwatch.Task
	Next     string
	Settings reportSettingsForm
	Group    string // the unit group reported on, when the report is a group's
}

// reportSettingsForm is the unit's report settings as the form edits them:
// multi-line fields joined with newlines, recipients one per line.
type reportSettingsForm struct {
	GoverningBody, IssuingBody, Number, Symbol, Place string
	Recipients                                        string
	SignerAuthority, SignerTitle, SignerName          string
	By                                                string
	At                                                string
}

// sectionNote is a report section with its editable note for the period.
type sectionNote struct {
	ID, Title string
	NoteID    int64
	Text      string
}

// handleReport shows the generated period report with its notes and tasks
// editable, and the download links.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) error {
	p, _, sel, err := s.pageWithPickers(w, r, "report")
	if err != nil {
		return err
	}
	rep, err := s.buildReport(r, sel.Unit, sel.Period, p.Lang)
	if err != nil {
		return err
	}
	d := reportData{Report: rep, Next: rep.Next.ID(), Group: r.URL.Query().Get("group")}
	st, err := s.store.ReportSettings(r.Context(), sel.Unit)
	if err != nil {
		return err
	}
	d.Settings = reportSettingsForm{GoverningBody: st.GoverningBody, IssuingBody: st.IssuingBody, Number: st.Number, Symbol: st.Symbol,
		Place: st.Place, Recipients: strings.Join(st.Recipients, "\n"), SignerAuthority: st.SignerAuthority, SignerTitle: st.SignerTitle,
		SignerName: st.SignerName, By: st.By}
	if !st.At.IsZero() {
		d.Settings.At = st.At.Format("02/01/2006 15:04")
	}
	for _, c := range rep.Charts {
		d.Charts = append(d.Charts, c.TitledSVG())
	}
	notes, err := s.store.Notes(r.Context(), sel.Unit, sel.Period)
	if err != nil {
		return err
	}
	for _, part := range rep.Parts {
		for _, sec := range part.Sections {
			sn := sectionNote{ID: sec.ID, Title: sec.Title}
			for _, n := range notes {
				if n.Sector == sec.ID && n.Period == sel.Period {
					sn.NoteID, sn.Text = n.ID, n.Text
				}
			}
			d.Sections = append(d.Sections, sn)
		}
	}
	if d.Tasks, err = s.store.Tasks(r.Context(), sel.Unit, rep.Next); err != nil {
		return err
	}
	p.D = d
	s.render(w, r, http.StatusOK, "report", p)
	return nil
}

// reportRedirect sends the browser back to the report page after a change.
func reportRedirect(w http.ResponseWriter, r *http.Request, unit, period string) {
	http.Redirect(w, r, string(link("/report", "unit", unit, "period", period)), http.StatusSeeOther)
}

// postReportNote saves the note of one section for the unit and period.
func (s *Server) postReportNote(w http.ResponseWriter, r *http.Request) error {
	unit := r.PostFormValue("unit")
	per, err := planwatch.ParsePeriod(r.PostFormValue("period"))
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	n := planwatch.Note{ID: id, Sector: r.PostFormValue("section"), Unit: unit, Period: per, Text: strings.TrimSpace(r.PostFormValue("text"))}
	if n.Text == "" && id == 0 {
		reportRedirect(w, r, unit, per.ID())
		return nil
	}
	if _, err := s.apply(r, &planwatch.ChangeSet{Notes: []planwatch.Note{n}}); err != nil {
		return err
	}
	reportRedirect(w, r, unit, per.ID())
	return nil
}

// postReportTask adds a task or changes a task's status.
func (s *Server) postReportTask(w http.ResponseWriter, r *http.Request) error {
	unit := r.PostFormValue("unit")
	per, err := planwatch.ParsePeriod(r.PostFormValue("period"))
	if err != nil {
		return err
	}
	due, err := planwatch.ParsePeriod(r.PostFormValue("due"))
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	t := planwatch.Task{ID: id, Unit: unit, Sector: r.PostFormValue("section"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Owner: strings.TrimSpace(r.PostFormValue("owner")), Due: due, Status: planwatch.TaskStatus(r.PostFormValue("status"))}
	if t.Status == "" {
		t.Status = planwatch.TaskOpen
	}
	if t.Text == "" {
		return invalid("%s", i18n.T(langOf(nil, r), "report.task_required"))
	}
	if _, err := s.apply(r, &planwatch.ChangeSet{Tasks: []planwatch.Task{t}}); err != nil {
		return err
	}
	reportRedirect(w, r, unit, per.ID())
	return nil
}

// postReportSettings saves the unit's report settings (issuing body,
// number, place, recipients, signer), audited by the store.
func (s *Server) postReportSettings(w http.ResponseWriter, r *http.Request) error {
	unit := r.PostFormValue("unit")
	per, err := planwatch.ParsePeriod(r.PostFormValue("period"))
	if err != nil {
		return err
	}
	// The route admits planners; the rule for a unit is the one of its notes and tasks.
	if err := authorize(userOf(r.Context()), false, AccessPlan, Scope{Unit: unit}); err != nil {
		return err
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	if _, ok := snap.ds.Units().Latest(unit); !ok {
		return notFound("không có đơn vị hành chính %q / no administrative unit %q", unit, unit)
	}
	f := r.PostFormValue
	st := planwatch.ReportSettings{Unit: unit, GoverningBody: f("governing_body"), IssuingBody: f("issuing_body"), Number: f("number"),
		Symbol: f("symbol"), Place: f("place"), Recipients: strings.Split(f("recipients"), "\n"),
		SignerAuthority: f("signer_authority"), SignerTitle: f("signer_title"), SignerName: f("signer_name")}
	if err := s.store.SaveReportSettings(r.Context(), st, userName(r.Context()), s.clientIP(r)); err != nil {
		return err
	}
	reportRedirect(w, r, unit, per.ID())
	return nil
}

// handleReportDownload sends the report as md, html or docx, in the page's
// language or the one ?lang= asks.
func (s *Server) handleReportDownload(w http.ResponseWriter, r *http.Request) error {
	_, sel, err := s.selected(r)
	if err != nil {
		return err
	}
	rep, err := s.buildReport(r, sel.Unit, sel.Period, reportLang(r))
	if err != nil {
		return err
	}
	return writeReport(w, rep, r.URL.Query().Get("format"))
}
