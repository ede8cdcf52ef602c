package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestCmdExtract(t *testing.T) {
	text, err := os.ReadFile("../../../shared/seed/langson-2022q1.txt")
	if os.IsNotExist(err) {
		t.Skip("seed article not present (shared material is outside the repo)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := &Env{Stdin: bytes.NewReader(text), Stdout: &out, Stderr: &errOut, Now: time.Now, Getenv: func(string) string { return "" }}
	if err := cmdExtract(context.Background(), env, []string{"-"}); err != nil {
		t.Fatalf("extract: %v (%s)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 15 {
		t.Fatalf("got %d facts, want 15:\n%s", len(lines), out.String())
	}
	codes := map[string]bool{}
	for _, l := range lines {
		var f map[string]any
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"indicator", "code", "value", "unit", "period", "place", "plan_pct", "yoy_pct", "vs_ref", "estimate", "kind", "sentence", "start", "end"} {
			if _, ok := f[k]; !ok {
				t.Errorf("line %q lacks %q", l, k)
			}
		}
		if c, ok := f["code"].(string); ok {
			codes[c] = true
		}
	}
	for _, c := range []string{"trade.retail_sales_services", "bank.deposits_mobilised", "forest.new_planting_area"} {
		if !codes[c] {
			t.Errorf("no fact matched %s", c)
		}
	}
	if err := cmdExtract(context.Background(), env, nil); err == nil {
		t.Error("no file: want a usage error")
	}
}
