package web

import (
	"bytes"
	"net/http"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/exchange"
)

// handleExport downloads the current values of a unit and period as
// planwatch CSV (?format=csv) or XLSX (?format=xlsx); ?approved=true keeps
// approved figures only. Every text cell is defused against spreadsheet
// formula injection by the writers (nativecsv.SafeCell, sheet.SafeText): a
// comment or code a reporter typed as "=HYPERLINK(…)" opens as text.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) error {
	snap, sel, err := s.selected(r)
	if err != nil {
		return err
	}
	var f exchange.Format
	var ctype, ext string
	switch r.URL.Query().Get("format") {
	case "", "csv":
		f, ctype, ext = exchange.Native, "text/csv; charset=utf-8", "csv"
	case "xlsx":
		f, ctype, ext = exchange.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	default:
		return invalid("format %q: expected csv or xlsx", r.URL.Query().Get("format"))
	}
	only := r.URL.Query().Get("approved") == "true"
	vals, err := s.store.Values(r.Context(), planwatch.ValueQuery{Units: []string{sel.Unit},
		FromMonth: sel.Period.Year*100 + sel.Period.First, ToMonth: sel.Period.Year*100 + sel.Period.Last})
	if err != nil {
		return err
	}
	if vals, err = s.markApproved(r.Context(), vals, only); err != nil {
		return err
	}
	hideNames(r.Context(), vals, nil)
	var b bytes.Buffer
	if err := exchange.Write(f, &b, vals, snap.ds.Indicators(), dhis2.Mapping{}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="planwatch-`+safeFileName(sel.Unit)+"-"+sel.Period.ID()+"."+ext+`"`)
	_, err = w.Write(b.Bytes())
	return err
}

// safeFileName keeps letters, digits, dots and dashes.
func safeFileName(s string) string {
	out := []byte{}
	for i := 0; i < len(s) && len(out) < 40; i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.' {
			out = append(out, c)
		}
	}
	return string(out)
}
