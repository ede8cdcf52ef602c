package planwatch

import (
	"context"
	"iter"
	"time"
)

// Record is one stored row in a form both engines share, for copying a store
// from one engine to another (planwatch copy-store). Exactly one field is set.
// Unlike what Apply takes, a record keeps what the store assigned: a value's
// Revision, By and At, a note's or task's ID, an audit entry's ID.
//
// Accounts are copied whole, so that everyone can sign in to the copy as
// before: name, password hash, role, scopes, disabled flag and creation time.
// Sessions and login attempts are not copied: they are transient (sessions
// expire, attempts are kept a day for rate limiting), so after a copy
// everyone signs in again and rate limits start afresh.
type Record struct {
	Indicator *Indicator `json:"indicator,omitempty"`
	// IndicatorVersion, IndicatorSet and UnitGroup are the catalogue's
	// history, sets and groups (issue 13).
	IndicatorVersion *IndicatorVersion `json:"indicator_version,omitempty"`
	IndicatorSet     *IndicatorSet     `json:"indicator_set,omitempty"`
	UnitGroup        *UnitGroup        `json:"unit_group,omitempty"`
	OrgUnit          *OrgUnit          `json:"orgunit,omitempty"`
	Transition       *Transition       `json:"transition,omitempty"`
	// User is an account, its PasswordHash included. Account's JSON leaves
	// the hash out, so whoever serializes records must add it (as the
	// checksums of copystore do).
	User   *Account      `json:"user,omitempty"`
	Change *ChangeRecord `json:"change,omitempty"`
	Value  *DataValue    `json:"value,omitempty"` // one revision, withdrawn ones included
	// Seq goes with Value: the number of the change that wrote it (a
	// ChangeRecord's Seq), so that a copy keeps values grouped as written.
	Seq       int64      `json:"seq,omitempty"`
	Approval  *Approval  `json:"approval,omitempty"`
	Target    *Target    `json:"target,omitempty"`
	Milestone *Milestone `json:"milestone,omitempty"`
	Note      *Note      `json:"note,omitempty"`
	Task      *Task      `json:"task,omitempty"`
	// ReportSettings are a unit's report settings, with who set them and when.
	ReportSettings *ReportSettings `json:"report_settings,omitempty"`
	// Mapping is a named mapping of a partner's ids, with its entries.
	Mapping *Mapping `json:"mapping,omitempty"`
	// Rule is a validation rule or a breakdown category as stored.
	Rule  *RuleRecord `json:"rule,omitempty"`
	Audit *AuditEntry `json:"audit,omitempty"`
}

// Tables names the kinds of Record, in the order Dump yields them.
var Tables = []string{"indicators", "indicator_versions", "orgunits", "transitions", "indicator_sets", "unit_groups", "users", "changes", "datavalues", "approvals", "targets", "milestones", "notes", "tasks", "report_settings", "mappings", "rules", "audit"}

// Table names the kind of the record, one of Tables.
func (r *Record) Table() string {
	switch {
	case r.Indicator != nil:
		return "indicators"
	case r.IndicatorVersion != nil:
		return "indicator_versions"
	case r.IndicatorSet != nil:
		return "indicator_sets"
	case r.UnitGroup != nil:
		return "unit_groups"
	case r.OrgUnit != nil:
		return "orgunits"
	case r.Transition != nil:
		return "transitions"
	case r.User != nil:
		return "users"
	case r.Change != nil:
		return "changes"
	case r.Value != nil:
		return "datavalues"
	case r.Approval != nil:
		return "approvals"
	case r.Target != nil:
		return "targets"
	case r.Milestone != nil:
		return "milestones"
	case r.Note != nil:
		return "notes"
	case r.Task != nil:
		return "tasks"
	case r.ReportSettings != nil:
		return "report_settings"
	case r.Mapping != nil:
		return "mappings"
	case r.Rule != nil:
		return "rules"
	case r.Audit != nil:
		return "audit"
	}
	return ""
}

// Dumper is a store that can list every row it holds.
type Dumper interface {
	// Dump yields every row, table by table in the order of Tables, within
	// one consistent snapshot. Values come oldest revision first.
	Dump(ctx context.Context) iter.Seq2[Record, error]
}

// Restorer is a store that can take rows exactly as another store dumped them.
type Restorer interface {
	// Restore stores records as they are, in one transaction: nothing is
	// validated or counted and no audit entry is added, since the audit
	// entries are among the records. ECONFLICT if the store is not empty.
	Restore(ctx context.Context, records iter.Seq2[Record, error]) error
}

// ChangeRecord is one numbered change (ChangeFeed) as a store keeps it: when,
// by whom and from where, of what kind and what it did, and who, when and
// what source the values it wrote have unless they say otherwise.
type ChangeRecord struct {
	Seq    int64       `json:"seq"`
	At     time.Time   `json:"at"`
	By     string      `json:"by,omitempty"`
	From   string      `json:"from,omitempty"`
	Kind   ChangeKind  `json:"kind"`
	Result ApplyResult `json:"result"`
	// Revisions counts the value revisions the change wrote.
	Revisions int `json:"revisions,omitempty"`
	// ValueBy, ValueAt and ValueSource are its values' who, when and source
	// kind and reference, unless a value says otherwise.
	ValueBy     string    `json:"value_by,omitempty"`
	ValueAt     time.Time `json:"value_at,omitempty"`
	ValueSource Source    `json:"value_source,omitempty"`
}

// RuleRecord is a validation rule or a breakdown category as a store keeps
// it (migration 009): its JSON, who saved it and when (as stored, RFC 3339).
type RuleRecord struct {
	Kind string `json:"kind"` // rule or category
	Code string `json:"code"`
	Body string `json:"body"`
	By   string `json:"by"`
	At   string `json:"at"`
}
