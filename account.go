package planwatch

import (
	"context"
	"time"
)

// Roles of an account. The web layer decides what each may do.
const (
	RoleAdmin    = "admin"    // everything, including accounts
	RolePlanner  = "planner"  // province-wide: reads, writes, plans, approval
	RoleReporter = "reporter" // writes the values of its units (and sectors or indicators)
	RoleViewer   = "viewer"   // reads
)

// ValidRole reports whether r is one of the roles above.
func ValidRole(r string) bool {
	switch r {
	case RoleAdmin, RolePlanner, RoleReporter, RoleViewer:
		return true
	}
	return false
}

// Account is a person who signs in. Units, Sectors and Indicators scope a
// reporter's writes; empty means no restriction of that kind.
type Account struct {
	Name         string   `json:"name"`
	PasswordHash string   `json:"-"` // argon2id, PHC string format
	Role         string   `json:"role"`
	Units        []string `json:"units,omitempty"`
	Sectors      []string `json:"sectors,omitempty"`
	Indicators   []string `json:"indicators,omitempty"`
	Disabled     bool     `json:"disabled,omitempty"`
	// MustChangePassword: the password was set by an administrator (a
	// one-time password); the account must choose its own before anything else.
	MustChangePassword bool      `json:"must_change_password,omitempty"`
	Created            time.Time `json:"created"`
}

// MaxAccountName is the longest account name, in bytes.
const MaxAccountName = 64

// Validate checks the name and role.
func (a *Account) Validate() error {
	if a.Name == "" || len(a.Name) > MaxAccountName {
		return Errorf(EINVALID, "tên tài khoản phải có từ 1 đến 64 ký tự / account name must have 1 to 64 characters")
	}
	if !ValidRole(a.Role) {
		return Errorf(EINVALID, "vai trò không hợp lệ %q (admin, planner, reporter, viewer) / unknown role %q", a.Role, a.Role)
	}
	return nil
}

// Session is a signed-in browser. Only a hash of the id the browser holds is
// stored, so that reading the table does not give a way in.
type Session struct {
	IDHash   string
	User     string
	Created  time.Time
	Expires  time.Time
	LastSeen time.Time
}

// LoginAttempt is one try to sign in, kept for rate limiting.
type LoginAttempt struct {
	User string
	IP   string
	At   time.Time
	OK   bool
}

// AccountStore keeps accounts, sessions and login attempts. Implementations
// keep them in the database, so that several instances share sessions.
type AccountStore interface {
	// CreateAccount adds an account. EINVALID if it fails Validate, ECONFLICT
	// if the name is taken.
	CreateAccount(ctx context.Context, a Account) error
	// UpdateAccount replaces the role, scopes, hash, disabled and
	// must-change-password flags of an existing account (Created is kept). EINVALID if it fails Validate,
	// ENOTFOUND if there is no such account.
	UpdateAccount(ctx context.Context, a Account) error
	// Account returns one account. ENOTFOUND if there is none of that name.
	Account(ctx context.Context, name string) (Account, error)
	// Accounts lists every account ordered by name.
	Accounts(ctx context.Context) ([]Account, error)

	// CreateSession stores a new session. ECONFLICT if the id hash exists,
	// ENOTFOUND if the user does not.
	CreateSession(ctx context.Context, s Session) error
	// Session returns a session by the hash of its id, expired or not.
	// ENOTFOUND if there is none.
	Session(ctx context.Context, idHash string) (Session, error)
	// TouchSession records a use of a session and moves its expiry. No error
	// when the session is gone.
	TouchSession(ctx context.Context, idHash string, lastSeen, expires time.Time) error
	// DeleteSession ends one session. No error when it is already gone.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteSessions ends every session of a user (after a password change
	// or when the account is disabled) and deletes the sessions of anyone
	// that expired before now.
	DeleteSessions(ctx context.Context, user string, now time.Time) error

	// RecordLoginAttempt stores an attempt.
	RecordLoginAttempt(ctx context.Context, a LoginAttempt) error
	// FailedLogins counts failed attempts since a time for a user name and,
	// separately, from an IP address. Attempts older than since may be
	// forgotten.
	FailedLogins(ctx context.Context, user, ip string, since time.Time) (byUser, byIP int, err error)
}
