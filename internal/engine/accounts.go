package engine

import (
	"context"
	"encoding/json"
	"time"

	"planwatch"
)

// AccountTx is an engine's write transaction as ChangeAccount uses it.
type AccountTx interface {
	// EnabledAdmins returns the names of the enabled administrators,
	// locking their rows (in name order) where the engine locks rows.
	EnabledAdmins(ctx context.Context) ([]string, error)
	// Account reads an account as stored, locking its row where the engine
	// locks rows; ENOTFOUND when there is none.
	Account(ctx context.Context, name string) (planwatch.Account, error)
	// SetAccount writes the columns of an account named by cols.
	SetAccount(ctx context.Context, name string, cols []string, vals []any) error
	// EndSessions ends every session of user and every one expired before now.
	EndSessions(ctx context.Context, user string, now time.Time) error
	// Audit appends an audit entry.
	Audit(ctx context.Context, e planwatch.AuditEntry) error
}

// ChangeAccount makes c within tx (planwatch.AccountStore.ChangeAccount):
// the administrators first when c must keep one (both engines lock them in
// one order, so two such changes wait for each other rather than
// deadlock), then the account, then only the columns c names, the sessions
// and the audit entry.
func ChangeAccount(ctx context.Context, tx AccountTx, c planwatch.AccountChange, now time.Time) (old, new planwatch.Account, err error) {
	var admins []string
	if c.KeepAdmin {
		if admins, err = tx.EnabledAdmins(ctx); err != nil {
			return old, new, err
		}
	}
	if old, err = tx.Account(ctx, c.Name); err != nil {
		return old, new, err
	}
	if c.IfPasswordHash != nil && old.PasswordHash != *c.IfPasswordHash {
		return old, old, planwatch.Errorf(planwatch.ECONFLICT, "mật khẩu của %s vừa được đổi ở nơi khác: không đổi gì / "+
			"the password of %s was changed meanwhile: nothing was changed", c.Name, c.Name)
	}
	new = c.Apply(old)
	if err := new.ValidateRole(); err != nil { // the name is the stored one's
		return old, new, err
	}
	if c.KeepAdmin && old.IsEnabledAdmin() && !new.IsEnabledAdmin() {
		others := 0
		for _, a := range admins {
			if a != c.Name {
				others++
			}
		}
		if others == 0 {
			return old, new, planwatch.Errorf(planwatch.ECONFLICT, "%s là quản trị viên cuối cùng còn hoạt động: không thể tắt hay đổi vai trò / "+
				"%s is the last enabled administrator: it cannot be disabled or given another role", c.Name, c.Name)
		}
	}
	if cols, vals := accountColumns(c); len(cols) > 0 {
		if err := tx.SetAccount(ctx, c.Name, cols, vals); err != nil {
			return old, new, err
		}
	}
	if c.EndSessions {
		if err := tx.EndSessions(ctx, c.Name, now); err != nil {
			return old, new, err
		}
	}
	e := c.Audit
	e.Entity, e.Old, e.New = "user/"+c.Name, planwatch.AccountText(old), planwatch.AccountText(new)
	if e.At.IsZero() {
		e.At = now
	}
	if problems := CheckAudit([]planwatch.AuditEntry{e}); len(problems) > 0 {
		return old, new, Invalid(problems)
	}
	return old, new, tx.Audit(ctx, e)
}

// accountColumns are the columns of accounts c sets, with their values:
// text, scopes as a JSON array, flags as bool.
func accountColumns(c planwatch.AccountChange) (cols []string, vals []any) {
	add := func(col string, v any) { cols, vals = append(cols, col), append(vals, v) }
	if c.Role != nil {
		add("role", *c.Role)
	}
	for _, x := range []struct {
		col   string
		codes *[]string
	}{{"units", c.Units}, {"sectors", c.Sectors}, {"indicators", c.Indicators}} {
		if x.codes != nil {
			add(x.col, CodesJSON(*x.codes))
		}
	}
	if c.PasswordHash != nil {
		add("password_hash", *c.PasswordHash)
	}
	if c.Disabled != nil {
		add("disabled", *c.Disabled)
	}
	if c.MustChangePassword != nil {
		add("must_change_password", *c.MustChangePassword)
	}
	return cols, vals
}

// CodesJSON is a list of codes as the accounts table keeps it: a JSON array.
func CodesJSON(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss)
	return string(b)
}
