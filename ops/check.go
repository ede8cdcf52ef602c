// Package ops is what a province's administrator runs beside the
// application: the check of a database (its integrity, the analytics index
// against the store, the tamper-evident audit chain), backups that record
// counts and checksums, and their verified restore.
package ops

import (
	"context"
	"fmt"
	"io"

	"planwatch"
	"planwatch/calc"
	"planwatch/internal/engine"
)

// Checkable is what a store offers to Check: both engines implement it.
type Checkable interface {
	// CheckIntegrity runs the engine's own checks of its storage and of the
	// triggers keeping the audit trail append-only, returning problems.
	CheckIntegrity(ctx context.Context) ([]string, error)
	// AuditChain calls fn with every audit entry in id order until fn
	// returns false.
	AuditChain(ctx context.Context, fn func(planwatch.AuditEntry) bool) error
	// AuditHead returns the last audit entry (zero when there is none).
	AuditHead(ctx context.Context) (planwatch.AuditEntry, error)
}

// Versioned is a store that knows its schema version and the newest its
// binary has (both engines; they differ for a store opened with
// sqlite.Inspect or postgres.Inspect on an older planwatch's database).
type Versioned interface {
	Schema() (stored, known int)
}

// CheckOptions says what to check beyond the store itself.
type CheckOptions struct {
	// IndexPath is the analytics index snapshot of the store ("" for none).
	IndexPath string
	// Head is an audit hash kept outside the server (planwatch audit head)
	// that must be in the chain ("" to skip).
	Head string
}

// Report is the outcome of Check.
type Report struct {
	Schema       string   // a schema older than the binary's, which Check does not change
	Integrity    []string // the engine's problems
	AuditEntries int      // entries checked
	AuditProblem string   // the first break of the chain, naming the entry
	AuditHead    planwatch.AuditEntry
	Index        calc.SnapshotCheck // the analytics index against the store
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool {
	return r.Schema == "" && len(r.Integrity) == 0 && r.AuditProblem == "" && len(r.Index.Problems) == 0
}

// Problems lists every problem found.
func (r *Report) Problems() []string {
	var out []string
	if r.Schema != "" {
		out = append(out, r.Schema)
	}
	out = append(out, r.Integrity...)
	if r.AuditProblem != "" {
		out = append(out, r.AuditProblem)
	}
	return append(out, r.Index.Problems...)
}

// Check checks the store s: the engine's integrity, the audit chain from
// its first entry, and the analytics index snapshot against the store. A
// store opened as it is (sqlite.Inspect, postgres.Inspect) whose schema is
// older than the binary's is reported so, its integrity checked, and
// neither changed nor read further: the chain and the index are read with
// the binary's schema.
func Check(ctx context.Context, s planwatch.Store, o CheckOptions) (*Report, error) {
	c, ok := s.(Checkable)
	if !ok {
		return nil, fmt.Errorf("ops: this store cannot be checked")
	}
	r := &Report{}
	var err error
	if r.Integrity, err = c.CheckIntegrity(ctx); err != nil {
		return nil, err
	}
	if r.Schema = SchemaBehind(s); r.Schema != "" {
		return r, nil
	}
	var v engine.ChainVerifier
	if o.Head != "" {
		v.ExpectHead(o.Head)
	}
	if err := c.AuditChain(ctx, v.Add); err != nil {
		return nil, err
	}
	r.AuditEntries, r.AuditProblem = v.Finish()
	if r.AuditHead, err = c.AuditHead(ctx); err != nil {
		return nil, err
	}
	if r.Index, err = calc.VerifySnapshot(ctx, s, o.IndexPath); err != nil {
		return nil, err
	}
	return r, nil
}

// SchemaBehind says, when the schema of s is older than the binary's, what
// that means ("" when it is not, or s does not say).
func SchemaBehind(s planwatch.Store) string {
	v, ok := s.(Versioned)
	if !ok {
		return ""
	}
	stored, known := v.Schema()
	if stored >= known {
		return ""
	}
	return fmt.Sprintf("lược đồ phiên bản %d cũ hơn bản planwatch này (%d), chưa được nâng cấp / "+
		"the schema version %d is older than this planwatch's (%d): it was left as it is; "+
		"take a backup, then serve or any command that writes brings it up to date", stored, known, stored, known)
}

// Write prints the report, one line a part, Vietnamese first.
func (r *Report) Write(w io.Writer) {
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "LỖI / FAILED"
	}
	fmt.Fprintf(w, "toàn vẹn CSDL / database integrity: %s\n", mark(len(r.Integrity) == 0))
	for _, p := range r.Integrity {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if r.Schema != "" {
		fmt.Fprintf(w, "lược đồ / schema: %s\n", r.Schema)
		fmt.Fprintln(w, "chuỗi nhật ký, chỉ mục phân tích: chưa kiểm tra / audit chain, analytics index: not checked")
		return
	}
	fmt.Fprintf(w, "chuỗi nhật ký / audit chain: %s (%d mục / entries", mark(r.AuditProblem == ""), r.AuditEntries)
	if r.AuditHead.Hash != "" {
		fmt.Fprintf(w, ", đầu / head %d %s", r.AuditHead.ID, r.AuditHead.Hash)
	}
	fmt.Fprintln(w, ")")
	if r.AuditProblem != "" {
		fmt.Fprintf(w, "  %s\n", r.AuditProblem)
	}
	switch {
	case r.Index.Path == "":
		fmt.Fprintln(w, "chỉ mục phân tích / analytics index: không có tệp chụp (PostgreSQL) / no snapshot (PostgreSQL)")
	case !r.Index.Present:
		fmt.Fprintf(w, "chỉ mục phân tích / analytics index: chưa có %s (tạo khi khởi động) / not there yet (made at start-up)\n", r.Index.Path)
	default:
		fmt.Fprintf(w, "chỉ mục phân tích / analytics index: %s (%s: thay đổi / change %d, CSDL / store %d, %d giá trị / values)\n",
			mark(len(r.Index.Problems) == 0), r.Index.Path, r.Index.Seq, r.Index.StoreSeq, r.Index.Values)
		for _, p := range r.Index.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}
