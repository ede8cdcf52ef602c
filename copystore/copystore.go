// Package copystore copies a whole planwatch store from one engine to another
// (SQLite ⇄ PostgreSQL) through planwatch.Dumper and planwatch.Restorer, and
// verifies the copy table by table with row counts and checksums.
package copystore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"planwatch"
)

// Summary describes one table of a store: its rows and a checksum of them.
type Summary struct {
	Table string
	Rows  int
	// Sum is the sum, modulo 2⁶⁴, of the first 8 bytes of the SHA-256 of
	// each record's JSON: independent of row order, which engines may list
	// differently, and changed by any difference in any field. See
	// checksummed for the two ways the JSON summed differs from Record's.
	Sum uint64
}

// checksummed is what the checksum of a record covers: the record's JSON,
// except that
//   - an account's password hash, which Account leaves out of JSON, is in it,
//     so that a copy whose users could not sign in does not verify;
//   - an account's creation time, an approval's, report settings' and a mapping's time count to the
//     microsecond, as PostgreSQL's timestamptz keeps them (SQLite keeps
//     nanoseconds), so that a copy from SQLite verifies.
func checksummed(r planwatch.Record) any {
	switch {
	case r.User != nil:
		a := *r.User
		a.Created = a.Created.Truncate(time.Microsecond)
		return struct {
			User         planwatch.Account `json:"user"`
			PasswordHash string            `json:"password_hash"`
		}{a, a.PasswordHash}
	case r.Approval != nil:
		a := *r.Approval
		a.At = a.At.Truncate(time.Microsecond)
		return planwatch.Record{Approval: &a}
	case r.ReportSettings != nil:
		s := *r.ReportSettings
		s.At = s.At.Truncate(time.Microsecond)
		return planwatch.Record{ReportSettings: &s}
	case r.Mapping != nil:
		m := *r.Mapping
		m.At = m.At.Truncate(time.Microsecond)
		return planwatch.Record{Mapping: &m}
	}
	return r
}

// Summarize dumps s and summarizes every table, in the order of planwatch.Tables.
func Summarize(ctx context.Context, s planwatch.Dumper) ([]Summary, error) {
	byTable := map[string]*Summary{}
	out := make([]Summary, len(planwatch.Tables))
	for i, t := range planwatch.Tables {
		out[i].Table = t
		byTable[t] = &out[i]
	}
	for r, err := range s.Dump(ctx) {
		if err != nil {
			return nil, err
		}
		sum := byTable[r.Table()]
		if sum == nil {
			return nil, fmt.Errorf("copystore: a record of no known table: %+v", r)
		}
		b, err := json.Marshal(checksummed(r))
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(b)
		sum.Rows++
		sum.Sum += binary.BigEndian.Uint64(h[:8])
	}
	return out, nil
}

// Copy copies everything from src into dst, which must be empty, and then
// compares both table by table. It returns the summaries of both; the error
// is EINTERNAL-coded when they differ.
func Copy(ctx context.Context, src planwatch.Dumper, dst planwatch.Restorer) (from, to []Summary, err error) {
	if err := dst.Restore(ctx, src.Dump(ctx)); err != nil {
		return nil, nil, err
	}
	d, ok := dst.(planwatch.Dumper)
	if !ok {
		return nil, nil, fmt.Errorf("copystore: the target store cannot be read back to verify the copy")
	}
	if from, err = Summarize(ctx, src); err != nil {
		return nil, nil, err
	}
	if to, err = Summarize(ctx, d); err != nil {
		return nil, nil, err
	}
	for i := range from {
		if from[i] != to[i] {
			return from, to, fmt.Errorf("copystore: table %s differs after copying: %d rows (checksum %016x) in the source, %d (%016x) in the copy",
				from[i].Table, from[i].Rows, from[i].Sum, to[i].Rows, to[i].Sum)
		}
	}
	return from, to, nil
}
