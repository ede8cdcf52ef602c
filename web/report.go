package web

import (
	"bytes"
	"net/http"
	"strings"

	"planwatch"
	"planwatch/calc"
	"planwatch/report"
)

// buildReport writes the period report of a unit in a language with the
// report package, on the server's analytics snapshot (so the report and the
// dashboard agree and nothing is loaded twice) with the notes, tasks and
// report settings read fresh.
func (s *Server) buildReport(r *http.Request, unit string, p planwatch.Period, lang string) (*report.Report, error) {
	ctx := r.Context()
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	g, err := s.groupOf(r)
	if err != nil {
		return nil, err
	}
	if g != nil {
		// The report of a unit group (catalogue.go): its units' figures
		// combined, no unit's notes, tasks or letterhead.
		return report.Build(report.Input{Data: snap.ds, Period: p, Group: g, Options: calc.DefaultOptions(), Date: s.now(), Lang: lang}), nil
	}
	in, err := report.LoadWith(ctx, s.store, snap.ds, unit, p)
	if err != nil {
		return nil, err
	}
	in.Date, in.Lang = s.now(), lang
	return report.Build(in), nil
}

// reportFormats maps a download format to its content type and writer.
var reportFormats = map[string]struct {
	contentType string
	ext         string
	write       func(*report.Report, *bytes.Buffer) error
}{
	"md":   {"text/markdown; charset=utf-8", "md", func(r *report.Report, b *bytes.Buffer) error { return r.WriteMarkdown(b) }},
	"html": {"text/html; charset=utf-8", "html", func(r *report.Report, b *bytes.Buffer) error { return r.WriteHTML(b) }},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", func(r *report.Report, b *bytes.Buffer) error { return r.WriteDOCX(b) }},
	// The annex table alone, as a workbook (numbers a planner computes with).
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", func(r *report.Report, b *bytes.Buffer) error { return r.WriteAnnexXLSX(b) }},
}

// writeReport sends the report in a format as a download.
func writeReport(w http.ResponseWriter, rep *report.Report, format string) error {
	f, ok := reportFormats[format]
	if !ok {
		return invalid("định dạng %q không hỗ trợ (md, html, docx, xlsx) / unsupported format %q", format, format)
	}
	var buf bytes.Buffer
	if err := f.write(rep, &buf); err != nil {
		return err
	}
	name := "bao-cao-" + rep.UnitCode + "-" + rep.Period.ID() + "." + f.ext
	if rep.Lang == "en" {
		name = "report-" + rep.UnitCode + "-" + rep.Period.ID() + "-en." + f.ext
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	if format == "html" {
		// The report is a standalone document; keep it from running anything.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// reportLang is the language a report is asked in: ?lang= when it names a
// report language, else the page's language.
func reportLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); report.KnownLang(l) {
		return l
	}
	return langOf(nil, r)
}

// apiReport returns the report as JSON (the model) or as md, html or docx,
// in Vietnamese or (?lang=en) English.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) error {
	p, err := planwatch.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	unit := r.PathValue("unit")
	if _, ok := snap.ds.Units().Latest(unit); !ok {
		return notFound("không có đơn vị hành chính %q / no administrative unit %q", unit, unit)
	}
	rep, err := s.buildReport(r, unit, p, reportLang(r))
	if err != nil {
		return err
	}
	return answerReport(w, r, rep)
}

// answerReport sends a report as JSON (the model) or as ?format= md, html or docx.
func answerReport(w http.ResponseWriter, r *http.Request, rep *report.Report) error {
	format := r.URL.Query().Get("format")
	if format == "" || format == "json" {
		// The model without its charts (their gaps are NaN, which JSON cannot carry).
		view := *rep
		view.Charts = nil
		writeJSON(w, http.StatusOK, view)
		return nil
	}
	return writeReport(w, rep, format)
}
