package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// changeChannel is the LISTEN/NOTIFY channel on which every numbered change
// (an Apply, an approval, a catalogue change) announces itself, with the
// payload "INSTANCE SEQ" (the writing instance and the change's number), so that other application instances drop their caches
// (issue 7: instances hold no state the others cannot see).
const changeChannel = "planwatch_changes"

func newInstanceID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// OnExternalChange calls f whenever another instance commits a change to this
// database (a NOTIFY sent inside its Apply transaction, so delivered only on
// commit), and once after every (re)connection of the listener, when changes
// may have been missed. It runs until the DB is closed. f must be quick and
// safe for concurrent use: dropping a cache is what it is for.
func (db *DB) OnExternalChange(f func()) {
	ctx, cancel := context.WithCancel(context.Background())
	db.listeners.mu.Lock()
	db.listeners.stops = append(db.listeners.stops, cancel)
	db.listeners.mu.Unlock()
	go db.listen(ctx, f)
}

func (db *DB) listen(ctx context.Context, f func()) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, db.dsn)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+changeChannel)
		}
		if err != nil {
			if conn != nil {
				conn.Close(context.Background())
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, 10*time.Second)
			continue
		}
		wait = 100 * time.Millisecond
		f() // anything may have happened while not listening
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				break
			}
			// The payload is "instance seq" (changes.go).
			if from, _, _ := strings.Cut(n.Payload, " "); from != db.instance {
				f()
			}
		}
		conn.Close(context.Background())
	}
}
