// Package extract reads numeric facts out of Vietnamese socio-economic
// reports and news: each figure with its scale and unit, the period it refers
// to, the comparisons written next to it (% of plan, growth over the same
// period last year, change since a reference date), whether it is an
// estimate, and the catalogue indicator it measures.
//
// The rules are keyed to the phrasing patterns of Vietnamese reporting
// ("đạt X% kế hoạch", "tăng X% so với cùng kỳ", "bằng X% so với cùng kỳ",
// "so với 31/12/2021", "ước đạt", "lũy kế 8 tháng", "phấn đấu … đạt trên X%
// kế hoạch"), never to a particular document. Text that is not a fact (dates,
// map scales, km markers, plan terms, document numbers, phone numbers, file
// names, a trailing related-news block) is left out.
//
// Use:
//
//	x := extract.New(catalogue)
//	facts := x.Extract(text, extract.Options{})
//
// An Extractor is safe for concurrent use.
package extract

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"planwatch"
)

// Entry is one indicator of the catalogue the extractor matches facts to.
type Entry struct {
	Code   string // catalogue code, e.g. "trade.retail_sales_services"
	NameVI string // Vietnamese name
	Unit   string // display unit, e.g. "tỷ đồng", "%", "lượt khách"
	Kind   string // flow, stock, count, index, rate, average
}

// Options carry what the caller knows about the document.
type Options struct {
	// Date is the publication date. When zero, it is read from the text (a
	// date line such as "Cập nhật 15:20 08/07/2023" or "ngày 25 tháng 10 năm
	// 2023"), or the year from the headline.
	Date time.Time
	// FileDate is the date the file carries in its metadata (DOCX core
	// properties, PDF CreationDate, HTML article:published_time). It stands
	// in for a date line when the text has none; a file saved long after
	// the report (a different year from the one the headline states) is
	// not believed.
	FileDate time.Time
	// Place is the reporting unit. When empty, it is read from the text.
	Place string
}

// Kinds of fact.
const (
	Actual    = "actual"    // a reported figure
	Plan      = "plan"      // a target figure ("kế hoạch vốn năm 2023 được giao là …")
	Milestone = "milestone" // a target on the way to the plan ("phấn đấu hết quý II … đạt trên 60% kế hoạch")
	// PlanGrowth is a growth target ("tốc độ tăng trưởng GRDP 8-8,5%"): the
	// lower bound in YoYPct, the range as written in Range.
	PlanGrowth = "plan_growth"
)

// VsRef is a change against a reference: a date for stocks ("so với
// 31/12/2021", "so với đầu năm" → "2021-12-31") or the previous period
// ("so với tháng trước" → "2023-03").
type VsRef struct {
	Pct float64 `json:"pct"`
	Ref string  `json:"ref"`
}

// Fact is one numeric statement. Value is in base units (VND, USD, ha, …);
// it is nil for a growth-only statement ("chỉ số sản xuất công nghiệp tăng
// 6,4%") and for milestones. Start and End are character (rune) offsets of
// Sentence in the NFC-normalised text.
type Fact struct {
	Indicator  string            `json:"indicator"`
	Code       string            `json:"code"`
	Confidence float64           `json:"confidence"`
	Value      *float64          `json:"value"`
	Unit       string            `json:"unit"`
	Period     string            `json:"period"`
	Span       *planwatch.Period `json:"-"` // Period as a domain value; nil when null or multi-year
	Place      string            `json:"place"`
	PlanPct    *float64          `json:"plan_pct"`
	YoYPct     *float64          `json:"yoy_pct"`
	VsRef      *VsRef            `json:"vs_ref"`
	Estimate   bool              `json:"estimate"`
	Kind       string            `json:"kind"`
	Bound      string            `json:"bound,omitempty"` // "min" or "max" for milestones
	Sentence   string            `json:"sentence"`
	Start      int               `json:"start"`
	End        int               `json:"end"`

	PlanPctAlt *float64 `json:"plan_pct_alt,omitempty"` // a second plan base ("…, Y% dự toán HĐND tỉnh giao")
	PPChange   *float64 `json:"pp_change,omitempty"`    // change of a rate in percentage points
	SharePct   *float64 `json:"share_pct,omitempty"`    // "chiếm X% tổng …" next to a value
	YoYRealPct *float64 `json:"yoy_real_pct,omitempty"` // growth net of prices ("nếu loại trừ yếu tố giá")
	Qualifier  string   `json:"qualifier,omitempty"`    // khoảng, trên, hơn, gần
	Range      string   `json:"range,omitempty"`        // "7,5-8%": Value or YoYPct is the lower bound

	// Table, Row and Column point at the cell a fact was read from (from 1;
	// zero for a fact of the prose).
	Table  int `json:"table,omitempty"`
	Row    int `json:"row,omitempty"`
	Column int `json:"column,omitempty"`

	// anchor is the byte offset of the figure the fact was built from; used
	// to order and deduplicate.
	anchor int
	// carried is set when the period came from an earlier sentence, not
	// from one written in the fact's own sentence.
	carried bool
	// event is set when the period is an event's own dates ("từ ngày 14
	// đến 18/9"): it does not carry to the next sentence.
	event bool
}

// MarshalJSON writes the fact with its fields in a fixed order, a null code
// when it is unmatched and a null period when it has none.
func (f Fact) MarshalJSON() ([]byte, error) {
	var code, period *string
	if f.Code != "" {
		code = &f.Code
	}
	if f.Period != "" {
		period = &f.Period
	}
	return json.Marshal(struct {
		Indicator  string   `json:"indicator"`
		Code       *string  `json:"code"`
		Confidence float64  `json:"confidence"`
		Value      *float64 `json:"value"`
		Unit       string   `json:"unit"`
		Period     *string  `json:"period"`
		Place      string   `json:"place"`
		PlanPct    *float64 `json:"plan_pct"`
		YoYPct     *float64 `json:"yoy_pct"`
		VsRef      *VsRef   `json:"vs_ref"`
		Estimate   bool     `json:"estimate"`
		Kind       string   `json:"kind"`
		Bound      string   `json:"bound,omitempty"`
		PlanPctAlt *float64 `json:"plan_pct_alt,omitempty"`
		PPChange   *float64 `json:"pp_change,omitempty"`
		SharePct   *float64 `json:"share_pct,omitempty"`
		YoYRealPct *float64 `json:"yoy_real_pct,omitempty"`
		Qualifier  string   `json:"qualifier,omitempty"`
		Range      string   `json:"range,omitempty"`
		Table      int      `json:"table,omitempty"`
		Row        int      `json:"row,omitempty"`
		Column     int      `json:"column,omitempty"`
		Sentence   string   `json:"sentence"`
		Start      int      `json:"start"`
		End        int      `json:"end"`
	}{f.Indicator, code, f.Confidence, f.Value, f.Unit, period, f.Place, f.PlanPct, f.YoYPct, f.VsRef,
		f.Estimate, f.Kind, f.Bound, f.PlanPctAlt, f.PPChange, f.SharePct, f.YoYRealPct, f.Qualifier, f.Range,
		f.Table, f.Row, f.Column, f.Sentence, f.Start, f.End})
}

// Extractor finds facts and matches them to a catalogue.
type Extractor struct {
	matcher *matcher
}

// New returns an Extractor matching facts to the given catalogue (which may
// be empty: facts then keep only their own text).
func New(catalogue []Entry) *Extractor {
	return &Extractor{matcher: newMatcher(catalogue)}
}

// Extract returns the facts in text, in document order. The text is
// normalised to NFC first, so offsets refer to the normalised text.
func (x *Extractor) Extract(text string, opts Options) []Fact {
	facts, _ := x.ExtractContext(context.Background(), text, opts)
	return facts
}

// ExtractContext is Extract that stops when ctx is done (a client that has
// gone, a deadline), returning ctx's error and no facts.
func (x *Extractor) ExtractContext(ctx context.Context, text string, opts Options) ([]Fact, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	text = norm.NFC.String(text)
	d := newDoc(text, opts)
	d.done = ctx.Done()
	facts := d.build()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	facts = d.dropRestated(dedupe(facts))
	// Byte offsets become rune offsets in one pass over the text, in order.
	order := make([]int, len(facts))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return facts[order[a]].Start < facts[order[b]].Start })
	pos, runes := 0, 0
	for _, i := range order {
		f := &facts[i]
		if x.matcher != nil {
			f.Code, f.Confidence = x.matcher.match(f, d.sentenceOf(f.anchor))
		}
		runes += utf8.RuneCountInString(text[pos:f.Start])
		pos = f.Start
		f.Start = runes
		f.End = f.Start + utf8.RuneCountInString(f.Sentence)
	}
	return facts, nil
}

// dedupe drops a fact that repeats an earlier one word for word (a summary
// line restated in the body), keeping the later one, which sits in the body.
func dedupe(facts []Fact) []Fact {
	key := func(f *Fact) string {
		b, _ := json.Marshal(struct {
			V         *float64
			U, P, K   string
			Plan, YoY *float64
			Ref       *VsRef
			I         string
		}{f.Value, f.Unit, f.Period, f.Kind, f.PlanPct, f.YoYPct, f.VsRef, normKey(f.Indicator)})
		return string(b)
	}
	last := map[string]int{}
	for i := range facts {
		last[key(&facts[i])] = i
	}
	out := facts[:0:0]
	for i := range facts {
		if last[key(&facts[i])] == i {
			out = append(out, facts[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].anchor < out[j].anchor })
	return out
}

func normKey(s string) string { return strings.Join(strings.Fields(fold(s)), " ") }

// round keeps a computed percentage to the decimals it was written with, so
// 99,1 − 100 is −0,9 and not −0,9000000000000057.
func round(v float64, decimals int) float64 {
	if decimals < 0 {
		decimals = 0
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func ptr(v float64) *float64 { return &v }
