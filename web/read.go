package web

import (
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"planwatch"
	"planwatch/extract"
	"planwatch/web/i18n"
)

type readData struct {
	Text     string
	Ref      string
	Date     string
	Segments []segment
	Facts    []factRow
	Options  []option // the catalogue, for matching a fact to an indicator
}

// segment is a run of the text; Mark runs are a fact's sentence.
type segment struct {
	Text string
	Mark bool
	ID   int
}

type factRow struct {
	N        int
	MarkID   int
	Fact     extract.Fact
	Include  bool
	Code     string
	Value    string
	Period   string
	PlanPct  string
	YoY      string
	Estimate bool
	Matched  string // the indicator name the extractor matched
	Sentence string
}

func (s *Server) handleRead(w http.ResponseWriter, r *http.Request) error {
	p, _, _, err := s.pageWithPickers(w, r, "read")
	if err != nil {
		return err
	}
	p.D = readData{}
	s.render(w, r, http.StatusOK, "read", p)
	return nil
}

func machineNumber(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', -1, 64)
}

// postRead extracts the facts of a pasted or uploaded text and shows them
// highlighted in the text, each editable before saving.
func (s *Server) postRead(w http.ResponseWriter, r *http.Request) error {
	p, snap, _, err := s.pageWithPickers(w, r, "read")
	if err != nil {
		return err
	}
	req := extractRequest{Text: r.PostFormValue("text"), Date: strings.TrimSpace(r.PostFormValue("date"))}
	ref := strings.TrimSpace(r.PostFormValue("ref"))
	if f, hdr, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, maxExtractFile+1))
		f.Close()
		if err != nil {
			return invalid("không đọc được tệp / could not read the file: %v", err)
		}
		if len(b) > maxExtractFile {
			return tooLarge(maxExtractFile)
		}
		req.File = b
		if ref == "" {
			ref = hdr.Filename
		}
	}
	if len(req.Text) > maxExtractText {
		return tooLarge(maxExtractText)
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
	text := norm.NFC.String(req.Text)
	if ref == "" {
		ref = firstLine(text)
	}
	facts, err := s.extract(r, snap, text, opt)
	if err != nil {
		return err
	}
	d := readData{Text: text, Ref: ref, Date: req.Date, Options: catalogueOptions(p.Lang, snap)}
	d.Segments, d.Facts = markFacts(text, facts)
	for i := range d.Facts {
		fr := &d.Facts[i]
		f := fr.Fact
		fr.Code, fr.Value, fr.Period = f.Code, machineNumber(f.Value), f.Period
		fr.PlanPct, fr.YoY, fr.Estimate, fr.Sentence = machineNumber(f.PlanPct), machineNumber(f.YoYPct), f.Estimate, f.Sentence
		fr.Include = f.Code != "" && f.Kind == extract.Actual && f.Period != "" && (f.Value != nil || f.PlanPct != nil || f.YoYPct != nil)
		if ind, ok := snap.ds.Indicators()[f.Code]; ok {
			fr.Matched = indicatorName(p.Lang, ind)
		}
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "read.found", len(facts)))
	p.D = d
	s.render(w, r, http.StatusOK, "read", p)
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return truncate(strings.TrimSpace(line), 120)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func catalogueOptions(lang string, snap *snapshot) []option {
	out := make([]option, 0, len(snap.inds))
	for _, ind := range snap.inds {
		out = append(out, option{ind.Code, indicatorName(lang, ind) + " (" + ind.Unit + ")"})
	}
	return out
}

// markFacts cuts the text into plain and marked runs from the facts' rune
// offsets; facts of one sentence share its mark.
func markFacts(text string, facts []extract.Fact) ([]segment, []factRow) {
	runes := []rune(text)
	type span struct{ start, end, id int }
	var spans []span
	rows := make([]factRow, len(facts))
	order := make([]int, len(facts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return facts[order[a]].Start < facts[order[b]].Start })
	for _, i := range order {
		f := facts[i]
		rows[i] = factRow{N: i + 1, Fact: f}
		start, end := max(0, f.Start), min(len(runes), f.End)
		if end <= start {
			continue
		}
		if n := len(spans); n > 0 && start < spans[n-1].end {
			// Overlaps the previous mark: share it.
			spans[n-1].end = max(spans[n-1].end, end)
			rows[i].MarkID = spans[n-1].id
			continue
		}
		spans = append(spans, span{start, end, i + 1})
		rows[i].MarkID = i + 1
	}
	var segs []segment
	pos := 0
	for _, sp := range spans {
		if sp.start > pos {
			segs = append(segs, segment{Text: string(runes[pos:sp.start])})
		}
		segs = append(segs, segment{Text: string(runes[sp.start:sp.end]), Mark: true, ID: sp.id})
		pos = sp.end
	}
	if pos < len(runes) {
		segs = append(segs, segment{Text: string(runes[pos:])})
	}
	return segs, rows
}

// postReadSave stores the confirmed facts as values whose source is the
// document and sentence they came from, all or nothing.
func (s *Server) postReadSave(w http.ResponseWriter, r *http.Request) error {
	p, snap, _, err := s.pageWithPickers(w, r, "read")
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.PostFormValue("n"))
	ref := r.PostFormValue("ref")
	unit := p.Unit
	var values []planwatch.DataValue
	num := func(i int, col, s string) *float64 {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			p.Problems = append(p.Problems, planwatch.Problem{Row: i, Column: col, Value: s, Reason: i18n.T(p.Lang, "entry.not_number")})
			return nil
		}
		return &x
	}
	for i := 1; i <= n && i <= 10000; i++ {
		k := strconv.Itoa(i)
		if r.PostFormValue("inc."+k) == "" {
			continue
		}
		code := r.PostFormValue("code." + k)
		if _, ok := snap.ds.Indicators()[code]; !ok {
			p.Problems = append(p.Problems, planwatch.Problem{Row: i, Column: i18n.T(p.Lang, "col.indicator"), Value: code, Reason: i18n.T(p.Lang, "read.no_indicator")})
			continue
		}
		per, err := planwatch.ParsePeriod(r.PostFormValue("period." + k))
		if err != nil {
			p.Problems = append(p.Problems, planwatch.Problem{Row: i, Column: i18n.T(p.Lang, "col.period"), Value: r.PostFormValue("period." + k), Reason: planwatch.ErrorMessage(err)})
			continue
		}
		v := planwatch.DataValue{
			Key:     planwatch.Key{Indicator: code, Unit: unit, Period: per},
			Basis:   planwatch.BasisPeriod,
			Vintage: planwatch.Official,
			Value:   num(i, i18n.T(p.Lang, "col.value"), r.PostFormValue("value."+k)),
			PlanPct: num(i, i18n.T(p.Lang, "col.plan"), r.PostFormValue("plan."+k)),
			YoY:     num(i, i18n.T(p.Lang, "col.growth"), r.PostFormValue("yoy."+k)),
			Source:  planwatch.Source{Kind: planwatch.SourceDocument, Ref: ref, Row: i, Sentence: r.PostFormValue("sentence." + k)},
		}
		if per.First == 1 && per.Months() > 1 && (per.Type == planwatch.MonthRange || per.Type == planwatch.QuarterRange) {
			v.Basis = planwatch.BasisCumulative
		}
		if r.PostFormValue("est."+k) != "" {
			v.Vintage = planwatch.Estimate
		}
		values = append(values, v)
	}
	var res planwatch.ApplyResult
	if len(p.Problems) == 0 {
		if len(values) == 0 {
			p.Problems = append(p.Problems, planwatch.Problem{Reason: i18n.T(p.Lang, "read.none_chosen")})
		} else if res, err = s.apply(r, &planwatch.ChangeSet{Values: values}); err != nil {
			if p.Problems = problemsOf(err); p.Problems == nil {
				return err
			}
		}
	}
	p.D = readData{Options: catalogueOptions(p.Lang, snap)}
	if len(p.Problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "read", p)
		return nil
	}
	p.Flash = append(p.Flash, i18n.T(p.Lang, "read.saved", len(values), res.Imported, res.Updated, res.Ignored))
	s.render(w, r, http.StatusOK, "read", p)
	return nil
}
