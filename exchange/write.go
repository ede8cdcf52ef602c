package exchange

import (
	"io"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/nativecsv"
	"planwatch/sdmx"
	"planwatch/sheet"
)

// WriteFormats lists the formats Write accepts.
var WriteFormats = []Format{DHIS2JSON, DHIS2CSV, SDMXCSV, XLSX, Native}

// Write exports values in a format: DHIS2 JSON or CSV (codes as ids, or the
// partner's UIDs through m), SDMX-CSV 2.0, an XLSX list of values, or
// planwatch's CSV. inds gives names and base units. Every format carries
// base units, and every text cell is guarded against formula injection.
func Write(f Format, w io.Writer, values []planwatch.DataValue, inds map[string]planwatch.Indicator, m dhis2.Mapping) error {
	switch f {
	case DHIS2JSON:
		return dhis2.WriteJSON(w, values, dhis2.WriteOptions{Map: m})
	case DHIS2CSV:
		return dhis2.WriteCSV(w, values, dhis2.WriteOptions{Map: m})
	case SDMXCSV:
		return sdmx.WriteCSV(w, values, sdmx.WriteOptions{Indicators: inds})
	case XLSX:
		return sheet.WriteValuesXLSX(w, values, inds)
	case Native:
		return nativecsv.WriteValues(w, values)
	}
	return planwatch.Errorf(planwatch.EINVALID, "cannot export to format %q: expected dhis2-json, dhis2-csv, sdmx-csv, xlsx or planwatch-csv", f)
}
