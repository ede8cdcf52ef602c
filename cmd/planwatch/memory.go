package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// importMemory is the soft memory limit of planwatch import
// (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT sets one: the collector
// runs more often as the heap nears it, instead of letting it grow to
// twice what is live. A file of millions of values is held compactly while
// it is checked (engine.Batch), 100-110 bytes a value with its series and
// the DHIS2 reader's duplicate set, so that a 3-million-row DHIS2 CSV
// stays near this limit instead of twice its live heap (BENCHMARKS.md).
// Beyond it the import goes on, the collector taking at most half the
// processor time.
const importMemory = 512 << 20

// limitMemory sets the import's memory limit and returns what restores
// the previous one.
func limitMemory(env *Env) (restore func()) {
	if env.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(importMemory)
	return func() { debug.SetMemoryLimit(old) }
}

// memProfile (PLANWATCH_MEMPROFILE=FILE) writes a heap profile to path
// each time the heap has grown by a twentieth past its largest size so far
// (looked at every 200 ms), so that the file ends up describing the
// command near its peak: what it holds at its most, not what it allocated
// in all. stop ends it.
func memProfile(path string) (stop func()) {
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak+peak/20 {
				peak = v
				if f, err := os.Create(path); err == nil {
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
	}()
	return func() { close(done) }
}
