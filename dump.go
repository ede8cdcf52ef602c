package planwatch

import (
	"context"
	"iter"
)

// Record is one stored row in a form both engines share, for copying a store
// from one engine to another (planwatch copy-store). Exactly one field is set.
// Unlike what Apply takes, a record keeps what the store assigned: a value's
// Revision, By and At, a note's or task's ID, an audit entry's ID.
type Record struct {
	Indicator  *Indicator  `json:"indicator,omitempty"`
	OrgUnit    *OrgUnit    `json:"orgunit,omitempty"`
	Transition *Transition `json:"transition,omitempty"`
	Value      *DataValue  `json:"value,omitempty"` // one revision, withdrawn ones included
	Target     *Target     `json:"target,omitempty"`
	Milestone  *Milestone  `json:"milestone,omitempty"`
	Note       *Note       `json:"note,omitempty"`
	Task       *Task       `json:"task,omitempty"`
	Audit      *AuditEntry `json:"audit,omitempty"`
}

// Tables names the kinds of Record, in the order Dump yields them.
var Tables = []string{"indicators", "orgunits", "transitions", "datavalues", "targets", "milestones", "notes", "tasks", "audit"}

// Table names the kind of the record, one of Tables.
func (r *Record) Table() string {
	switch {
	case r.Indicator != nil:
		return "indicators"
	case r.OrgUnit != nil:
		return "orgunits"
	case r.Transition != nil:
		return "transitions"
	case r.Value != nil:
		return "datavalues"
	case r.Target != nil:
		return "targets"
	case r.Milestone != nil:
		return "milestones"
	case r.Note != nil:
		return "notes"
	case r.Task != nil:
		return "tasks"
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
