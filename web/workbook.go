package web

import (
	"bytes"
	"net/http"

	"planwatch"
	"planwatch/sheet"
)

// handleEntryWorkbook downloads the data-entry workbook of a unit, period
// and sector (sheet.WriteEntryWorkbook): one row per indicator of the
// sector with its unit, the same period last year and the annual plan, an
// entry column that takes numbers only, and a protected header. Filled in,
// it is uploaded on the upload page, which reads it through the one reader
// of incoming files.
func (s *Server) handleEntryWorkbook(w http.ResponseWriter, r *http.Request) error {
	snap, sel, _, err := s.entryPage(w, r)
	if err != nil {
		return err
	}
	form := sheet.EntryForm{Unit: sel.Unit, UnitName: unitName(snap, sel.Unit, sel.Period), Period: sel.Period, Sector: sel.Sector}
	last := sel.Period.SamePeriodLastYear()
	for _, ind := range snap.inds {
		if ind.Sector != sel.Sector || !snap.monitors(sel.Unit, sel.Period.Year, &ind) {
			continue
		}
		row := sheet.EntryRow{Indicator: ind}
		if f := snap.ds.ValueAsOf(ind.Code, sel.Unit, last, sel.Period.End()); f.OK {
			row.LastYear = planwatch.Float(f.Value)
		}
		if t, ok := snap.ds.Target(ind.Code, sel.Unit, sel.Period.Year, planwatch.TargetPlan); ok {
			row.Plan = planwatch.Float(t.Value)
		}
		form.Rows = append(form.Rows, row)
	}
	var b bytes.Buffer
	if err := sheet.WriteEntryWorkbook(&b, form); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="bieu-nhap-`+safeFileName(sel.Unit)+"-"+sel.Period.ID()+`.xlsx"`)
	_, err = w.Write(b.Bytes())
	return err
}
