package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"sync/atomic"

	"planwatch"
	"planwatch/rules"
)

// Checking the validation rules over a unit and the units under it reads
// every figure the rules name for every unit: seconds for the country. The
// data-quality page and /api/validation are open to readers, so that work
// is bounded where it is done, for every caller: a result is kept per index
// version, rules version, unit and period (a repeated question costs
// nothing); at most maxConcurrentValidations are computed at once (the
// others wait their turn, or leave when the client does); and one answer
// checks at most validationLimits, saying so when it stops.

const (
	maxConcurrentValidations = 2
	maxKeptValidations       = 64 // results kept, the oldest forgotten first
)

var validationLimits = rules.Limits{Units: 1000, Violations: 1000}

type validationKey struct {
	version      int64 // calc.Live.Version() of the snapshot checked
	rules        string
	unit, period string
}

// validationResult is one computed answer; done is closed once it is set,
// or, with ok false, when the one computing it gave up (its client left).
type validationResult struct {
	done       chan struct{}
	ok         bool
	violations []rules.Violation
	tree       rules.TreeResult
	seq        uint64
}

type validations struct {
	mu   sync.Mutex
	kept map[validationKey]*validationResult
	seq  uint64
	sem  chan struct{} // one token per computation running

	runs, waiting atomic.Int64 // computations started, computations waiting for a token (tests)
}

// claim returns the result kept for key, or a new one the caller must
// compute (mine).
func (vs *validations) claim(key validationKey) (res *validationResult, mine bool) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if res, ok := vs.kept[key]; ok {
		return res, false
	}
	if vs.kept == nil {
		vs.kept = map[validationKey]*validationResult{}
	}
	for len(vs.kept) >= maxKeptValidations {
		var oldest validationKey
		var min uint64 = 1<<64 - 1
		for k, r := range vs.kept {
			if k.version != key.version {
				oldest = k
				break
			}
			if r.seq < min {
				oldest, min = k, r.seq
			}
		}
		delete(vs.kept, oldest)
	}
	vs.seq++
	res = &validationResult{done: make(chan struct{}), seq: vs.seq}
	vs.kept[key] = res
	return res, true
}

func (vs *validations) abandon(key validationKey, res *validationResult) {
	vs.mu.Lock()
	if vs.kept[key] == res {
		delete(vs.kept, key)
	}
	vs.mu.Unlock()
	close(res.done)
}

// rulesVersion names the stored rules as they are: a change to any of
// them is another version.
func rulesVersion(stored []planwatch.ValidationRule) string {
	b, _ := json.Marshal(stored)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// checkTree is set.CheckTreeWithin for a snapshot's unit and period,
// computed once per key and within the bounds above.
func (s *Server) checkTree(ctx context.Context, snap *snapshot, set *rules.Set, rulesKey string, sel selection) (*validationResult, error) {
	vs := &s.validations
	key := validationKey{version: snap.version, rules: rulesKey, unit: sel.Unit, period: sel.Period.ID()}
	for {
		res, mine := vs.claim(key)
		if !mine {
			select {
			case <-res.done:
				if res.ok {
					return res, nil
				}
				continue // the one computing it left: compute it here
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		vs.waiting.Add(1)
		select {
		case vs.sem <- struct{}{}:
			vs.waiting.Add(-1)
		case <-ctx.Done():
			vs.waiting.Add(-1)
			vs.abandon(key, res)
			return nil, ctx.Err()
		}
		func() {
			defer func() {
				<-vs.sem
				if !res.ok { // it panicked: the others compute it afresh
					vs.abandon(key, res)
				}
			}()
			vs.runs.Add(1)
			res.violations, res.tree = set.CheckTreeWithin(snap.ds, sel.Unit, sel.Period, validationLimits)
			res.ok = true
			close(res.done)
		}()
		return res, nil
	}
}

// compiledRules is the stored rules compiled against the snapshot's
// catalogue, once per rules version, with that version and the stored
// rules left out.
func (s *Server) compiledRules(ctx context.Context, snap *snapshot) (*rules.Set, []planwatch.Problem, string, error) {
	var stored []planwatch.ValidationRule
	if rs, ok := s.store.(planwatch.RuleStore); ok {
		var err error
		if stored, err = rs.Rules(ctx); err != nil {
			return nil, nil, "", err
		}
	}
	version := rulesVersion(stored)
	c := snap.memo("rules|"+version, func() any {
		set, ps := rules.Compile(stored, snap.inds)
		return compiled{set, ps}
	}).(compiled)
	return c.set, c.leftOut, version, nil
}

type compiled struct {
	set     *rules.Set
	leftOut []planwatch.Problem
}
