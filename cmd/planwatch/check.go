package main

import (
	"context"
	"fmt"

	"planwatch/ops"
)

// cmdCheck checks a database: planwatch check --db DB [--head HASH]. The
// engine's integrity, the audit chain (naming the first entry altered,
// deleted or inserted out of order) and the analytics index against the
// store; an error (exit status 1) when anything is wrong.
func cmdCheck(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "check")
	head := fs.String("head", "", "mã băm đầu nhật ký đã lưu bên ngoài (planwatch audit head) / an audit head kept outside, which must be in the chain")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	s, err := inspectStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := ops.Check(ctx, s, ops.CheckOptions{IndexPath: indexPath(ctx, env, s), Head: *head})
	if err != nil {
		return err
	}
	r.Write(env.Stdout)
	if !r.OK() {
		return fmt.Errorf("kiểm tra thấy %d vấn đề / check found %d problems", len(r.Problems()), len(r.Problems()))
	}
	return nil
}

// cmdAudit is planwatch audit head --db DB: the id and hash of the last
// audit entry, to keep outside the server (check --head compares with it).
func cmdAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "head" {
		return fmt.Errorf("cách dùng / usage: planwatch audit head --db DB")
	}
	fs, db := storeFlags(env, "audit head")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	s, err := inspectStore(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	c, ok := s.(ops.Checkable)
	if !ok {
		return fmt.Errorf("audit head: this store keeps no audit chain")
	}
	e, err := c.AuditHead(ctx)
	if err != nil {
		return err
	}
	if e.Hash == "" {
		return fmt.Errorf("nhật ký trống / the audit trail is empty")
	}
	fmt.Fprintf(env.Stdout, "%d %s %s\n", e.ID, e.At.UTC().Format("2006-01-02T15:04:05Z"), e.Hash)
	return nil
}
