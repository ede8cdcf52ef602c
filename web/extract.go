package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"planwatch/document"
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
	File  []byte `json:"file"` // a document (Word, PDF, web page, workbook or text), base64 in JSON
	Date  string `json:"date"`
	Place string `json:"place"`
}

// read turns an uploaded document into the text to extract from, and
// passes the date its metadata carries.
func (req *extractRequest) read(ctx context.Context, opt *extract.Options) error {
	if len(req.File) == 0 {
		return nil
	}
	if len(req.File) > maxExtractFile {
		return tooLarge(maxExtractFile)
	}
	d, err := document.Read(ctx, req.File)
	if err != nil {
		return invalid("%v", err)
	}
	req.Text, opt.FileDate = d.Text, d.Date
	return nil
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

// Reading a text: at most maxExtractText bytes of text (a long report is a
// few hundred KiB), sent in a body of at most maxExtractBody (JSON or form
// escaping makes Vietnamese text up to six times longer). An uploaded
// document (Word, PDF, workbook) may be up to maxExtractFile bytes, and
// its text is then held to maxExtractText like a pasted one.
const (
	maxExtractText = 1 << 20
	maxExtractBody = 8 << 20
	maxExtractFile = 6 << 20 // within maxExtractBody, base64 in JSON included
)

// extract reads the facts of a text for a request: the text is bounded,
// at most as many extractions run at once as there are processors (the
// others wait their turn), and the work stops when the client goes away.
func (s *Server) extract(r *http.Request, snap *snapshot, text string, opt extract.Options) ([]extract.Fact, error) {
	if len(text) > maxExtractText {
		return nil, tooLarge(maxExtractText)
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalid("thiếu văn bản / text required")
	}
	ctx := r.Context()
	select {
	case s.extracting <- struct{}{}:
		defer func() { <-s.extracting }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.extractor(snap).ExtractContext(ctx, text, opt)
}

// apiExtract reads the facts of a text, {"text": "...", "date": "2022-04-07"},
// or of a document, {"file": "<base64 of a .docx, .pdf, .html, .xlsx or .txt>"}.
func (s *Server) apiExtract(w http.ResponseWriter, r *http.Request) error {
	var req extractRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	opt, err := req.options()
	if err != nil {
		return err
	}
	if err := req.read(r.Context(), &opt); err != nil {
		return err
	}
	if strings.TrimSpace(req.Text) == "" {
		return invalid("thiếu văn bản / text required")
	}
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	facts, err := s.extract(r, snap, req.Text, opt)
	if err != nil {
		return err
	}
	if facts == nil {
		facts = []extract.Fact{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"facts": facts})
	return nil
}
