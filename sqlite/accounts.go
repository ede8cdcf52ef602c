package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// Accounts, sessions, login attempts and approvals (migration 002).

var (
	_ planwatch.AccountStore  = (*DB)(nil)
	_ planwatch.ApprovalStore = (*DB)(nil)
)

// loginAttemptsKept is how long login attempts are kept for rate limiting.
const loginAttemptsKept = 24 * time.Hour

func codesJSON(ss []string) string { return engine.CodesJSON(ss) }

func codesOf(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// CreateAccount adds an account. EINVALID if it fails Validate, ECONFLICT if
// the name is taken.
func (db *DB) CreateAccount(ctx context.Context, a planwatch.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Created.IsZero() {
		a.Created = db.now()
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO accounts (name, password_hash, role, units, sectors, indicators, disabled, created, must_change_password)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		a.Name, a.PasswordHash, a.Role, codesJSON(a.Units), codesJSON(a.Sectors), codesJSON(a.Indicators), boolInt(a.Disabled), formatTime(a.Created),
		boolInt(a.MustChangePassword))
	if err != nil {
		return internal("CreateAccount", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return planwatch.Errorf(planwatch.ECONFLICT, "tài khoản %q đã có / account %q exists", a.Name, a.Name)
	}
	return nil
}

// ChangeAccount makes c in one transaction, which BEGIN IMMEDIATE makes
// the only writer meanwhile (engine.ChangeAccount).
func (db *DB) ChangeAccount(ctx context.Context, c planwatch.AccountChange) (old, new planwatch.Account, err error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return old, new, internal("ChangeAccount", err)
	}
	defer tx.Rollback()
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return old, new, internal("ChangeAccount", err)
	}
	defer aw.Close()
	if old, new, err = engine.ChangeAccount(ctx, accountTx{tx, aw}, c, db.now()); err != nil {
		return old, new, internal("ChangeAccount", err)
	}
	return old, new, internal("ChangeAccount", tx.Commit())
}

// accountTx is engine.AccountTx on a SQLite transaction.
type accountTx struct {
	tx *sql.Tx
	aw *auditWriter
}

func (t accountTx) EnabledAdmins(ctx context.Context) ([]string, error) {
	return engine.Query(ctx, t.tx, engine.ScanString, `SELECT name FROM accounts WHERE role = ? AND disabled = 0 ORDER BY name`, planwatch.RoleAdmin)
}

func (t accountTx) Account(ctx context.Context, name string) (planwatch.Account, error) {
	a, err := scanAccount(t.tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", name, name)
	}
	return a, err
}

func (t accountTx) SetAccount(ctx context.Context, name string, cols []string, vals []any) error {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = ?"
		if b, ok := vals[i].(bool); ok {
			vals[i] = boolInt(b)
		}
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE accounts SET `+strings.Join(set, ", ")+` WHERE name = ?`, append(vals, name)...)
	return err
}

func (t accountTx) EndSessions(ctx context.Context, user string, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE username = ? OR expires < ?`, user, formatTime(now))
	return err
}

func (t accountTx) Audit(ctx context.Context, e planwatch.AuditEntry) error { return t.aw.add(ctx, e) }

const accountColumns = `name, password_hash, role, units, sectors, indicators, disabled, created, must_change_password`

func scanAccount(s scanner) (planwatch.Account, error) {
	var a planwatch.Account
	var units, sectors, inds, created string
	var disabled, mustChange int
	err := s.Scan(&a.Name, &a.PasswordHash, &a.Role, &units, &sectors, &inds, &disabled, &created, &mustChange)
	a.Units, a.Sectors, a.Indicators = codesOf(units), codesOf(sectors), codesOf(inds)
	a.Disabled, a.Created, a.MustChangePassword = disabled != 0, parseTime(created), mustChange != 0
	return a, err
}

// Account returns one account. ENOTFOUND if there is none of that name. It
// reads through the writer, so that a sign-in sees a change made just before.
func (db *DB) Account(ctx context.Context, name string) (planwatch.Account, error) {
	a, err := scanAccount(db.w.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", name, name)
	}
	return a, internal("Account", err)
}

// Accounts lists every account ordered by name.
func (db *DB) Accounts(ctx context.Context) ([]planwatch.Account, error) {
	out, err := engine.Query(ctx, db.r, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY name`)
	return out, internal("Accounts", err)
}

// CreateSession stores a new session. ECONFLICT if the id hash exists,
// ENOTFOUND if the user does not.
func (db *DB) CreateSession(ctx context.Context, s planwatch.Session) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, username, created, expires, last_seen) VALUES (?, ?, ?, ?, ?)`,
		s.IDHash, s.User, formatTime(s.Created), formatTime(s.Expires), formatTime(s.LastSeen))
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "FOREIGN KEY"):
			return planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", s.User, s.User)
		case strings.Contains(msg, "UNIQUE") || strings.Contains(msg, "PRIMARY KEY"):
			return planwatch.Errorf(planwatch.ECONFLICT, "phiên đã có / session exists")
		}
	}
	return internal("CreateSession", err)
}

// Session returns a session by the hash of its id. ENOTFOUND if there is none.
// It reads through the writer: a session is used right after it is made,
// possibly by another instance.
func (db *DB) Session(ctx context.Context, idHash string) (planwatch.Session, error) {
	var s planwatch.Session
	var created, expires, seen string
	err := db.w.QueryRowContext(ctx, `SELECT id_hash, username, created, expires, last_seen FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&s.IDHash, &s.User, &created, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, planwatch.Errorf(planwatch.ENOTFOUND, "không có phiên / no such session")
	}
	s.Created, s.Expires, s.LastSeen = parseTime(created), parseTime(expires), parseTime(seen)
	return s, internal("Session", err)
}

// TouchSession records a use of a session and moves its expiry.
func (db *DB) TouchSession(ctx context.Context, idHash string, lastSeen, expires time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen = ?, expires = ? WHERE id_hash = ?`, formatTime(lastSeen), formatTime(expires), idHash)
	return internal("TouchSession", err)
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return internal("DeleteSession", err)
}

// DeleteSessions ends every session of user and every session expired before now.
func (db *DB) DeleteSessions(ctx context.Context, user string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE username = ? OR expires < ?`, user, formatTime(now))
	return internal("DeleteSessions", err)
}

// RecordLoginAttempt stores an attempt and forgets attempts older than a day.
func (db *DB) RecordLoginAttempt(ctx context.Context, a planwatch.LoginAttempt) error {
	if a.At.IsZero() {
		a.At = db.now()
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("RecordLoginAttempt", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE at < ?`, formatTime(a.At.Add(-loginAttemptsKept))); err != nil {
		return internal("RecordLoginAttempt", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (username, ip, at, ok) VALUES (?, ?, ?, ?)`,
		a.User, a.IP, formatTime(a.At), boolInt(a.OK)); err != nil {
		return internal("RecordLoginAttempt", err)
	}
	return internal("RecordLoginAttempt", tx.Commit())
}

// FailedLogins counts failed attempts since a time by user and by IP address.
func (db *DB) FailedLogins(ctx context.Context, user, ip string, since time.Time) (byUser, byIP int, err error) {
	err = db.w.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM login_attempts WHERE username = ? AND at >= ? AND ok = 0),
		(SELECT count(*) FROM login_attempts WHERE ip = ? AND at >= ? AND ok = 0)`,
		user, formatTime(since), ip, formatTime(since)).Scan(&byUser, &byIP)
	return byUser, byIP, internal("FailedLogins", err)
}

// SetApproval records the new state of a unit and period. EINVALID if the
// unit, period or state is missing or unknown.
func (db *DB) SetApproval(ctx context.Context, a planwatch.Approval) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.At.IsZero() {
		a.At = db.now()
	}
	p := a.Period
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("SetApproval", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (orgunit, period, year, first_month, last_month, period_type, state, who, at, comment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (orgunit, period) DO UPDATE SET state = excluded.state, who = excluded.who, at = excluded.at, comment = excluded.comment`,
		a.Unit, p.ID(), p.Year, p.First, p.Last, int(p.Type), string(a.State), a.By, formatTime(a.At), a.Comment); err != nil {
		return internal("SetApproval", err)
	}
	// An approval changes what approved-only figures show: it is numbered.
	seq, err := newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeApproval, At: db.now(), By: a.By})
	if err != nil {
		return internal("SetApproval", err)
	}
	if err := tx.Commit(); err != nil {
		return internal("SetApproval", err)
	}
	db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeApproval})
	return nil
}

// Approvals lists approvals matching q, ordered by unit and period. It reads
// through the writer: the lock check must see an approval made a moment ago.
func (db *DB) Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	return approvals(ctx, db.w, q)
}

// approvals reads approvals through q: the database, or a transaction.
func approvals(ctx context.Context, qr engine.Queryer, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	var where []string
	var args []any
	if len(q.Units) > 0 {
		where, args = append(where, `orgunit IN (SELECT value FROM json_each(?))`), append(args, codesJSON(q.Units))
	}
	if q.Year != 0 {
		where, args = append(where, `year = ?`), append(args, q.Year)
	}
	if q.State != "" {
		where, args = append(where, `state = ?`), append(args, string(q.State))
	}
	query := `SELECT orgunit, year, first_month, last_month, period_type, state, who, at, comment FROM approvals`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY orgunit, year, first_month, last_month`
	if q.Limit > 0 {
		query, args = query+` LIMIT ?`, append(args, q.Limit)
	}
	out, err := engine.Query(ctx, qr, scanApproval, query, args...)
	return out, internal("Approvals", err)
}

func scanApproval(s scanner) (planwatch.Approval, error) {
	var a planwatch.Approval
	var year, first, last, typ int
	var state, at string
	err := s.Scan(&a.Unit, &year, &first, &last, &typ, &state, &a.By, &at, &a.Comment)
	a.Period, a.State, a.At = period(year, first, last, typ), planwatch.ApprovalState(state), parseTime(at)
	return a, err
}

// Approvals reads approvals within the Apply's transaction, for the lock check.
func (r reader) Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	return approvals(ctx, r.tx, q)
}
