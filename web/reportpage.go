package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/chart"
	"planwatch/report"
	"planwatch/web/i18n"
)

type reportData struct {
	Report   *report.Report
	Charts   []template.HTML
	Sections []sectionNote
	Tasks    []planwatch.Task
	Next     string
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
	rep, err := s.buildReport(r, sel.Unit, sel.Period)
	if err != nil {
		return err
	}
	d := reportData{Report: rep, Next: rep.Next.ID()}
	for _, c := range rep.Charts {
		d.Charts = append(d.Charts, chart.Line(c.Series, chart.Options{Title: c.Title, Unit: c.Unit, Labels: c.Labels,
			Format: func(v float64) string { return formatNumber(p.Lang, v, 1) }}))
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

// handleReportDownload sends the report as md, html or docx.
func (s *Server) handleReportDownload(w http.ResponseWriter, r *http.Request) error {
	_, sel, err := s.selected(r)
	if err != nil {
		return err
	}
	rep, err := s.buildReport(r, sel.Unit, sel.Period)
	if err != nil {
		return err
	}
	return writeReport(w, rep, r.URL.Query().Get("format"))
}
