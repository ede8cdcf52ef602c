package web

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"planwatch"
	"planwatch/dhis2"
	"planwatch/exchange"
)

// postDataValueSets accepts the payloads DHIS2 clients push to
// /api/dataValueSets (JSON, CSV, DXF2 XML, ADX) with DHIS2's parameters:
// mapping (the name of a stored mapping of the partner's ids), idScheme,
// dataElementIdScheme, orgUnitIdScheme, categoryOptionComboIdScheme,
// attributeOptionComboIdScheme, importStrategy, atomicMode and dryRun. It
// answers with an import summary shaped like DHIS2's: 200 when something
// could be stored (SUCCESS, or WARNING under atomicMode=NONE), 409 when
// nothing was (ERROR). planwatch's default stays all or nothing
// (atomicMode=ALL). Every change is authorised where the change set is
// applied. A file that streams (anything but a workbook, a file of targets
// or atomicMode=NONE) is read as it arrives and its values handed to the
// store one by one (applyStream), not held as a change set; every body is
// bounded by its route's limit (maxUpload).
func (s *Server) postDataValueSets(w http.ResponseWriter, r *http.Request) error {
	body := bufio.NewReaderSize(r.Body, 64<<10)
	head, err := body.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) {
		if err := bodyError(err); planwatch.ErrorCode(err) == codeTooLarge {
			return err
		}
		return planwatch.Errorf(planwatch.EINVALID, "nội dung không đọc được / body unreadable: %v", err)
	}
	f := dataValueSetFormat(r, head)
	if f == exchange.Unknown {
		return planwatch.Errorf(planwatch.EINVALID, "định dạng không hỗ trợ / unsupported Content-Type %q: use application/json, application/csv, application/xml or application/adx+xml", r.Header.Get("Content-Type"))
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	opts, err := s.importOptions(r, snap, "api/dataValueSets", q.Get)
	if err != nil {
		return err
	}
	var in io.Reader = body
	if _, ok := s.store.(planwatch.StreamApplier); !ok || !exchange.Streams(f, head, opts) { // read whole
		if in, err = holdWhole(r, body); err != nil {
			return err
		}
	}
	sum, err := exchange.Import(r.Context(), requestApplier{s, r}, f, in, opts)
	if err != nil {
		return bodyError(err)
	}
	status := http.StatusOK
	if sum.Status == exchange.StatusError {
		status = http.StatusConflict
	}
	writeJSON(w, status, sum)
	return nil
}

// dataValueSetFormat is the format of a pushed body, from its Content-Type
// or, failing that, its first bytes (head).
func dataValueSetFormat(r *http.Request, head []byte) exchange.Format {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		return exchange.DHIS2JSON
	case "application/csv", "text/csv":
		return exchange.DHIS2CSV
	case "application/adx+xml":
		return exchange.ADX
	case "application/xml", "text/xml":
		if bytes.Contains(head, []byte("urn:ihe:qrph:adx")) {
			return exchange.ADX
		}
		return exchange.DHIS2XML
	}
	return exchange.Detect("", head)
}

// getDataValueSets exports current values as a DHIS2 data value set (JSON by
// default; CSV with format=csv or Accept: application/csv), filtered like
// DHIS2's: dataElement, orgUnit, period (repeatable), startDate/endDate as
// YYYY-MM-DD.
func (s *Server) getDataValueSets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	vq := planwatch.ValueQuery{Indicators: q["dataElement"], Units: q["orgUnit"]}
	var periods []planwatch.Period
	for _, id := range q["period"] {
		p, err := dhis2.ParsePeriod(id)
		if err != nil {
			return planwatch.Errorf(planwatch.EINVALID, "period %q: %v", id, err)
		}
		periods = append(periods, p)
	}
	vq.Periods = periods        // the store keeps those periods alone, before it counts them against the bound
	for _, p := range periods { // the months they span, for the store to read no others
		from, to := p.Year*100+p.First, p.Year*100+p.Last
		if vq.FromMonth == 0 || from < vq.FromMonth {
			vq.FromMonth = from
		}
		vq.ToMonth = max(vq.ToMonth, to)
	}
	if m, err := dateParam(q, "startDate"); err != nil {
		return err
	} else if m != 0 {
		vq.FromMonth = max(vq.FromMonth, m)
	}
	if m, err := dateParam(q, "endDate"); err != nil {
		return err
	} else if m != 0 && (vq.ToMonth == 0 || m < vq.ToMonth) {
		vq.ToMonth = m
	}
	values, err := s.answerValues(r.Context(), vq)
	if err != nil {
		return err
	}
	hideNames(r.Context(), values, nil)
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	f, ctype := exchange.DHIS2JSON, "application/json; charset=utf-8"
	if q.Get("format") == "csv" || strings.Contains(r.Header.Get("Accept"), "csv") {
		f, ctype = exchange.DHIS2CSV, "application/csv; charset=utf-8"
	}
	var b bytes.Buffer
	if err := exchange.Write(f, &b, values, snap.ds.Indicators(), dhis2.Mapping{}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	_, err = w.Write(b.Bytes())
	return err
}

// dateParam is the month (YYYYMM) of the date given as the query
// parameter name, YYYY-MM-DD or YYYY-MM; 0 when it is absent, EINVALID
// naming the parameter when it is malformed (a bound silently dropped would
// widen the answer).
func dateParam(q url.Values, name string) (int, error) {
	d := q.Get(name)
	if d == "" {
		return 0, nil
	}
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		t, err = time.Parse("2006-01", d)
	}
	if err != nil {
		return 0, planwatch.Errorf(planwatch.EINVALID, "%s %q: ngày phải có dạng YYYY-MM-DD / expected a date YYYY-MM-DD", name, d)
	}
	return t.Year()*100 + int(t.Month()), nil
}
