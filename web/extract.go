package web

import (
	"net/http"
	"strings"
	"time"

	"planwatch/extract"
)

// extractor returns the fact extractor for the current catalogue.
func (s *Server) extractor(snap *snapshot) *extract.Extractor {
	snap.extractOnce.Do(func() {
		entries := make([]extract.Entry, 0, len(snap.inds))
		for _, ind := range snap.inds {
			entries = append(entries, extract.Entry{Code: ind.Code, NameVI: ind.NameVI, Unit: ind.Unit, Kind: string(ind.Kind)})
		}
		snap.extractor = extract.New(entries)
	})
	return snap.extractor
}

type extractRequest struct {
	Text  string `json:"text"`
	Date  string `json:"date"`
	Place string `json:"place"`
}

func (req extractRequest) options() (extract.Options, error) {
	opt := extract.Options{Place: req.Place}
	if req.Date != "" {
		d, err := time.Parse("2006-01-02", req.Date)
		if err != nil {
			return opt, invalid("date %q: expected YYYY-MM-DD", req.Date)
		}
		opt.Date = d
	}
	return opt, nil
}

// apiExtract reads the facts of a text: {"text": "...", "date": "2022-04-07"}.
func (s *Server) apiExtract(w http.ResponseWriter, r *http.Request) error {
	var req extractRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Text) == "" {
		return invalid("thiếu văn bản / text required")
	}
	opt, err := req.options()
	if err != nil {
		return err
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	facts := s.extractor(snap).Extract(req.Text, opt)
	if facts == nil {
		facts = []extract.Fact{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"facts": facts})
	return nil
}
