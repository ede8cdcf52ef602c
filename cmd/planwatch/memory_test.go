package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestLimitMemory: import's memory limit is set unless GOMEMLIMIT names
// one, and the previous limit comes back afterwards.
func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	env := func(limit string) *Env {
		return &Env{Getenv: func(k string) string { return map[string]string{"GOMEMLIMIT": limit}[k] }}
	}
	restore := limitMemory(env(""))
	if got := debug.SetMemoryLimit(-1); got != importMemory {
		t.Errorf("limit during import %d, want %d", got, importMemory)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after import %d, want %d back", got, before)
	}
	restore = limitMemory(env("2GiB"))
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit with GOMEMLIMIT set %d, want %d (the runtime's)", got, before)
	}
	restore()
	if before != math.MaxInt64 {
		t.Logf("the test runs under a memory limit of %d", before)
	}
}
