package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"planwatch"
	"planwatch/document"
)

// TestEvalDev scores the extractor on testdata/eval-dev as its README says:
// milestones dropped on both sides, gold facts matched greedily on value and
// unit (or, for growth-only facts, on the growth or plan share), P/R/F1 over
// matches and "full" = matched with the same months, plan share, growth and
// reference change. It fails below 0.9 F1.
func TestEvalDev(t *testing.T) {
	tot, ok := scoreSet(t, evalDir)
	if !ok {
		t.Skipf("no eval-dev set under %s", evalDir)
	}
	if f := tot.f1(); f < 0.9 {
		t.Errorf("eval-dev F1 = %.3f, want ≥ 0.9", f)
	}
}

// scoreSet scores the extractor on every NAME.jsonl (gold) and NAME.txt
// (text) pair under dir with scoreFile, logs the per-file figures and their
// total, and returns the total; ok is false when dir holds no gold file.
func scoreSet(t *testing.T, dir string) (tot score, ok bool) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(paths) == 0 {
		return tot, false
	}
	sort.Strings(paths)
	x := New(loadCatalogue(t))
	var lines []string
	for _, p := range paths {
		gold := readGold(t, p)
		inputs := inputsOf(p)
		if len(inputs) == 0 {
			t.Fatalf("%s: no document beside it", p)
		}
		for _, in := range inputs {
			text, opts, err := readInput(t, in)
			if err != nil {
				// A PDF without pdftotext: that form is not scored.
				t.Logf("%s: not scored: %v", filepath.Base(in), err)
				continue
			}
			s := scoreFile(t, filepath.Base(in), gold, x.Extract(text, opts))
			lines = append(lines, formatScoreLine(filepath.Base(in), s))
			tot.add(s)
		}
	}
	lines = append(lines, formatScoreLine("TOTAL", tot))
	for _, l := range lines {
		t.Log(l)
	}
	return tot, true
}

// scoreWithFloors scores the set under dir and fails below the F1 and
// "full" floors given.
func scoreWithFloors(t *testing.T, dir string, minF1, minFull float64) {
	t.Helper()
	tot, ok := scoreSet(t, dir)
	if !ok {
		t.Fatalf("no held-out set under %s", dir)
	}
	if f := tot.f1(); f < minF1 {
		t.Errorf("%s: F1 = %.3f, want ≥ %.2f", dir, f, minF1)
	}
	if f := ratio(tot.full, tot.gold); f < minFull {
		t.Errorf("%s: full = %.3f, want ≥ %.2f", dir, f, minFull)
	}
}

// inputExts are the forms a scored document may take; every one present
// beside a gold file is scored against it.
var inputExts = []string{".txt", ".html", ".docx", ".xlsx", ".pdf"}

// inputsOf lists the documents beside the gold file p (NAME.jsonl).
func inputsOf(p string) []string {
	var out []string
	base := strings.TrimSuffix(p, ".jsonl")
	for _, ext := range inputExts {
		if _, err := os.Stat(base + ext); err == nil {
			out = append(out, base+ext)
		}
	}
	return out
}

// readInput reads a scored document as the command line would; it returns
// document.ErrNoPDFText for a PDF on a machine without pdftotext.
func readInput(t *testing.T, path string) (string, Options, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.Read(context.Background(), b)
	if errors.Is(err, document.ErrNoPDFText) {
		return "", Options{}, err
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d.Text, Options{FileDate: d.Date}, nil
}

func formatScoreLine(name string, s score) string {
	return name + strings.Repeat(" ", max(1, 40-len(name))) + s.String()
}

type score struct{ gold, pred, matched, full int }

func (s *score) add(o score) {
	s.gold += o.gold
	s.pred += o.pred
	s.matched += o.matched
	s.full += o.full
}

func (s score) p() float64 { return ratio(s.matched, s.pred) }
func (s score) r() float64 { return ratio(s.matched, s.gold) }
func (s score) f1() float64 {
	if s.p()+s.r() == 0 {
		return 0
	}
	return 2 * s.p() * s.r() / (s.p() + s.r())
}

func (s score) String() string {
	return fmt.Sprintf("gold %3d pred %3d  P %.2f R %.2f F1 %.2f full %.2f", s.gold, s.pred, s.p(), s.r(), s.f1(), ratio(s.full, s.gold))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func scoreFile(t *testing.T, name string, gold []goldFact, pred []Fact) score {
	var g []goldFact
	for _, f := range gold {
		if f.Kind != Milestone {
			g = append(g, f)
		}
	}
	var p []Fact
	for _, f := range pred {
		if f.Kind != Milestone {
			p = append(p, f)
		}
	}
	s := score{gold: len(g), pred: len(p)}
	used := make([]bool, len(p))
	for _, gf := range g {
		k := -1
		for i, pf := range p {
			if !used[i] && valueMatches(gf, pf) {
				k = i
				break
			}
		}
		if k < 0 {
			t.Logf("  %s MISSED %s", name, js(gf))
			continue
		}
		used[k] = true
		s.matched++
		if why := fullyRight(gf, p[k]); why == "" {
			s.full++
		} else {
			t.Logf("  %s PARTIAL (%s) gold %s\n      pred %s", name, why, js(gf), js(p[k]))
		}
	}
	for i, pf := range p {
		if !used[i] {
			t.Logf("  %s EXTRA %s", name, js(pf))
		}
	}
	return s
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func near(a, b float64) bool {
	if math.Abs(b) < 1000 {
		return math.Abs(a-b) <= 0.051
	}
	return math.Abs(a-b) <= 0.005*math.Abs(b)
}

func nearPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return near(*a, *b)
}

func valueMatches(g goldFact, p Fact) bool {
	if g.Value == nil {
		if g.YoYPct == nil && g.PlanPct == nil && g.VsRef != nil {
			// A second reference of the same index ("…, tăng 2,15% so
			// với tháng 12 năm trước và …"): only the change is there.
			return p.Value == nil && p.YoYPct == nil && p.PlanPct == nil && p.VsRef != nil &&
				near(p.VsRef.Pct, g.VsRef.Pct) && p.VsRef.Ref == g.VsRef.Ref
		}
		return p.Value == nil && ((g.YoYPct != nil && nearPtr(p.YoYPct, g.YoYPct)) || (g.PlanPct != nil && nearPtr(p.PlanPct, g.PlanPct)))
	}
	return p.Value != nil && near(*p.Value, *g.Value) && unitsCompatible(g.Unit, p.Unit)
}

func canonUnit(u string) string {
	switch strings.ToLower(strings.TrimSpace(u)) {
	case "vnd", "đồng", "vnđ":
		return "VND"
	case "usd":
		return "USD"
	case "ha", "héc ta":
		return "ha"
	}
	return strings.ToLower(strings.TrimSpace(u))
}

func unitsCompatible(a, b string) bool {
	a, b = canonUnit(a), canonUnit(b)
	if a == "VND" || a == "USD" || b == "VND" || b == "USD" {
		return a == b
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

// fullyRight returns "" when the matched fact has the gold period (by months
// covered), plan share, growth and reference change, or what differs.
func fullyRight(g goldFact, p Fact) string {
	gp := ""
	if g.Period != nil {
		gp = *g.Period
	}
	if !samePeriod(gp, p.Period) {
		return "period " + gp + " vs " + p.Period
	}
	if !nearPtr(p.PlanPct, g.PlanPct) {
		return "plan_pct"
	}
	if !nearPtr(p.YoYPct, g.YoYPct) {
		return "yoy_pct"
	}
	if g.Kind != p.Kind {
		return "kind " + g.Kind + " vs " + p.Kind
	}
	if (g.VsRef == nil) != (p.VsRef == nil) || g.VsRef != nil && (!near(g.VsRef.Pct, p.VsRef.Pct) || g.VsRef.Ref != p.VsRef.Ref) {
		return "vs_ref"
	}
	return ""
}

func samePeriod(a, b string) bool {
	if a == b {
		return true
	}
	pa, ea := planwatch.ParsePeriod(a)
	pb, eb := planwatch.ParsePeriod(b)
	return ea == nil && eb == nil && pa.SameMonths(pb)
}

// TestScorerSelf checks the scorer the README way: the gold scored against
// itself is perfect, and its period comparison goes by months covered.
func TestScorerSelf(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(evalDir, "*.jsonl"))
	if len(paths) == 0 {
		t.Skipf("no eval-dev set under %s", evalDir)
	}
	var tot score
	for _, p := range paths {
		gold := readGold(t, p)
		var pred []Fact
		for _, g := range gold {
			f := Fact{Value: g.Value, Unit: g.Unit, PlanPct: g.PlanPct, YoYPct: g.YoYPct, VsRef: g.VsRef, Kind: g.Kind}
			if g.Period != nil {
				f.Period = *g.Period
			}
			pred = append(pred, f)
		}
		tot.add(scoreFile(t, filepath.Base(p), gold, pred))
	}
	if tot.f1() != 1 || tot.full != tot.gold {
		t.Errorf("gold vs itself: %s", tot)
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{{"2023Q2", "2023M04-M06", true}, {"2023S1", "202301-202306", true}, {"2023M06", "2023S1", false}, {"2021-2023", "2021-2023", true}, {"", "2023", false}} {
		if got := samePeriod(c.a, c.b); got != c.same {
			t.Errorf("samePeriod(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
