package extract

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"planwatch/document"
)

// convertWithLibreOffice converts every file in paths to the given format
// ("docx", "pdf") in dir, or skips when LibreOffice is not installed.
func convertWithLibreOffice(t *testing.T, dir, format string, paths []string) {
	t.Helper()
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("LibreOffice (soffice) is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", format, "--outdir", dir}, paths...)
	if out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// factKey is what must agree between a document's forms: the figure and
// everything said about it, not where it sits in the text.
func factKey(f Fact) string {
	num := func(x *float64) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprint(*x)
	}
	ref := "-"
	if f.VsRef != nil {
		ref = fmt.Sprint(f.VsRef.Pct, "@", f.VsRef.Ref)
	}
	return strings.Join([]string{f.Code, num(f.Value), f.Unit, f.Period, num(f.PlanPct), num(f.YoYPct), ref,
		fmt.Sprint(f.Estimate), f.Kind}, " ")
}

func factKeys(facts []Fact) []string {
	var out []string
	for _, f := range facts {
		out = append(out, factKey(f))
	}
	sort.Strings(out)
	return out
}

// TestEvalDevFormats makes a DOCX and a PDF of every eval-dev document with
// LibreOffice and checks that each gives the same facts as its text.
func TestEvalDevFormats(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(evalDir, "*.txt"))
	if len(paths) == 0 {
		t.Skipf("no eval-dev set under %s", evalDir)
	}
	dir := t.TempDir()
	x := New(loadCatalogue(t))
	for _, format := range []string{"docx", "pdf"} {
		convertWithLibreOffice(t, dir, format, paths)
		for _, p := range paths {
			text, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			want := factKeys(x.Extract(string(text), Options{}))
			name := strings.TrimSuffix(filepath.Base(p), ".txt") + "." + format
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			d, err := document.Read(context.Background(), b)
			if err != nil {
				if format == "pdf" && err == document.ErrNoPDFText {
					t.Skip(err)
				}
				t.Fatalf("%s: %v", name, err)
			}
			got := factKeys(x.Extract(d.Text, Options{FileDate: d.Date}))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: facts differ from the text's\n got: %s\nwant: %s", name, diffKeys(got, want), diffKeys(want, got))
			}
		}
	}
}

// diffKeys lists the keys of a that b lacks.
func diffKeys(a, b []string) string {
	in := map[string]int{}
	for _, k := range b {
		in[k]++
	}
	var out []string
	for _, k := range a {
		if in[k] > 0 {
			in[k]--
			continue
		}
		out = append(out, "\n    "+k)
	}
	return strings.Join(out, "")
}
