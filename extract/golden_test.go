package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGolden runs the extractor on the pattern documents in testdata and on
// the eval-dev documents, and compares the JSON Lines with testdata/golden.
// Run "go test ./extract -run TestGolden -update" after an intended change
// and review the diff.
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.txt")
	dev, _ := filepath.Glob(filepath.Join(evalDir, "*.txt"))
	inputs = append(inputs, dev...)
	x := New(loadCatalogue(t))
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt") + ".jsonl"
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for _, f := range x.Extract(string(text), Options{}) {
				if err := enc.Encode(f); err != nil {
					t.Fatal(err)
				}
			}
			golden := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				got := strings.Split(buf.String(), "\n")
				exp := strings.Split(string(want), "\n")
				for i := 0; i < len(got) || i < len(exp); i++ {
					var g, e string
					if i < len(got) {
						g = got[i]
					}
					if i < len(exp) {
						e = exp[i]
					}
					if g != e {
						t.Errorf("line %d differs:\n got  %s\n want %s", i+1, g, e)
						break
					}
				}
			}
		})
	}
}
