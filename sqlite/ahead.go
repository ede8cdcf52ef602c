package sqlite

import (
	"context"
	"database/sql"

	"planwatch"
	"planwatch/internal/engine"
)

// aheadAfter is how many units a change set must name for its Apply to
// read every unit ahead (unitsAhead): a national file's (11,000), not a
// province's (250 of the 15,000 a database holds, read faster by code).
const aheadAfter = 1024

func (db *DB) aheadAfter() int {
	if db.largeApply > 0 {
		return db.largeApply
	}
	return aheadAfter
}

// unitsAhead is the life of every unit (planwatch.LifetimeOf of its
// versions and the transitions into it), read on a read connection while a
// large change set is still being taken in: its checks need the life of
// every unit it names (a national file: 11,000 units, ~0.15 s to read),
// which does not depend on the file. What was read serves the Apply only
// if the database, seen from its transaction, is still as it was (mark):
// units and transitions change only with a numbered change (a catalogue
// change set), so the same last change number and the same counts of
// units and transitions mean the same units.
type unitsAhead struct {
	done   chan struct{}
	cancel context.CancelFunc
	mark   aheadMark
	lives  map[string]planwatch.Lifetime
	err    error
}

// aheadMark is what unitsAhead compares: the last change's number and the
// counts of units and transitions.
type aheadMark struct{ seq, units, transitions int64 }

func readAheadMark(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (aheadMark, error) {
	var m aheadMark
	err := q.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM change_sets),
		(SELECT count(*) FROM orgunits), (SELECT count(*) FROM transitions)`).Scan(&m.seq, &m.units, &m.transitions)
	return m, err
}

// start reads every unit on a goroutine of its own; nothing is read for an
// in-memory database (one connection, the writer's).
func (a *unitsAhead) start(ctx context.Context, db *DB) {
	if db.r == db.w || a.done != nil {
		return
	}
	ctx, a.cancel = context.WithCancel(ctx)
	a.done = make(chan struct{})
	go func() {
		defer close(a.done)
		a.err = a.read(ctx, db)
		db.event("read")
	}()
}

func (a *unitsAhead) read(ctx context.Context, db *DB) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if a.mark, err = readAheadMark(ctx, tx); err != nil {
		return err
	}
	// Only what a life depends on (planwatch.LifetimeOf): codes and dates.
	into := map[string][]planwatch.Transition{}
	rows, err := tx.QueryContext(ctx, `SELECT old, new, date FROM transitions ORDER BY old, new, date`)
	if err != nil {
		return err
	}
	if err := engine.Each(rows, scanTransitionDate, func(t planwatch.Transition) error {
		into[t.New] = append(into[t.New], t)
		return nil
	}); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT code, valid_from, valid_to FROM orgunits ORDER BY code, valid_from`)
	if err != nil {
		return err
	}
	a.lives = map[string]planwatch.Lifetime{}
	var versions []planwatch.OrgUnit // of one unit: rows come by code
	add := func() {
		if len(versions) > 0 {
			a.lives[versions[0].Code] = planwatch.LifetimeOf(versions, into[versions[0].Code])
		}
	}
	if err := engine.Each(rows, scanUnitDates, func(u planwatch.OrgUnit) error {
		if len(versions) > 0 && versions[0].Code != u.Code {
			add()
			versions = versions[:0]
		}
		versions = append(versions, u)
		return nil
	}); err != nil {
		return err
	}
	add()
	return nil
}

// scanUnitDates scans a unit version's code and dates.
func scanUnitDates(s engine.Scanner) (planwatch.OrgUnit, error) {
	var u planwatch.OrgUnit
	var from, to string
	err := s.Scan(&u.Code, &from, &to)
	u.ValidFrom, u.ValidTo = parseDate(from), parseDate(to)
	return u, err
}

// scanTransitionDate scans a transition's codes and date.
func scanTransitionDate(s engine.Scanner) (planwatch.Transition, error) {
	var t planwatch.Transition
	var date string
	err := s.Scan(&t.Old, &t.New, &date)
	t.Date = parseDate(date)
	return t, err
}

// take returns what was read ahead when it is still what transaction tx
// sees (nil otherwise, or when nothing was read), once the reading is done.
func (a *unitsAhead) take(ctx context.Context, db *DB, tx *sql.Tx) (*unitsAhead, error) {
	if a.done == nil {
		return nil, nil
	}
	<-a.done
	if a.err != nil {
		db.event("unused")
		return nil, nil // read within the transaction instead
	}
	m, err := readAheadMark(ctx, tx)
	if err != nil || m != a.mark {
		db.event("unused")
		return nil, err
	}
	db.event("used")
	return a, nil
}

// event tells a test where reading ahead is (DB.aheadEvent).
func (db *DB) event(what string) {
	if db.aheadEvent != nil {
		db.aheadEvent(what)
	}
}

// stop ends the reading, if any, and waits for it.
func (a *unitsAhead) stop() {
	if a.done != nil {
		a.cancel()
		<-a.done
	}
}

// Lifetimes gives the lives read ahead (engine.LifetimeReader).
func (r reader) Lifetimes(codes map[string]bool) (map[string]planwatch.Lifetime, bool) {
	if r.ahead == nil {
		return nil, false
	}
	out := make(map[string]planwatch.Lifetime, len(codes))
	for c := range codes {
		if l, ok := r.ahead.lives[c]; ok {
			out[c] = l
		}
	}
	return out, true
}

var _ engine.LifetimeReader = reader{}
