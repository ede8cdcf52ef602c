package web

import (
	"bytes"
	"net/http"
	"strings"

	"planwatch"
	"planwatch/exchange"
	"planwatch/web/i18n"
)

// The mapping page: the stored mappings of partner ids, a form to import
// one, and the ids of a refused upload that no mapping translates, with
// their mapping template.

type mappingsData struct {
	Mappings []mappingRow
	CanEdit  bool
	Name     string // the name in the import form
	// Of a refused upload: its file name and unmapped ids (the first 500).
	RefusedID     string
	RefusedFile   string
	Unmapped      []planwatch.MappingEntry
	UnmappedCount int
}

type mappingRow struct {
	Name    string
	Entries int
	By      string
	At      string
}

func (s *Server) mappingStore() (planwatch.MappingStore, error) {
	ms, ok := s.store.(planwatch.MappingStore)
	if !ok {
		return nil, planwatch.Errorf(planwatch.EINVALID, "kho dữ liệu không giữ bảng ánh xạ / this store keeps no mappings")
	}
	return ms, nil
}

func (s *Server) mappingsPage(w http.ResponseWriter, r *http.Request) (*page, mappingsData, error) {
	p := s.newPage(w, r, "mappings")
	d := mappingsData{CanEdit: authorize(p.User, s.cfg.PublicRead, AccessPlan, Scope{}) == nil}
	ms, err := s.mappingStore()
	if err != nil {
		return nil, d, err
	}
	list, err := ms.Mappings(r.Context())
	if err != nil {
		return nil, d, err
	}
	for _, m := range list {
		d.Mappings = append(d.Mappings, mappingRow{Name: m.Name, Entries: len(m.Entries), By: m.By, At: m.At.Format("2006-01-02 15:04")})
	}
	if id := r.URL.Query().Get("refused"); id != "" {
		if pu, ok := s.uploads.get(id, userName(r.Context())); ok {
			d.RefusedID, d.RefusedFile, d.UnmappedCount = id, pu.name, len(pu.unmapped)
			d.Unmapped = pu.unmapped[:min(len(pu.unmapped), 500)]
		}
	}
	return p, d, nil
}

// handleMappings shows the mapping page.
func (s *Server) handleMappings(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.mappingsPage(w, r)
	if err != nil {
		return err
	}
	p.D = d
	s.render(w, r, http.StatusOK, "mappings", p)
	return nil
}

// postMapping imports a mapping file under a name, replacing a mapping of
// that name; every bad row and unknown code is named, and then nothing is
// stored.
func (s *Server) postMapping(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.mappingsPage(w, r)
	if err != nil {
		return err
	}
	d.Name = strings.TrimSpace(r.PostFormValue("name"))
	_, data, err := readUploaded(r)
	var m planwatch.Mapping
	if err == nil {
		m, err = exchange.ReadMapping(bytes.NewReader(data), d.Name)
	}
	if err == nil {
		err = s.checkMapping(r, m)
	}
	if err == nil {
		ms, _ := s.mappingStore()
		m.By = userName(r.Context())
		err = ms.SaveMapping(r.Context(), m)
	}
	if err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return err
		}
		p.D = d
		s.render(w, r, http.StatusUnprocessableEntity, "mappings", p)
		return nil
	}
	p, d, err = s.mappingsPage(w, r)
	if err != nil {
		return err
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "mapping.saved", m.Name, len(m.Entries)))
	p.D = d
	s.render(w, r, http.StatusOK, "mappings", p)
	return nil
}

// checkMapping names the codes of a mapping that are not in the catalogue.
func (s *Server) checkMapping(r *http.Request, m planwatch.Mapping) error {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	units := map[string]bool{}
	for _, code := range snap.ds.Units().Codes() {
		units[code] = true
	}
	if ps := exchange.CheckMapping(m, snap.ds.Indicators(), units); len(ps) > 0 {
		return &planwatch.Error{Code: planwatch.EINVALID, Message: "bảng ánh xạ có mã không rõ / the mapping has unknown codes", Problems: ps}
	}
	return nil
}

// handleMappingTemplate downloads the mapping template of a refused upload:
// its unmapped ids, with the code column to fill in.
func (s *Server) handleMappingTemplate(w http.ResponseWriter, r *http.Request) error {
	pu, ok := s.uploads.get(r.URL.Query().Get("refused"), userName(r.Context()))
	if !ok || len(pu.unmapped) == 0 {
		return notFound("không còn tệp bị từ chối này, hãy tải lên lại / the refused file is gone: upload it again")
	}
	return writeMappingCSV(w, "mapping-template-"+safeFileName(strings.TrimSuffix(pu.name, ".csv")), pu.unmapped)
}

// handleMappingDownload downloads a stored mapping as its CSV file.
func (s *Server) handleMappingDownload(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.mappingStore()
	if err != nil {
		return err
	}
	m, err := ms.Mapping(r.Context(), strings.TrimSuffix(r.PathValue("name"), ".csv"))
	if err != nil {
		return err
	}
	return writeMappingCSV(w, m.Name, m.Entries)
}

func writeMappingCSV(w http.ResponseWriter, name string, entries []planwatch.MappingEntry) error {
	var b bytes.Buffer
	if err := exchange.WriteMapping(&b, entries); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFileName(name)+`.csv"`)
	_, err := w.Write(b.Bytes())
	return err
}
