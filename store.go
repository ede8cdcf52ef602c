package planwatch

import (
	"context"
	"iter"
	"time"
)

// ChangeSet is one atomic write: every part is validated, and either all of it
// is stored or none of it. By and From say who made the change and from where
// (a user name and an IP address, "cli", a file name).
type ChangeSet struct {
	By         string
	From       string
	Values     []DataValue
	Targets    []Target
	Milestones []Milestone
	Notes      []Note
	Tasks      []Task
	// DryRun validates and counts without storing.
	DryRun bool
	// Keep names what the values do not say (a planwatch CSV without a
	// comment or comparison column): each value keeps it from the current
	// value of its key and vintage, so that a file alters nothing it does
	// not mention. The store fills it in while it plans the revisions.
	Keep Unsaid
}

// Unsaid is a set of the parts of a value a change set leaves as stored
// (ChangeSet.Keep).
type Unsaid uint8

const (
	KeepComment Unsaid = 1 << iota
	KeepYoY
	KeepPlanPct
	KeepVsRef
)

// ApplyResult counts what a change set did, in the manner of DHIS2's import
// summary: a value equal to the current one is ignored, not revised.
type ApplyResult struct {
	Imported int `json:"imported"` // new keys
	Updated  int `json:"updated"`  // new revisions of existing keys
	Ignored  int `json:"ignored"`  // unchanged values
	Deleted  int `json:"deleted"`  // withdrawn values
}

// ValueQuery selects current values. Empty slices and zero months mean "any".
type ValueQuery struct {
	Indicators []string
	Units      []string
	FromMonth  int // YYYYMM, inclusive: values whose period starts on or after it
	ToMonth    int // YYYYMM, inclusive: values whose period ends on or before it
	// Periods, when set, keeps the values of exactly these periods (by the
	// months they cover), applied before Limit counts.
	Periods []Period
	// ApprovedOnly excludes values of unit-periods not yet approved.
	ApprovedOnly bool
	// Limit, when positive, stops the read at that many values (which
	// ones is unspecified): a caller that answers at most n asks n+1 to
	// learn that there are more, without reading them all.
	Limit int
}

// TargetQuery selects current targets (highest version per indicator, unit,
// year and kind).
type TargetQuery struct {
	Indicators []string
	Units      []string
	Years      []int
}

// AuditEntry is one recorded action. The application offers no way to change
// or delete audit entries.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	From   string    `json:"from"`
	Action string    `json:"action"` // value.create, value.update, value.delete, target.set, login, …
	Entity string    `json:"entity"` // a key such as "trade.retail_sales_services/20/2022Q1"
	Old    string    `json:"old,omitempty"`
	New    string    `json:"new,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// Prev and Hash chain the trail (tamper evidence): Hash is the hash of
	// Prev (the previous entry's Hash) and of this entry's content, set by
	// the store when it appends the entry (see internal/engine AuditHash).
	Prev string `json:"prev,omitempty"`
	Hash string `json:"hash,omitempty"`
}

// AuditQuery filters audit entries; zero fields mean "any".
type AuditQuery struct {
	By       string
	Action   string // prefix match
	Entity   string // prefix match
	From, To time.Time
	Limit    int
}

// CatalogStore holds indicators and administrative units.
type CatalogStore interface {
	// SaveIndicators inserts or replaces indicators by code. EINVALID if one fails Validate.
	SaveIndicators(ctx context.Context, inds []Indicator, by string) error
	// Indicators lists the catalogue ordered by code.
	Indicators(ctx context.Context) ([]Indicator, error)
	// SaveOrgUnits inserts or replaces unit versions (by code and valid-from)
	// and transitions (by old, new and date).
	SaveOrgUnits(ctx context.Context, units []OrgUnit, transitions []Transition, by string) error
	// OrgUnits lists every version of every unit.
	OrgUnits(ctx context.Context) ([]OrgUnit, error)
	// Transitions lists every transition.
	Transitions(ctx context.Context) ([]Transition, error)
}

// DataStore holds values, targets, milestones, notes and tasks.
type DataStore interface {
	// Apply validates and stores a change set atomically, recording an audit
	// entry for every change. EINVALID (with Problems) if any part is invalid:
	// then nothing is stored.
	Apply(ctx context.Context, cs *ChangeSet) (ApplyResult, error)
	// Values returns the current value of every key matching q.
	Values(ctx context.Context, q ValueQuery) ([]DataValue, error)
	// Revisions returns every revision of one key, oldest first.
	Revisions(ctx context.Context, k Key) ([]DataValue, error)
	// Targets returns current targets matching q.
	Targets(ctx context.Context, q TargetQuery) ([]Target, error)
	// TargetHistory returns every version of the targets of an indicator and unit.
	TargetHistory(ctx context.Context, indicator, unit string) ([]Target, error)
	// Milestones returns the milestones of a unit and year ("" unit = all units, 0 year = all years).
	Milestones(ctx context.Context, unit string, year int) ([]Milestone, error)
	// Notes returns the notes of a unit for periods within p's year up to p's end.
	Notes(ctx context.Context, unit string, p Period) ([]Note, error)
	// Tasks returns the tasks of a unit due in the year of p.
	Tasks(ctx context.Context, unit string, p Period) ([]Task, error)
}

// StreamApplier is a store that takes the values of a change set as a
// stream, so that a file of any size is imported in bounded memory (issue
// 12). Both engines are; Apply is ApplyStream over cs.Values.
type StreamApplier interface {
	// ApplyStream is Apply with the change set's values read from values
	// instead of cs.Values (which is not read): all of them are checked
	// before anything is stored, and either all are stored or none. values
	// may yield an EINVALID *Error with Problems for an input row it could
	// not read (a reader's error naming line and column): the problems are
	// reported with the others and nothing is stored. Any other error from
	// values stops the import and is returned.
	ApplyStream(ctx context.Context, cs *ChangeSet, values iter.Seq2[DataValue, error]) (ApplyResult, error)
}

// AuditStore reads the audit trail.
type AuditStore interface {
	// Audit returns entries matching q, newest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
	// RecordAudit appends entries that are not data changes (logins, permission changes).
	RecordAudit(ctx context.Context, entries ...AuditEntry) error
}

// Store is everything planwatch keeps. Implementations: sqlite, postgres.
type Store interface {
	CatalogStore
	DataStore
	AuditStore
	ReportSettingsStore
	Close() error
}

// ChangeFeed numbers committed writes so that an analytics index can follow a store.
type ChangeFeed interface {
	// ChangeSeq returns the sequence number of the last committed change (0 for none).
	// Every committed Apply that changed anything, and every approval change, advances it. Cheap: one indexed read.
	ChangeSeq(ctx context.Context) (int64, error)
	// CurrentSince calls fn, in one consistent read, with the current value of every value key changed
	// by a change numbered after seq (every current value when seq is 0, and then no Deleted ones);
	// a key with no current value left comes with Deleted set. It returns the sequence it read up to.
	CurrentSince(ctx context.Context, seq int64, fn func(DataValue) error) (int64, error)
}

// ChangeKind says what a numbered change touched.
type ChangeKind string

const (
	ChangeData     ChangeKind = "data"     // an Apply: values, targets, milestones, notes or tasks
	ChangeApproval ChangeKind = "approval" // an approval state (SetApproval)
	ChangeCatalog  ChangeKind = "catalog"  // indicators, units or transitions
	ChangeSettings ChangeKind = "settings" // report settings (they show on report pages)
	ChangeRestore  ChangeKind = "restore"  // values copied from another store (copy-store)
	ChangeMigrate  ChangeKind = "migrate"  // what a database held before changes were numbered
)

// Change is one committed change as a store's change observer receives it,
// right after the commit.
type Change struct {
	// Seq is the change's number in the store's ChangeFeed. A follower that
	// last saw Seq-1 is up to date after this change; one that sees a gap
	// (another process wrote in between) reads CurrentSince its last seq.
	Seq  int64
	Kind ChangeKind
	// Values (ChangeData only) is the new current value of each key whose
	// current value changed; a key left without one comes as a Deleted value.
	Values []DataValue
}
