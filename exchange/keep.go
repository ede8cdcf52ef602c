package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"

	"planwatch"
)

// keeper gives the values of a planwatch CSV what their file does not say:
// a file without a comment column keeps each stored comment, one without
// yoy_pct, plan_pct or vs_ref_pct keeps the stored comparisons, so that no
// import alters what its file does not mention. Values wait in batches of
// keepBatch for one lookup of their current values.
type keeper struct {
	opts                         Options
	comment, yoy, planPct, vsRef bool // the file has the column
	queue                        []planwatch.DataValue
	emit                         func(planwatch.DataValue) error
}

const keepBatch = 1024

// newKeeper reads which columns the header (the first line of head) has.
func newKeeper(head []byte, opts Options, emit func(planwatch.DataValue) error) *keeper {
	k := &keeper{opts: opts, emit: emit}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	rec, _ := csv.NewReader(bytes.NewReader(line)).Read()
	for _, h := range rec {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))) {
		case "comment":
			k.comment = true
		case "yoy_pct":
			k.yoy = true
		case "plan_pct":
			k.planPct = true
		case "vs_ref_pct":
			k.vsRef = true
		}
	}
	return k
}

// says reports whether the file says everything a value holds.
func (k *keeper) says() bool { return k.comment && k.yoy && k.planPct && k.vsRef }

func (k *keeper) add(v planwatch.DataValue) error {
	if k.says() || (k.opts.Current == nil && k.opts.CurrentMany == nil) {
		return k.emit(v)
	}
	k.queue = append(k.queue, v)
	if len(k.queue) < keepBatch {
		return nil
	}
	return k.drain()
}

// drain looks the queued values' current values up, in one batch where
// Options.CurrentMany allows, and emits them.
func (k *keeper) drain() error {
	var known map[planwatch.Key]planwatch.DataValue
	if k.opts.CurrentMany != nil && len(k.queue) > 0 {
		keys := make([]planwatch.Key, len(k.queue))
		for i, v := range k.queue {
			v.Normalize()
			keys[i] = v.Key
		}
		known = k.opts.CurrentMany(keys)
	}
	for _, v := range k.queue {
		if cur, ok := k.current(v, known); ok {
			if !k.comment {
				v.Comment = cur.Comment
			}
			for _, f := range []struct {
				given    bool
				dst, src **float64
			}{{k.yoy, &v.YoY, &cur.YoY}, {k.planPct, &v.PlanPct, &cur.PlanPct}, {k.vsRef, &v.VsRef, &cur.VsRef}} {
				if !f.given {
					*f.dst = *f.src
				}
			}
		}
		if err := k.emit(v); err != nil {
			return err
		}
	}
	k.queue = k.queue[:0]
	return nil
}

// current is the current value of v's key and vintage: from the batch when
// it has the key in that vintage, known absent when the batch lacks the key,
// otherwise asked alone.
func (k *keeper) current(v planwatch.DataValue, known map[planwatch.Key]planwatch.DataValue) (planwatch.DataValue, bool) {
	if known != nil {
		n := v
		n.Normalize()
		cur, ok := known[n.Key]
		switch {
		case !ok:
			return cur, false
		case cur.Vintage == v.Vintage:
			return cur, !cur.Deleted
		}
	}
	if k.opts.Current == nil {
		return planwatch.DataValue{}, false
	}
	cur, ok := k.opts.Current(v.Key, v.Vintage)
	return cur, ok && !cur.Deleted
}
