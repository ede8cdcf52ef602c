package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"planwatch"
)

// The audit trail is a hash chain: each entry's Hash covers the previous
// entry's Hash (its Prev) and the entry's own content, so that an entry
// edited, deleted or inserted in the database file without recomputing
// every hash after it breaks the chain where it was touched. Someone who
// recomputes the whole chain is caught by the latest hash kept outside the
// server (planwatch audit head): it is then no longer in the chain.

// AuditHash is the hash of an entry chained after prev (""
// for the first entry): the SHA-256, in hex, of prev and of the entry's time
// (UTC, to the nanosecond), who, from where, action, entity, old, new and
// detail, each preceded by its length. The id is not covered: the chain's
// order is the ids' order, checked by Prev.
func AuditHash(prev string, e planwatch.AuditEntry) string {
	h := sha256.New()
	var buf []byte
	field := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	field(prev)
	at := ""
	if !e.At.IsZero() {
		at = e.At.UTC().Format("2006-01-02T15:04:05.000000000Z")
	}
	for _, s := range []string{at, e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditChain links entries appended in order: Prev is the hash of the
// entry before the next one (the last stored entry's, read in the
// appending transaction).
type AuditChain struct{ Prev string }

// Link sets e's Prev and Hash and makes e the entry the next one follows.
func (c *AuditChain) Link(e *planwatch.AuditEntry) {
	e.Prev = c.Prev
	e.Hash = AuditHash(c.Prev, *e)
	c.Prev = e.Hash
}

// LinkAll links entries in order, setting a time on those without one.
func (c *AuditChain) LinkAll(es []planwatch.AuditEntry, now time.Time) {
	for i := range es {
		if es[i].At.IsZero() {
			es[i].At = now
		}
		c.Link(&es[i])
	}
}

// ChainVerifier checks a trail entry by entry in id order and stops at the
// first break, which it describes naming the entry.
type ChainVerifier struct {
	n          int
	last, prev planwatch.AuditEntry // the last two entries seen (hash and id)
	problem    string
	head       string // a hash that must be found in the chain ("" for none)
	headFound  bool
}

// ExpectHead makes Finish report a problem unless an entry with this hash
// is in the chain (the head printed earlier by planwatch audit head).
func (v *ChainVerifier) ExpectHead(hash string) { v.head = hash }

// Add checks the next entry; false once a problem was found (further
// entries are not looked at: after a break everything is suspect).
func (v *ChainVerifier) Add(e planwatch.AuditEntry) bool {
	if v.problem != "" {
		return false
	}
	defer func() {
		v.n++
		v.prev, v.last = v.last, e
	}()
	if v.head != "" && e.Hash == v.head {
		v.headFound = true
	}
	switch {
	case e.Hash == "":
		v.problem = fmt.Sprintf("mục nhật ký %d không có mã băm: được chèn ngoài planwatch / audit entry %d has no hash: inserted outside planwatch", e.ID, e.ID)
	case AuditHash(e.Prev, e) != e.Hash:
		if v.n > 0 && e.Prev != v.last.Hash {
			v.problem = fmt.Sprintf("mục nhật ký %d bị sửa hoặc chèn / audit entry %d was altered or inserted: its content does not match its hash and it does not follow entry %d", e.ID, e.ID, v.last.ID)
		} else {
			v.problem = fmt.Sprintf("mục nhật ký %d bị sửa / audit entry %d was altered: its content does not match its hash", e.ID, e.ID)
		}
	case v.n == 0 && e.Prev != "":
		v.problem = fmt.Sprintf("các mục nhật ký trước mục %d bị xóa / audit entries before entry %d were deleted: it follows an entry that is not there", e.ID, e.ID)
	case v.n > 0 && e.Prev != v.last.Hash:
		switch {
		case v.n > 1 && e.Prev == v.prev.Hash:
			v.problem = fmt.Sprintf("mục nhật ký %d bị chèn sai thứ tự / audit entry %d was inserted out of order: entry %d follows entry %d", v.last.ID, v.last.ID, e.ID, v.prev.ID)
		case e.ID > v.last.ID+1:
			v.problem = fmt.Sprintf("mục nhật ký %d bị xóa / audit entry %d was deleted: entry %d does not follow entry %d", v.last.ID+1, v.last.ID+1, e.ID, v.last.ID)
		default:
			v.problem = fmt.Sprintf("mục nhật ký %d bị sửa hoặc thay thế / audit entry %d was altered or replaced (hash rewritten), or an entry after it deleted: entry %d does not follow it", v.last.ID, v.last.ID, e.ID)
		}
	}
	return v.problem == ""
}

// Finish returns the number of entries checked and the first problem ("" for none).
func (v *ChainVerifier) Finish() (int, string) {
	if v.problem == "" && v.head != "" && !v.headFound {
		v.problem = fmt.Sprintf("mã băm đầu %s không có trong chuỗi: lịch sử trước nó đã bị viết lại / the head %s kept earlier is not in the chain: the history before it was rewritten", v.head, v.head)
	}
	return v.n, v.problem
}

// errAuditStop ends EachAudit when its function wants no more entries.
var errAuditStop = errors.New("stop")

// EachAudit runs query (audit entries in chain order, scanned by scan) and
// calls fn with every entry until fn returns false: a store's AuditChain.
func EachAudit(ctx context.Context, q Queryer, scan func(Scanner) (planwatch.AuditEntry, error), fn func(planwatch.AuditEntry) bool, query string) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	err = Each(rows, scan, func(e planwatch.AuditEntry) error {
		if !fn(e) {
			return errAuditStop
		}
		return nil
	})
	if err == errAuditStop {
		return nil
	}
	return err
}
