package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"planwatch"
	"planwatch/exchange"
	"planwatch/web/i18n"
)

// uploads holds files between their preview and their commit.
type uploads struct {
	mu    sync.Mutex
	items map[string]*pendingUpload
	seq   int
}

type pendingUpload struct {
	name    string
	data    []byte     // the file as uploaded (any supported format)
	choices url.Values // the import choices made with it (mapping, idScheme …)
	// unmapped are the partner ids of a refused file no mapping translates,
	// kept for its mapping template.
	unmapped []planwatch.MappingEntry
	by       string
	at       time.Time
	seq      int // order of arrival
}

// pendingTTL is how long a previewed file waits for its commit.
const pendingTTL = time.Hour

// The previews waiting for their commit are held in memory: a user keeps
// the newest maxPendingPerUser, all users together at most maxPendingBytes
// of files (a variable for its test), the oldest dropped first.
const maxPendingPerUser = 3

var maxPendingBytes int64 = 4 * maxUpload

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
	u.seq++
	p.seq = u.seq
	u.items[id] = p
	// Oldest first, drop what is beyond the bounds (never p itself).
	ids := make([]string, 0, len(u.items))
	var held int64
	mine := 0
	for k, v := range u.items {
		ids = append(ids, k)
		held += int64(len(v.data))
		if v.by == p.by {
			mine++
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return u.items[a].seq - u.items[b].seq })
	for _, k := range ids {
		v := u.items[k]
		if k == id || held <= maxPendingBytes && (v.by != p.by || mine <= maxPendingPerUser) {
			continue
		}
		if v.by == p.by {
			mine--
		}
		held -= int64(len(v.data))
		delete(u.items, k)
	}
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

// get returns an upload of the user without taking it.
func (u *uploads) get(id, by string) (*pendingUpload, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p, ok := u.items[id]
	if !ok || p.by != by {
		return nil, false
	}
	return p, true
}

type uploadData struct {
	FileName string
	ID       string
	Rows     []uploadRow
	More     int
	Result   planwatch.ApplyResult
	// The import choices of the form, and the stored mappings to choose from.
	Choices  uploadChoices
	Mappings []string
	// Of a refused file: conflicts by kind, and the partner ids no mapping
	// translates (the first 50), with the id of its mapping template.
	Kinds         []exchange.ConflictKind
	Unmapped      []planwatch.MappingEntry
	UnmappedCount int
	RefusedID     string
	// Partial: atomicMode=NONE, the valid part of the file will be stored.
	Partial bool
}

type uploadRow struct {
	Row       int
	Indicator string
	Unit      string
	Period    string
	Value     string
}

// uploadChoices are the DHIS2 import parameters the upload form offers.
type uploadChoices struct {
	Mapping, IDScheme, Strategy, Atomic string
}

// choiceNames are the form fields of the choices, named as DHIS2's parameters.
var choiceNames = []string{"mapping", "idScheme", "importStrategy", "atomicMode"}

func choicesOf(v url.Values) uploadChoices {
	return uploadChoices{Mapping: v.Get("mapping"), IDScheme: v.Get("idScheme"), Strategy: v.Get("importStrategy"), Atomic: v.Get("atomicMode")}
}

// uploadForm is the data of an empty upload page: the stored mappings.
func (s *Server) uploadForm(r *http.Request, choices url.Values) (uploadData, error) {
	d := uploadData{Choices: choicesOf(choices)}
	if ms, ok := s.store.(planwatch.MappingStore); ok {
		list, err := ms.Mappings(r.Context())
		if err != nil {
			return d, err
		}
		for _, m := range list {
			d.Mappings = append(d.Mappings, m.Name)
		}
	}
	return d, nil
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) error {
	p, _, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	d, err := s.uploadForm(r, r.URL.Query())
	if err != nil {
		return err
	}
	p.D = d
	s.render(w, r, http.StatusOK, "upload", p)
	return nil
}

// readUpload reads an uploaded file through package exchange, the one reader
// of incoming files (planwatch's CSV and workbooks, the data-entry
// workbook, DHIS2 data value sets, SDMX-CSV), with the choices of the form,
// and checks it with the store in a dry run. It returns what would be
// stored (without what atomicMode=NONE refuses) and the summary.
func (s *Server) readUpload(r *http.Request, snap *snapshot, name string, data []byte, choices url.Values) (*planwatch.ChangeSet, exchange.Summary, error) {
	opts, err := s.importOptions(r, snap, name, choices.Get)
	if err != nil {
		return nil, exchange.Summary{}, err
	}
	f := exchange.Detect(name, data[:min(len(data), 4096)])
	if f == exchange.Unknown {
		f = exchange.Native
	}
	cs, rd, err := exchange.ReadAll(f, bytes.NewReader(data), opts)
	if err != nil {
		return nil, exchange.Summary{}, err
	}
	opts.DryRun = true
	sum, err := exchange.ImportRead(r.Context(), requestApplier{s, r}, cs, rd, opts)
	return cs, sum, err
}

// summaryProblems are the listed conflicts of a summary, as problems the
// page names by row and column.
func summaryProblems(sum exchange.Summary) []planwatch.Problem {
	var out []planwatch.Problem
	for _, c := range sum.Conflicts {
		reason := c.Reason
		if c.Object != "" && c.Object != c.Property {
			reason = c.Object + ": " + reason
		}
		out = append(out, planwatch.Problem{Row: c.Row, Column: c.Property, Value: c.Value, Reason: reason})
	}
	if n := sum.ConflictCount - len(sum.Conflicts); n > 0 {
		out = append(out, planwatch.Problem{More: n, Reason: fmt.Sprintf("… và %d lỗi khác không liệt kê / %d more problems not listed", n, n)})
	}
	return out
}

// readUploaded reads the posted file as it is, in the request's turn
// (holdWhole).
func readUploaded(r *http.Request) (name string, data []byte, err error) {
	if _, err := holdWhole(r, nil); err != nil {
		return "", nil, err
	}
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
// and shows a preview with a commit button, or every bad row and column,
// the kinds of conflicts, and the partner ids to map with a mapping
// template to download.
func (s *Server) postUpload(w http.ResponseWriter, r *http.Request) error {
	p, snap, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	choices := url.Values{}
	for _, n := range choiceNames {
		if v := r.PostFormValue(n); v != "" {
			choices.Set(n, v)
		}
	}
	d, err := s.uploadForm(r, choices)
	if err != nil {
		return err
	}
	name, data, err := readUploaded(r)
	d.FileName = name
	var cs *planwatch.ChangeSet
	var sum exchange.Summary
	if err == nil {
		cs, sum, err = s.readUpload(r, snap, name, data, choices)
	}
	if err != nil {
		return s.uploadRefused(w, r, p, d, err)
	}
	if sum.Status == exchange.StatusError {
		p.Problems = summaryProblems(sum)
		d.Kinds, d.UnmappedCount = sum.ConflictKinds, len(sum.Unmapped)
		d.Unmapped = sum.Unmapped[:min(len(sum.Unmapped), 50)]
		if len(sum.Unmapped) > 0 {
			d.RefusedID = s.uploads.put(&pendingUpload{name: name, unmapped: sum.Unmapped, by: userName(r.Context()), at: s.now()}, s.now())
		}
		p.Flash = nil
		p.D = d
		s.render(w, r, http.StatusUnprocessableEntity, "upload", p)
		return nil
	}
	if sum.Status == exchange.StatusWarning {
		d.Partial, d.Kinds = true, sum.ConflictKinds
		p.Warnings = append(p.Warnings, sum.Description)
		for _, pr := range summaryProblems(sum) {
			p.Warnings = append(p.Warnings, pr.String())
		}
	}
	d.Result = planwatch.ApplyResult{Imported: sum.ImportCount.Imported, Updated: sum.ImportCount.Updated,
		Ignored: sum.ImportCount.Ignored, Deleted: sum.ImportCount.Deleted}
	for i, v := range cs.Values {
		if i == 100 {
			d.More = len(cs.Values) - i
			break
		}
		row := uploadRow{Row: v.Source.Row, Indicator: v.Indicator, Unit: v.Unit, Period: v.Period.Label(p.Lang)}
		if ind, ok := snap.ds.Indicators()[v.Indicator]; ok {
			row.Indicator = indicatorName(p.Lang, ind)
			if v.Value != nil {
				row.Value = formatAmount(p.Lang, ind, *v.Value)
			}
		}
		row.Unit = unitName(snap, v.Unit, v.Period)
		d.Rows = append(d.Rows, row)
	}
	d.ID = s.uploads.put(&pendingUpload{name: name, data: data, choices: choices, by: userName(r.Context()), at: s.now()}, s.now())
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

// readPending reads a previewed file again, with the choices it was
// checked with.
func (s *Server) readPending(r *http.Request, pu *pendingUpload) (*planwatch.ChangeSet, *exchange.Reading, exchange.Options, error) {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return nil, nil, exchange.Options{}, err
	}
	opts, err := s.importOptions(r, snap, pu.name, pu.choices.Get)
	if err != nil {
		return nil, nil, opts, err
	}
	f := exchange.Detect(pu.name, pu.data[:min(len(pu.data), 4096)])
	if f == exchange.Unknown {
		f = exchange.Native
	}
	cs, rd, err := exchange.ReadAll(f, bytes.NewReader(pu.data), opts)
	return cs, rd, opts, err
}

// importUpload stores a previewed file with the choices it was checked
// with: all or nothing, unless atomicMode=NONE was chosen.
func (s *Server) importUpload(r *http.Request, pu *pendingUpload) (exchange.Summary, error) {
	cs, rd, opts, err := s.readPending(r, pu)
	if err != nil {
		return exchange.Summary{}, err
	}
	return exchange.ImportRead(r.Context(), requestApplier{s, r}, cs, rd, opts)
}

// postUploadCommit stores a previewed file.
func (s *Server) postUploadCommit(w http.ResponseWriter, r *http.Request) error {
	pu, ok := s.uploads.take(r.PostFormValue("id"), userName(r.Context()))
	if !ok || pu.data == nil {
		return invalid("tệp đã hết hạn, hãy tải lên lại / the previewed file has expired: upload it again")
	}
	p, _, _, err := s.pageWithPickers(w, r, "upload")
	if err != nil {
		return err
	}
	if bytes.Count(pu.data, []byte("\n")) > streamRows {
		return s.commitStreamed(w, r, p, pu)
	}
	d, err := s.uploadForm(r, pu.choices)
	if err != nil {
		return err
	}
	d.FileName = pu.name
	sum, err := s.importUpload(r, pu)
	if err != nil {
		return s.uploadRefused(w, r, p, d, err)
	}
	if sum.Status == exchange.StatusError {
		p.Problems = summaryProblems(sum)
		p.D = d
		s.render(w, r, http.StatusUnprocessableEntity, "upload", p)
		return nil
	}
	c := sum.ImportCount
	p.Flash = append(p.Flash, i18n.T(p.Lang, "upload.saved", pu.name, c.Imported, c.Updated, c.Ignored))
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
	fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title><link rel="stylesheet" href="%s"></head><body><main><h1>%s</h1><ol class="progress" id="progress">`+"\n",
		p.Lang, template.HTMLEscapeString(i18n.T(p.Lang, "page.upload")), staticURL("style.css"), template.HTMLEscapeString(pu.name))
	step("upload.step_read")
	cs, rd, opts, err := s.readPending(r, pu)
	var sum exchange.Summary
	if err == nil {
		step("upload.step_write", len(cs.Values)+len(cs.Targets))
		sum, err = exchange.ImportRead(r.Context(), requestApplier{s, r}, cs, rd, opts)
	}
	fmt.Fprint(w, "</ol>\n")
	switch {
	case err != nil:
		fmt.Fprintf(w, `<div class="flash bad" role="alert" id="problems"><p>%s</p><ul>`, template.HTMLEscapeString(planwatch.ErrorMessage(err)))
		for _, pr := range problemsOf(err) {
			fmt.Fprintf(w, "<li>%s</li>", template.HTMLEscapeString(pr.String()))
		}
		fmt.Fprint(w, "</ul></div>")
	case sum.Status == exchange.StatusError:
		fmt.Fprintf(w, `<div class="flash bad" role="alert" id="problems"><p>%s</p><ul>`, template.HTMLEscapeString(sum.Description))
		for _, pr := range summaryProblems(sum) {
			fmt.Fprintf(w, "<li>%s</li>", template.HTMLEscapeString(pr.String()))
		}
		fmt.Fprint(w, "</ul></div>")
	default:
		c := sum.ImportCount
		fmt.Fprintf(w, `<p class="flash ok" role="status">%s</p>`, template.HTMLEscapeString(i18n.T(p.Lang, "upload.saved", pu.name, c.Imported, c.Updated, c.Ignored)))
	}
	fmt.Fprintf(w, `<p><a href="%s">%s</a></p></main></body></html>`, template.HTMLEscapeString(string(link("/", "unit", p.Unit, "period", p.Period))), template.HTMLEscapeString(i18n.T(p.Lang, "error.home")))
	return nil
}
