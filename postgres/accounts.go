package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"planwatch"
	"planwatch/internal/engine"
)

// Accounts, sessions, login attempts and approvals (migration 002). Every
// read here goes to the primary: a sign-in, a session check and the lock
// check must see what another instance has just written.

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

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
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
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO NOTHING`,
		a.Name, a.PasswordHash, a.Role, codesJSON(a.Units), codesJSON(a.Sectors), codesJSON(a.Indicators), a.Disabled, a.Created.UTC(),
		a.MustChangePassword)
	if err != nil {
		return internal("CreateAccount", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return planwatch.Errorf(planwatch.ECONFLICT, "tài khoản %q đã có / account %q exists", a.Name, a.Name)
	}
	return nil
}

// ChangeAccount makes c in one transaction (engine.ChangeAccount). The
// account's row is locked (FOR UPDATE), and with KeepAdmin first the rows
// of the enabled administrators in name order: two changes wait for each
// other, and the second sees the first's result.
func (db *DB) ChangeAccount(ctx context.Context, c planwatch.AccountChange) (old, new planwatch.Account, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		old, new, err = engine.ChangeAccount(ctx, accountTx{tx}, c, db.now())
		return err
	})
	return old, new, internal("ChangeAccount", err)
}

// accountTx is engine.AccountTx on a PostgreSQL transaction.
type accountTx struct{ tx *sql.Tx }

func (t accountTx) EnabledAdmins(ctx context.Context) ([]string, error) {
	return engine.Query(ctx, t.tx, engine.ScanString, `SELECT name FROM accounts WHERE role = $1 AND NOT disabled ORDER BY name FOR UPDATE`, planwatch.RoleAdmin)
}

func (t accountTx) Account(ctx context.Context, name string) (planwatch.Account, error) {
	a, err := scanAccount(t.tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = $1 FOR UPDATE`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", name, name)
	}
	return a, err
}

func (t accountTx) SetAccount(ctx context.Context, name string, cols []string, vals []any) error {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE accounts SET `+strings.Join(set, ", ")+fmt.Sprintf(` WHERE name = $%d`, len(cols)+1), append(vals, name)...)
	return err
}

func (t accountTx) EndSessions(ctx context.Context, user string, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1 OR expires < $2`, user, now.UTC())
	return err
}

func (t accountTx) Audit(ctx context.Context, e planwatch.AuditEntry) error {
	return insertAudit(ctx, t.tx, []planwatch.AuditEntry{e})
}

const accountColumns = `name, password_hash, role, units, sectors, indicators, disabled, created, must_change_password`

func scanAccount(s scanner) (planwatch.Account, error) {
	var a planwatch.Account
	var units, sectors, inds string
	err := s.Scan(&a.Name, &a.PasswordHash, &a.Role, &units, &sectors, &inds, &a.Disabled, &a.Created, &a.MustChangePassword)
	a.Units, a.Sectors, a.Indicators = codesOf(units), codesOf(sectors), codesOf(inds)
	a.Created = a.Created.UTC()
	return a, err
}

// Account returns one account. ENOTFOUND if there is none of that name.
func (db *DB) Account(ctx context.Context, name string) (planwatch.Account, error) {
	a, err := scanAccount(db.w.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return a, planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", name, name)
	}
	return a, internal("Account", err)
}

// Accounts lists every account ordered by name.
func (db *DB) Accounts(ctx context.Context) ([]planwatch.Account, error) {
	out, err := engine.Query(ctx, db.w, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY name`)
	return out, internal("Accounts", err)
}

// CreateSession stores a new session. ECONFLICT if the id hash exists,
// ENOTFOUND if the user does not.
func (db *DB) CreateSession(ctx context.Context, s planwatch.Session) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, username, created, expires, last_seen) VALUES ($1, $2, $3, $4, $5)`,
		s.IDHash, s.User, s.Created.UTC(), s.Expires.UTC(), s.LastSeen.UTC())
	switch pgCode(err) {
	case "23503":
		return planwatch.Errorf(planwatch.ENOTFOUND, "không có tài khoản %q / no account %q", s.User, s.User)
	case "23505":
		return planwatch.Errorf(planwatch.ECONFLICT, "phiên đã có / session exists")
	}
	return internal("CreateSession", err)
}

// Session returns a session by the hash of its id. ENOTFOUND if there is none.
func (db *DB) Session(ctx context.Context, idHash string) (planwatch.Session, error) {
	var s planwatch.Session
	err := db.w.QueryRowContext(ctx, `SELECT id_hash, username, created, expires, last_seen FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&s.IDHash, &s.User, &s.Created, &s.Expires, &s.LastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, planwatch.Errorf(planwatch.ENOTFOUND, "không có phiên / no such session")
	}
	s.Created, s.Expires, s.LastSeen = s.Created.UTC(), s.Expires.UTC(), s.LastSeen.UTC()
	return s, internal("Session", err)
}

// TouchSession records a use of a session and moves its expiry.
func (db *DB) TouchSession(ctx context.Context, idHash string, lastSeen, expires time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen = $1, expires = $2 WHERE id_hash = $3`, lastSeen.UTC(), expires.UTC(), idHash)
	return internal("TouchSession", err)
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return internal("DeleteSession", err)
}

// DeleteSessions ends every session of user and every session expired before now.
func (db *DB) DeleteSessions(ctx context.Context, user string, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE username = $1 OR expires < $2`, user, now.UTC())
	return internal("DeleteSessions", err)
}

// RecordLoginAttempt stores an attempt and forgets attempts older than a day.
func (db *DB) RecordLoginAttempt(ctx context.Context, a planwatch.LoginAttempt) error {
	if a.At.IsZero() {
		a.At = db.now()
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE at < $1`, a.At.Add(-loginAttemptsKept).UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (username, ip, at, ok) VALUES ($1, $2, $3, $4)`, a.User, a.IP, a.At.UTC(), a.OK)
		return err
	})
	return internal("RecordLoginAttempt", err)
}

// FailedLogins counts failed attempts since a time by user and by IP address.
func (db *DB) FailedLogins(ctx context.Context, user, ip string, since time.Time) (byUser, byIP int, err error) {
	err = db.w.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM login_attempts WHERE username = $1 AND at >= $2 AND NOT ok),
		(SELECT count(*) FROM login_attempts WHERE ip = $3 AND at >= $2 AND NOT ok)`,
		user, since.UTC(), ip).Scan(&byUser, &byIP)
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
	// An approval changes what approved-only figures show: it is numbered,
	// and so announced to other instances (notify.go).
	var seq int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO approvals (orgunit, period, year, first_month, last_month, period_type, state, who, at, comment)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (orgunit, period) DO UPDATE SET state = excluded.state, who = excluded.who, at = excluded.at, comment = excluded.comment`,
			a.Unit, p.ID(), p.Year, p.First, p.Last, int(p.Type), string(a.State), a.By, a.At.UTC(), a.Comment); err != nil {
			return err
		}
		var err error
		seq, err = db.newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeApproval, At: db.now(), By: a.By})
		return err
	})
	if err != nil {
		return internal("SetApproval", err)
	}
	db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeApproval})
	return nil
}

// Approvals lists approvals matching q, ordered by unit and period.
func (db *DB) Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	return approvals(ctx, db.w, q)
}

// approvals reads approvals through q: the database, or a transaction.
func approvals(ctx context.Context, qr engine.Queryer, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(q.Units) > 0 {
		where = append(where, `orgunit = ANY(`+arg(q.Units)+`)`)
	}
	if q.Year != 0 {
		where = append(where, `year = `+arg(q.Year))
	}
	if q.State != "" {
		where = append(where, `state = `+arg(string(q.State)))
	}
	query := `SELECT orgunit, year, first_month, last_month, period_type, state, who, at, comment FROM approvals`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY orgunit, year, first_month, last_month`
	if q.Limit > 0 {
		query += ` LIMIT ` + arg(q.Limit)
	}
	out, err := engine.Query(ctx, qr, scanApproval, query, args...)
	return out, internal("Approvals", err)
}

func scanApproval(s scanner) (planwatch.Approval, error) {
	var a planwatch.Approval
	var year, first, last, typ int
	var state string
	err := s.Scan(&a.Unit, &year, &first, &last, &typ, &state, &a.By, &a.At, &a.Comment)
	a.Period, a.State, a.At = period(year, first, last, typ), planwatch.ApprovalState(state), a.At.UTC()
	return a, err
}

// Approvals reads approvals within the Apply's transaction, for the lock check.
func (r reader) Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	return approvals(ctx, r.tx, q)
}
