package report

import (
	"io"

	"planwatch/sheet"
)

// WriteAnnexXLSX writes the report's annex table (phụ lục: same period last
// year, annual plan, this period — cumulative for flows — and the two
// percentages) as a workbook with numbers in display units, the figures of
// the annex the report's other formats print.
func (r *Report) WriteAnnexXLSX(w io.Writer) error {
	a := sheet.Annex{Title: "Phụ lục: Một số chỉ tiêu kinh tế - xã hội chủ yếu", Unit: r.UnitName, Period: r.Period}
	for _, row := range r.Annex {
		a.Rows = append(a.Rows, sheet.AnnexRow{Indicator: row.ind, LastYear: row.lastYear, Plan: row.plan,
			Current: row.current, VsLastYear: row.vsLastYear, OfPlan: row.ofPlan})
	}
	return sheet.WriteAnnex(w, a)
}

func ptr(v float64) *float64 { return &v }
