package planwatch

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// Validate checks a new account's name (puts it in NFC, then
// CheckAccountName) and role.
func (a *Account) Validate() error {
	NFC(&a.Name)
	if err := CheckAccountName(a.Name); err != nil {
		return err
	}
	return a.ValidateRole()
}

// CheckAccountName is the one rule for account names, on every path that
// creates an account: 1 to MaxAccountName bytes of UTF-8 text in NFC (see
// TextProblem) without spaces or invisible characters (controls, format
// characters such as a zero-width space or a right-to-left override,
// which would show one name as another in the audit trail).
func CheckAccountName(name string) error {
	if name == "" || len(name) > MaxAccountName {
		return Errorf(EINVALID, "tên tài khoản phải có từ 1 đến 64 ký tự / account name must have 1 to 64 characters")
	}
	if p := TextProblem(name); p != "" {
		return Errorf(EINVALID, "tên tài khoản %q: %s / account name %q: %s", ShownText(name), p, ShownText(name), p)
	}
	if i := strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsGraphic(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(name[i:])
		return Errorf(EINVALID, "tên tài khoản %q có khoảng trắng hoặc ký tự ẩn U+%04X / account name %q has a space or an invisible character U+%04X",
			ShownText(name), r, ShownText(name), r)
	}
	if !norm.NFC.IsNormalString(name) {
		return Errorf(EINVALID, "tên tài khoản %q chưa ở dạng NFC / account name %q is not in NFC", ShownText(name), ShownText(name))
	}
	return nil
}

// ValidateRole checks the role (a change of an existing account, which
// keeps its name).
func (a *Account) ValidateRole() error {
	if !ValidRole(a.Role) {
		return Errorf(EINVALID, "vai trò không hợp lệ %q (admin, planner, reporter, viewer) / unknown role %q", a.Role, a.Role)
	}
	return nil
}

// AccountChange is a change of an existing account that sets only the
// fields it names (nil leaves a field as stored), so that two changes made
// at once — by two administrators, two instances, or the command line —
// never undo each other (a role set by one and a password by the other
// both stay).
type AccountChange struct {
	Name                       string
	Role                       *string
	Units, Sectors, Indicators *[]string
	PasswordHash               *string
	Disabled                   *bool
	MustChangePassword         *bool
	// EndSessions ends every session of the account (and every expired
	// one) with the change: after a new password, a disabling, a change of
	// rights.
	EndSessions bool
	// KeepAdmin refuses (ECONFLICT) a change that would leave no enabled
	// administrator.
	KeepAdmin bool
	// IfPasswordHash, when set, makes the change only while the stored
	// password hash is still this one (ECONFLICT otherwise): a user's new
	// password, checked against the old one read before hashing, must not
	// overwrite an administrator's reset made meanwhile.
	IfPasswordHash *string
	// Audit is the entry kept with the change (its Action, By, From, At);
	// the store sets its Entity and its Old and New (AccountText) to the
	// account before and after.
	Audit AuditEntry
}

// Apply returns a with the fields c names set.
func (c AccountChange) Apply(a Account) Account {
	if c.Role != nil {
		a.Role = *c.Role
	}
	if c.Units != nil {
		a.Units = *c.Units
	}
	if c.Sectors != nil {
		a.Sectors = *c.Sectors
	}
	if c.Indicators != nil {
		a.Indicators = *c.Indicators
	}
	if c.PasswordHash != nil {
		a.PasswordHash = *c.PasswordHash
	}
	if c.Disabled != nil {
		a.Disabled = *c.Disabled
	}
	if c.MustChangePassword != nil {
		a.MustChangePassword = *c.MustChangePassword
	}
	return a
}

// AccountText is an account as the audit trail keeps it: name, role,
// scopes and state as JSON; never the password hash.
func AccountText(a Account) string {
	b, _ := json.Marshal(a)
	return string(b)
}

// IsEnabledAdmin reports whether a is an administrator who can sign in.
func (a Account) IsEnabledAdmin() bool { return a.Role == RoleAdmin && !a.Disabled }

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
	// ChangeAccount makes c in one transaction: it reads the account as
	// stored, sets the fields c names, checks the result (Validate; with
	// KeepAdmin, that an enabled administrator remains, else ECONFLICT),
	// writes those fields only, ends the sessions when c says so and
	// appends c.Audit. It returns the account before and after. ENOTFOUND
	// if there is no such account.
	ChangeAccount(ctx context.Context, c AccountChange) (old, new Account, err error)
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
