package planwatch

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// ApprovalState is where a unit's figures for a period stand in the approval
// workflow (phê duyệt: approval). Without any record a unit-period is open.
type ApprovalState string

const (
	ApprovalOpen      ApprovalState = "open"      // being entered (also after a planner unlocks)
	ApprovalSubmitted ApprovalState = "submitted" // the reporter says it is complete
	ApprovalReturned  ApprovalState = "returned"  // a planner sent it back with a comment
	ApprovalApproved  ApprovalState = "approved"  // a planner approved it: entry is locked
)

// Approval is the current state of one unit and period, with who set it,
// when and why.
type Approval struct {
	Unit    string        `json:"orgunit"`
	Period  Period        `json:"period"`
	State   ApprovalState `json:"state"`
	By      string        `json:"by"`
	At      time.Time     `json:"at"`
	Comment string        `json:"comment,omitempty"`
}

// Covers reports whether a value of unit for period v falls under this
// approval: same unit, and v's months within the approved period.
func (a Approval) Covers(unit string, v Period) bool {
	return a.Unit == unit && a.Period.Contains(v)
}

// Locked reports whether the approval forbids entry.
func (a Approval) Locked() bool { return a.State == ApprovalApproved }

// ApprovedPeriods is the approved (locked) unit-periods among some
// approvals, by unit: the rule that marks a value Approved and that
// ApprovedOnly keeps.
type ApprovedPeriods map[string][]Period

// ApprovedOf returns the approved unit-periods among as.
func ApprovedOf(as []Approval) ApprovedPeriods {
	out := ApprovedPeriods{}
	for _, a := range as {
		if a.Locked() {
			out[a.Unit] = append(out[a.Unit], a.Period)
		}
	}
	return out
}

// Covers reports whether a value of unit for period v falls under one of
// the approved unit-periods (as Approval.Covers).
func (ap ApprovedPeriods) Covers(unit string, v Period) bool {
	for _, p := range ap[unit] {
		if (Approval{Unit: unit, Period: p}).Covers(unit, v) {
			return true
		}
	}
	return false
}

// ApprovalQuery selects approvals; zero fields mean "any".
type ApprovalQuery struct {
	Units []string
	Year  int
	State ApprovalState
	// Limit, when positive, bounds how many are listed (the first ones in
	// the usual order); a store may list more.
	Limit int
}

// ApprovalStore keeps the current approval state of each unit and period;
// the history of changes is the audit trail, written by the caller with
// RecordAudit.
type ApprovalStore interface {
	// SetApproval records the new state of a unit and period, replacing the
	// previous one. EINVALID if the unit, period or state is missing or unknown.
	SetApproval(ctx context.Context, a Approval) error
	// Approvals lists approvals matching q, ordered by unit and period.
	Approvals(ctx context.Context, q ApprovalQuery) ([]Approval, error)
}

// ApprovalReader reads approvals; an ApprovalStore is one, and so is a
// store's reader inside a write transaction.
type ApprovalReader interface {
	Approvals(ctx context.Context, q ApprovalQuery) ([]Approval, error)
}

// ValidApprovalState reports whether s is a known state.
func ValidApprovalState(s ApprovalState) bool {
	switch s {
	case ApprovalOpen, ApprovalSubmitted, ApprovalReturned, ApprovalApproved:
		return true
	}
	return false
}

// Validate checks an approval before it is stored, and puts its comment in
// NFC (the stores call it before writing).
func (a *Approval) Validate() error {
	NFC(&a.Comment)
	if a.Unit == "" || a.Period.IsZero() {
		return Errorf(EINVALID, "phê duyệt cần đơn vị và kỳ / an approval needs a unit and a period")
	}
	if !ValidApprovalState(a.State) {
		return Errorf(EINVALID, "trạng thái phê duyệt không hợp lệ %q / unknown approval state %q", a.State, a.State)
	}
	if reason := TextProblem(a.Comment); reason != "" {
		return &Error{Code: EINVALID, Message: "ý kiến phê duyệt: " + reason + " / approval comment: " + reason,
			Problems: []Problem{{Column: "comment", Value: ShownText(a.Comment), Reason: reason}}}
	}
	return nil
}

// CheckLocked returns ECONFLICT, naming every unit and period concerned, when
// a change set writes values under an approved (locked) unit-period. Callers
// consult it before Apply, and the stores check it again inside Apply's
// transaction so that an approval made meanwhile cannot let a write through.
// It does not depend on the storage engine.
func CheckLocked(ctx context.Context, as ApprovalReader, cs *ChangeSet) error {
	if as == nil || len(cs.Values) == 0 {
		return nil
	}
	return CheckLockedKeys(ctx, as, func(yield func(int, Key) bool) {
		for i := range cs.Values {
			if !yield(i, cs.Values[i].Key) {
				return
			}
		}
	})
}

// UnitHistoryReader reads the versions of some units and the transitions
// into them; a store's reader inside a write transaction is one.
type UnitHistoryReader interface {
	UnitHistory(ctx context.Context, codes []string) ([]OrgUnit, []Transition, error)
}

// CheckLockedKeys is CheckLocked for the keys of a change set's values,
// given with their 0-based position, for stores that hold a change set in
// another form than a slice of values (a streamed import). keys may be
// iterated twice.
//
// An approval locks the values of its unit within its period, and, when as
// is also a UnitHistoryReader, those of the units under it (a district's
// communes, whose figures roll up into the approved ones). A value of a
// wider period than the approved one (a six-month report after an approved
// first quarter) is not locked: it is another report.
func CheckLockedKeys(ctx context.Context, as ApprovalReader, keys iter.Seq2[int, Key]) error {
	if as == nil {
		return nil
	}
	// Nothing approved, nothing locked: a large import need not list its
	// units and those above them (a national file: 20,000 units).
	if any, err := as.Approvals(ctx, ApprovalQuery{State: ApprovalApproved, Limit: 1}); err != nil || len(any) == 0 {
		return err
	}
	units := map[string]bool{}
	var list []string
	for _, k := range keys {
		if !units[k.Unit] {
			units[k.Unit] = true
			list = append(list, k.Unit)
		}
	}
	if len(list) == 0 {
		return nil
	}
	h, err := unitsAbove(ctx, as, list)
	if err != nil {
		return err
	}
	approvals, err := as.Approvals(ctx, ApprovalQuery{Units: h.Codes(), State: ApprovalApproved})
	if err != nil {
		return err
	}
	if len(approvals) == 0 {
		return nil
	}
	e := &Error{Code: ECONFLICT}
	seen := map[string]bool{}
	for i, v := range keys {
		for _, a := range approvals {
			if !a.Locked() || !a.Period.Contains(v.Period) || !h.IsAncestor(a.Unit, v.Unit, v.Period.End()) {
				continue
			}
			if k := a.Unit + "/" + a.Period.ID(); !seen[k] {
				seen[k] = true
				if e.Message == "" {
					e.Message = fmt.Sprintf("số liệu của đơn vị %s kỳ %s đã được phê duyệt và khóa; cần người lập kế hoạch mở khóa / figures of unit %s for %s are approved and locked: a planner must unlock them first",
						a.Unit, a.Period.ID(), a.Unit, a.Period.ID())
				}
			}
			e.Problems = AddProblem(e.Problems, Problem{Row: i + 1, Column: v.Indicator, Value: v.Unit + " " + v.Period.ID(),
				Reason: fmt.Sprintf("đã phê duyệt, bị khóa / approved and locked (%s %s)", a.Unit, a.Period.ID())})
			break
		}
	}
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// unitsAbove returns the hierarchy of codes and of every unit above them,
// read through as when it is a UnitHistoryReader (otherwise it knows codes
// alone, each its own only ancestor).
func unitsAbove(ctx context.Context, as ApprovalReader, codes []string) (*Hierarchy, error) {
	// Room for every unit and a version or two of each: a national file
	// names twenty thousand units, and regrowing a slice of that many
	// units cost more than reading them.
	versions := make([]OrgUnit, 0, 3*len(codes))
	for _, c := range codes {
		versions = append(versions, OrgUnit{Code: c}) // a unit is its own ancestor, known or not
	}
	ur, ok := as.(UnitHistoryReader)
	if !ok {
		return NewHierarchy(versions, nil), nil
	}
	seen := map[string]bool{}
	next := codes
	for depth := 0; depth < 5 && len(next) > 0; depth++ {
		vs, _, err := ur.UnitHistory(ctx, next)
		if err != nil {
			return nil, err
		}
		for _, c := range next {
			seen[c] = true
		}
		next = nil
		for _, v := range vs {
			versions = append(versions, v)
			if v.Parent != "" && !seen[v.Parent] {
				seen[v.Parent] = true
				next = append(next, v.Parent)
			}
		}
	}
	return NewHierarchy(versions, nil), nil
}
