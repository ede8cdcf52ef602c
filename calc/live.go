package calc

import (
	"context"
	"sync"
	"sync/atomic"

	"planwatch"
)

// ChangeFeed is what a store offers so that an index follows it without
// reloading: a number for the last committed change, and the current state
// of the keys changed since a number (planwatch.ChangeFeed).
type ChangeFeed interface {
	ChangeSeq(ctx context.Context) (int64, error)
	CurrentSince(ctx context.Context, seq int64, fn func(planwatch.DataValue) error) (int64, error)
}

// Live keeps one index in step with a store: loaded once, then brought up
// to date change by change — this process's commits (Refresh), another
// process's on the same database (Sync, a cheap check of the store's change
// number and a read of what changed since), another instance's on
// PostgreSQL (Sync, called on its notification). Never a whole reload.
type Live struct {
	src  Source
	feed ChangeFeed // nil when the store numbers no changes
	path string     // the snapshot's, "" for none

	mu      sync.Mutex // serialises updates; readers use the Dataset's own locks
	ds      *Dataset
	seq     int64
	saved   int64 // the change number of the snapshot on disk
	version atomic.Int64

	checks checks // Sync's looks at the store, shared by concurrent callers
}

// checks lets concurrent Syncs share one look at the store: a caller joins
// a look that has not begun yet, never one already under way (which may
// have read the change number before the caller's request arrived), so
// every caller sees every change committed before it called.
type checks struct {
	mu       sync.Mutex
	inflight *check // begun
	pending  *check // to begin when inflight ends
}

type check struct {
	done chan struct{}
	err  error
}

// Open loads an index from a store and keeps it live. approvedOnly leaves
// out values not yet approved.
func Open(ctx context.Context, src Source, approvedOnly bool) (*Live, error) {
	l := &Live{src: src}
	l.feed, _ = src.(ChangeFeed)
	if l.feed == nil {
		ds, err := Load(ctx, src, approvedOnly)
		if err != nil {
			return nil, err
		}
		l.ds = ds
		return l, nil
	}
	ds, err := loadCatalogue(ctx, src)
	if err != nil {
		return nil, err
	}
	ds.ApprovedOnly = approvedOnly
	if err := ds.reloadPlans(ctx, src); err != nil {
		return nil, err
	}
	ds.mu.Lock()
	seq, err := l.feed.CurrentSince(ctx, 0, func(v planwatch.DataValue) error {
		if !v.Deleted {
			ds.put(v)
		}
		return nil
	})
	ds.seq = seq
	ds.mu.Unlock()
	if err != nil {
		return nil, err
	}
	l.ds, l.seq = ds, seq
	return l, nil
}

// NewLive wraps an index that follows nothing (tests, fixed data sets).
func NewLive(ds *Dataset) *Live { return &Live{ds: ds} }

// Dataset is the index; it changes in place as changes come in.
func (l *Live) Dataset() *Dataset { return l.ds }

// Version counts the changes brought into the index: caches of figures
// derived from it are valid while it stays the same.
func (l *Live) Version() int64 { return l.version.Load() }

// Sync brings in what other processes committed since the last look: with
// a change feed, one cheap read of the store's change number and, when it
// moved, the keys changed since, the targets, milestones and approvals.
func (l *Live) Sync(ctx context.Context) error {
	if l.feed == nil {
		return nil
	}
	c := &l.checks
	c.mu.Lock()
	if p := c.pending; p != nil {
		c.mu.Unlock()
		return wait(ctx, p)
	}
	mine := &check{done: make(chan struct{})}
	before := c.inflight
	if before == nil {
		c.inflight = mine
	} else {
		c.pending = mine
	}
	c.mu.Unlock()
	if before != nil {
		<-before.done
		c.mu.Lock()
		c.inflight, c.pending = mine, nil
		c.mu.Unlock()
	}
	// The look is shared: the caller who began it going away must not fail it for the others.
	mine.err = l.sync(context.WithoutCancel(ctx))
	c.mu.Lock()
	c.inflight = nil
	c.mu.Unlock()
	close(mine.done)
	return mine.err
}

func wait(ctx context.Context, c *check) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sync is one look at the store.
func (l *Live) sync(ctx context.Context) error {
	seq, err := l.feed.ChangeSeq(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq == l.seq {
		return nil
	}
	return l.catchUp(ctx)
}

// PlanFeed is a change feed that also says whether plans (targets,
// milestones) or approvals may have changed after a change number, so that
// an index reads them again only then. Both engines are.
type PlanFeed interface {
	PlansChangedSince(ctx context.Context, seq int64) (bool, error)
}

// CatalogueFeed is a change feed that also says whether the catalogue
// (indicators, units, transitions) changed after a change number, so that
// an index reads it again only then. Both engines are.
type CatalogueFeed interface {
	CatalogueChangedSince(ctx context.Context, seq int64) (bool, error)
}

// catchUpBatch is how many changed values a catch-up hands the index at a
// time: a batch small enough to stay in the processor's cache (a value is
// ~272 bytes), large enough that the per-batch forgetting is rare.
const catchUpBatch = 4096

// catchUp reads the changes after l.seq; the caller holds l.mu. Its batch
// grows with what it reads (a server's catch-up after one edit holds a few
// values) and is reused once full.
func (l *Live) catchUp(ctx context.Context) error {
	var batch []planwatch.DataValue
	seq, err := l.feed.CurrentSince(ctx, l.seq, func(v planwatch.DataValue) error {
		batch = append(batch, v)
		if len(batch) == catchUpBatch {
			l.ds.Apply(batch)
			batch = batch[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.ds.Apply(batch)
	if cf, ok := l.feed.(CatalogueFeed); ok {
		// A catalogue change, this process's or another's (asked after the
		// values, so that none read up to seq is missed): units and
		// transitions read again when they changed (every figure then
		// forgotten), indicators compared one by one (the figures of the
		// changed ones forgotten).
		changed, err := cf.CatalogueChangedSince(ctx, l.seq)
		if err != nil {
			return err
		}
		if changed {
			if err := l.ds.reloadUnits(ctx, l.src); err != nil {
				return err
			}
			if err := l.ds.reloadIndicators(ctx, l.src); err != nil { // reload_catalogue.go
				return err
			}
		}
	} else if err := l.ds.reloadIndicators(ctx, l.src); err != nil {
		return err
	}
	// Plans and approvals are read again only when a change may have
	// touched them (asked after the values, as the catalogue is): most
	// changes are values only.
	plans := true
	if pf, ok := l.feed.(PlanFeed); ok {
		if plans, err = pf.PlansChangedSince(ctx, l.seq); err != nil {
			return err
		}
	}
	if plans {
		if err := l.ds.reloadPlans(ctx, l.src); err != nil {
			return err
		}
	}
	l.ds.mu.Lock()
	l.ds.seq = seq
	l.ds.mu.Unlock()
	l.seq = seq
	l.version.Add(1)
	return nil
}

// Refresh brings in this process's own committed change set: through the
// change feed when there is one; otherwise by reading again the series the
// change set touched (values) and the plans (targets, milestones, approvals).
// A change set holding nothing was streamed (Store.ApplyStream: its values
// went to the store as they came, which ones is not known here): without a
// feed, every value is read again.
func (l *Live) Refresh(ctx context.Context, cs *planwatch.ChangeSet) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.feed != nil {
		return l.catchUp(ctx)
	}
	if l.src == nil {
		return nil // an index that follows nothing (NewLive)
	}
	defer l.version.Add(1)
	if cs != nil && len(cs.Values)+len(cs.Targets)+len(cs.Milestones)+len(cs.Notes)+len(cs.Tasks) == 0 {
		return l.reloadValues(ctx)
	}
	if cs == nil || len(cs.Targets)+len(cs.Milestones) > 0 || len(cs.Values) == 0 {
		if err := l.ds.reloadPlans(ctx, l.src); err != nil {
			return err
		}
		if err := l.ds.reloadIndicators(ctx, l.src); err != nil { // calc/catalogue.go
			return err
		}
	}
	if cs == nil || len(cs.Values) == 0 {
		return nil
	}
	type series struct{ ind, unit string }
	touched := map[series]bool{}
	var inds, units []string
	seenInd, seenUnit := map[string]bool{}, map[string]bool{}
	for _, v := range cs.Values {
		touched[series{v.Indicator, v.Unit}] = true
		if !seenInd[v.Indicator] {
			seenInd[v.Indicator] = true
			inds = append(inds, v.Indicator)
		}
		if !seenUnit[v.Unit] {
			seenUnit[v.Unit] = true
			units = append(units, v.Unit)
		}
	}
	fresh, err := l.src.Values(ctx, planwatch.ValueQuery{Indicators: inds, Units: units})
	if err != nil {
		return err
	}
	// Withdraw every current value of the touched series, then put back
	// what the store holds now.
	var changes []planwatch.DataValue
	for s := range touched {
		for _, v := range l.ds.Values(planwatch.ValueQuery{Indicators: []string{s.ind}, Units: []string{s.unit}}) {
			v.Deleted = true
			changes = append(changes, v)
		}
	}
	for _, v := range fresh {
		if touched[series{v.Indicator, v.Unit}] {
			changes = append(changes, v)
		}
	}
	l.ds.Apply(changes)
	return nil
}

// reloadValues makes the index's values the store's: every value read
// again, those the index holds and the store no longer does withdrawn.
// The caller holds l.mu.
func (l *Live) reloadValues(ctx context.Context) error {
	fresh, err := l.src.Values(ctx, planwatch.ValueQuery{})
	if err != nil {
		return err
	}
	changes := l.ds.Values(planwatch.ValueQuery{})
	for i := range changes {
		changes[i].Deleted = true
	}
	l.ds.Apply(append(changes, fresh...))
	return nil
}

// Reload reads the plans (targets, milestones, approvals) again, after a
// change that is not a value.
func (l *Live) Reload(ctx context.Context) error {
	return l.Refresh(ctx, nil)
}
