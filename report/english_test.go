package report

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func englishInput(t testing.TB, in Input) Input {
	in.Lang = "en"
	return in
}

func TestMarkdownGoldenEnglish(t *testing.T) {
	golden(t, "fixture-2022q1.en.md.golden", markdown(t, Build(englishInput(t, fixtureInput(t)))))
}

// englishNumber reads the figures of an English text: "5,953", "26.3",
// "VND 5,953 billion" (scaled), "755,950".
var englishNumber = regexp.MustCompile(`(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?( (?:trillion|billion|million|thousand)\b)?`)

func englishFigures(text string) []float64 {
	var out []float64
	for _, m := range englishNumber.FindAllStringSubmatch(text, -1) {
		x, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "")+m[2], 64)
		if err != nil {
			continue
		}
		out = append(out, x)
		switch strings.TrimSpace(m[3]) {
		case "trillion":
			out = append(out, x*1e12)
		case "billion":
			out = append(out, x*1e9)
		case "million":
			out = append(out, x*1e6)
		case "thousand":
			out = append(out, x*1e3)
		}
	}
	return out
}

// TestEnglishFigures writes the Lạng Sơn 2022Q1 report in English and finds
// every figure of the seed article in it, read with English number rules
// (a Vietnamese "34.050" would read as 34.05 and fail): each value at its
// scale, % of plan, growth and change against 31/12.
func TestEnglishFigures(t *testing.T) {
	seed := readSeedFacts(t)
	md := markdown(t, Build(englishInput(t, demoInput(t))))
	figures := englishFigures(md)
	has := func(x float64) bool {
		for _, f := range figures {
			if math.Abs(f-x) <= 1e-9*math.Max(1, math.Abs(x)) {
				return true
			}
		}
		return false
	}
	for _, sf := range seed {
		want := []*float64{sf.Value, sf.PlanPct, sf.YoYPct}
		if sf.VsRef != nil {
			want = append(want, &sf.VsRef.Pct)
		}
		for _, x := range want {
			if x != nil && !has(*x) {
				t.Errorf("English report lacks %v (seed: %q)", *x, sf.Sentence)
			}
		}
	}
	// Recorded notes and tasks stay as written; the report's own words are English.
	for _, bad := range []string{"tỷ đồng", "triệu USD", "lượt khách", "quý I", "NaN"} {
		if strings.Contains(md, bad) {
			t.Errorf("English report contains %q", bad)
		}
	}
	for _, want := range []string{
		"# Socio-economic situation in Q1 and priorities for Q2 2022",
		"Total retail sales of goods and consumer services revenue in Q1 reached VND 5,953 billion, 26.3% of the annual plan, up 7.35% over the same period last year.",
		"Funds mobilised by credit institutions in the province reached VND 34,050 billion, up 1.8% over 31 December 2021.",
		"Index of industrial production in Q1 rose 6.4% over the same period last year.",
		"## II. Overall assessment",
		"## III. Priorities for Q2 2022",
		"## Annex: Main indicators, Q1 2022",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("English report lacks %q", want)
		}
	}
}

// TestSameStructure: the English report has the Vietnamese one's headings,
// sections, sentences, charts, rankings and annex rows, one for one.
func TestSameStructure(t *testing.T) {
	vi := Build(demoInput(t))
	en := Build(englishInput(t, demoInput(t)))
	count := func(r *Report) []int {
		n := []int{len(r.Summary), len(r.Parts), len(r.Assessment.Highlights), len(r.Assessment.Shortcomings), len(r.Assessment.Missing),
			len(r.Tasks), len(r.Annex), len(r.Charts), len(r.Comparison)}
		for _, p := range r.Parts {
			for _, s := range p.Sections {
				n = append(n, len(s.Sentences), len(s.Notes), len(s.Missing))
			}
		}
		return n
	}
	if a, b := count(vi), count(en); !slices.Equal(a, b) {
		t.Errorf("structure differs: vi %v, en %v", a, b)
	}
	if len(vi.body()) != len(en.body()) {
		t.Errorf("blocks: vi %d, en %d", len(vi.body()), len(en.body()))
	}
	var b bytes.Buffer
	if err := en.WriteDOCX(&b); err != nil {
		t.Fatal(err)
	}
	if styles := string(docxPackage(t, b.Bytes())["word/styles.xml"]); !strings.Contains(styles, `<w:lang w:val="en-GB"/>`) {
		t.Error("the English DOCX is not marked as English for spelling")
	}
	if en.Letterhead.Kind != "REPORT" || en.Letterhead.Nation != "SOCIALIST REPUBLIC OF VIET NAM" || en.Letterhead.RecipientsTitle != "Recipients:" {
		t.Errorf("English letterhead: %+v", en.Letterhead)
	}
}
