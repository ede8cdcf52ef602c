package web

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"planwatch"
	"planwatch/exchange"
	"planwatch/nativecsv"
	"planwatch/sheet"
	"planwatch/web/i18n"
)

// uploads holds files between their preview and their commit.
type uploads struct {
	mu    sync.Mutex
	items map[string]*pendingUpload
}

type pendingUpload struct {
	name string
	csv  []byte // the file as uploaded (any supported format)
	by   string
	at   time.Time
}

// pendingTTL is how long a previewed file waits for its commit.
const pendingTTL = time.Hour

func (u *uploads) put(p *pendingUpload, now time.Time) string {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, v := range u.items {
		if now.Sub(v.at) > pendingTTL {
			delete(u.items, k)
		}
	}
	u.items[id] = p
	return id
}

func (u *uploads) take(id, by string) (*pendingUpload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p, ok := u.items[id]
	if !ok || p.by != by {
		return nil, false
	}
	delete(u.items, id)
	return p, true
}

type uploadData struct {
	FileName string
	ID       string
	Rows     []uploadRow
	More     int
	Result   planwatch.ApplyResult
}

type uploadRow struct {
	Row       int
	Indicator string
	Unit      string
	Period    string
	Value     string
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) error {
	p, _, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	p.D = uploadData{}
	s.render(w, r, http.StatusOK, "upload", p)
	return nil
}

// xlsxToCSV turns the first sheet of a workbook into CSV text, so that both
// formats go through the same reader and name rows the same way.
func xlsxToCSV(data []byte) ([]byte, error) {
	f, err := sheet.Open(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid("tệp XLSX không có trang tính / workbook has no sheet")
	}
	rows, err := sheet.Rows(f, sheets[0])
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	for _, row := range rows {
		for len(row) < width {
			row = append(row, "")
		}
		cw.Write(row)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// readChangeSet reads an uploaded file of any supported format: DHIS2 data
// value sets (JSON, CSV, XML, ADX) and SDMX-CSV through package exchange, with
// every conflict named by line and column; planwatch's own CSV, and XLSX
// workbooks with its columns on the first sheet, through nativecsv.
func (s *Server) readChangeSet(snap *snapshot, name string, data []byte, by string) (*planwatch.ChangeSet, error) {
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		csvData, err := xlsxToCSV(data)
		if err != nil {
			return nil, err
		}
		return nativecsv.Read(bytes.NewReader(csvData), name)
	}
	switch f := exchange.Detect(name, data[:min(len(data), 4096)]); f {
	case exchange.DHIS2JSON, exchange.DHIS2CSV, exchange.DHIS2XML, exchange.ADX, exchange.SDMXCSV:
		opts := exchange.Options{Ref: name, By: by, Now: s.now(), Indicators: snap.ds.Indicators, Units: map[string]bool{}}
		for _, code := range snap.ds.Units.Codes() {
			opts.Units[code] = true
		}
		cs, conflicts, err := exchange.Read(f, bytes.NewReader(data), opts)
		if err != nil {
			return nil, err
		}
		if len(conflicts) > 0 {
			e := &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: tệp có lỗi, không có dữ liệu nào được nhập / the file has errors, nothing was imported", name)}
			for _, c := range conflicts {
				e.Problems = planwatch.AddProblem(e.Problems, planwatch.Problem{Row: c.Row, Column: c.Element, Value: c.Value, Reason: c.Object + ": " + c.Reason})
			}
			return nil, e
		}
		return cs, nil
	}
	return nativecsv.Read(bytes.NewReader(data), name)
}

// readUploaded reads the posted file as it is.
func readUploaded(r *http.Request) (name string, data []byte, err error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, invalid("chưa chọn tệp / no file chosen")
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	if err != nil {
		return "", nil, invalid("không đọc được tệp / could not read the file: %v", err)
	}
	return filepath.Base(hdr.Filename), data, nil
}

// problemsOf returns the problems of an EINVALID error (one with the message
// when it has none), or nil for other errors.
func problemsOf(err error) []planwatch.Problem {
	var pe *planwatch.Error
	if !asError(err, &pe) || pe.Code != planwatch.EINVALID {
		return nil
	}
	if len(pe.Problems) == 0 {
		return []planwatch.Problem{{Reason: pe.Message}}
	}
	return pe.Problems
}

// postUpload checks a file completely (reader, then a dry run of the store)
// and shows a preview with a commit button, or every bad row and column.
func (s *Server) postUpload(w http.ResponseWriter, r *http.Request) error {
	p, snap, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	d := uploadData{}
	name, data, err := readUploaded(r)
	d.FileName = name
	var cs *planwatch.ChangeSet
	if err == nil {
		cs, err = s.readChangeSet(snap, name, data, userName(r.Context()))
	}
	if err == nil {
		cs.DryRun = true
		d.Result, err = s.apply(r, cs)
	}
	if err != nil {
		return s.uploadRefused(w, r, p, d, err)
	}
	for i, v := range cs.Values {
		if i == 100 {
			d.More = len(cs.Values) - i
			break
		}
		row := uploadRow{Row: v.Source.Row, Indicator: v.Indicator, Unit: v.Unit, Period: v.Period.Label(p.Lang)}
		if ind, ok := snap.ds.Indicators[v.Indicator]; ok {
			row.Indicator = indicatorName(p.Lang, ind)
			if v.Value != nil {
				row.Value = formatAmount(p.Lang, ind, *v.Value)
			}
		}
		row.Unit = unitName(snap, v.Unit, v.Period)
		d.Rows = append(d.Rows, row)
	}
	d.ID = s.uploads.put(&pendingUpload{name: name, csv: data, by: userName(r.Context()), at: s.now()}, s.now())
	p.Flash = append(p.Flash, i18n.T(p.Lang, "upload.checked", len(cs.Values)+len(cs.Targets), d.Result.Imported, d.Result.Updated, d.Result.Ignored))
	p.D = d
	s.render(w, r, http.StatusOK, "upload", p)
	return nil
}

// uploadRefused shows the upload page with the rows and columns err names
// (422), or returns err when it names none.
func (s *Server) uploadRefused(w http.ResponseWriter, r *http.Request, p *page, d uploadData, err error) error {
	if p.Problems = problemsOf(err); p.Problems == nil {
		return err
	}
	p.D = d
	s.render(w, r, http.StatusUnprocessableEntity, "upload", p)
	return nil
}

// postUploadCommit stores a previewed file, all or nothing.
func (s *Server) postUploadCommit(w http.ResponseWriter, r *http.Request) error {
	pu, ok := s.uploads.take(r.PostFormValue("id"), userName(r.Context()))
	if !ok {
		return invalid("tệp đã hết hạn, hãy tải lên lại / the previewed file has expired: upload it again")
	}
	p, snap, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	if bytes.Count(pu.csv, []byte("\n")) > streamRows {
		return s.commitStreamed(w, r, p, pu)
	}
	d := uploadData{FileName: pu.name}
	cs, err := s.readChangeSet(snap, pu.name, pu.csv, pu.by)
	if err == nil {
		d.Result, err = s.apply(r, cs)
	}
	if err != nil {
		return s.uploadRefused(w, r, p, d, err)
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "upload.saved", pu.name, d.Result.Imported, d.Result.Updated, d.Result.Ignored))
	p.D = d
	s.render(w, r, http.StatusOK, "upload", p)
	return nil
}

// streamRows is the size above which a commit streams its progress.
var streamRows = 2000

// commitStreamed stores a big file while telling the browser what it is
// doing, stage by stage, so a long import is not a blank wait.
func (s *Server) commitStreamed(w http.ResponseWriter, r *http.Request, p *page, pu *pendingUpload) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fl, _ := w.(http.Flusher)
	step := func(key string, args ...any) {
		fmt.Fprintf(w, "<li>%s</li>\n", template.HTMLEscapeString(i18n.T(p.Lang, key, args...)))
		if fl != nil {
			fl.Flush()
		}
	}
	fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title><link rel="stylesheet" href="/static/style.css"></head><body><main><h1>%s</h1><ol class="progress" id="progress">`+"\n",
		p.Lang, template.HTMLEscapeString(i18n.T(p.Lang, "page.upload")), template.HTMLEscapeString(pu.name))
	step("upload.step_read")
	snap, err := s.snapshot(r.Context())
	var cs *planwatch.ChangeSet
	if err == nil {
		cs, err = s.readChangeSet(snap, pu.name, pu.csv, pu.by)
	}
	var res planwatch.ApplyResult
	if err == nil {
		step("upload.step_write", len(cs.Values)+len(cs.Targets))
		res, err = s.apply(r, cs)
	}
	fmt.Fprint(w, "</ol>\n")
	if err != nil {
		fmt.Fprintf(w, `<div class="flash bad" role="alert" id="problems"><p>%s</p><ul>`, template.HTMLEscapeString(planwatch.ErrorMessage(err)))
		for _, pr := range problemsOf(err) {
			fmt.Fprintf(w, "<li>%s</li>", template.HTMLEscapeString(pr.String()))
		}
		fmt.Fprint(w, "</ul></div>")
	} else {
		fmt.Fprintf(w, `<p class="flash ok" role="status">%s</p>`, template.HTMLEscapeString(i18n.T(p.Lang, "upload.saved", pu.name, res.Imported, res.Updated, res.Ignored)))
	}
	fmt.Fprintf(w, `<p><a href="%s">%s</a></p></main></body></html>`, template.HTMLEscapeString(string(link("/", "unit", p.Unit, "period", p.Period))), template.HTMLEscapeString(i18n.T(p.Lang, "error.home")))
	return nil
}
