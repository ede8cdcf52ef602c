package calc

import (
	"context"

	"planwatch"
)

// ApprovalSource is a store that keeps approvals (planwatch.ApprovalStore's
// read side).
type ApprovalSource interface {
	Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error)
}

// MarkApproved sets Approved on every value whose unit-period lies within an
// approved one and, when only is set, leaves out the others. It reuses vals'
// backing array.
func MarkApproved(vals []planwatch.DataValue, approvals []planwatch.Approval, only bool) []planwatch.DataValue {
	approved := planwatch.ApprovedOf(approvals)
	out := vals[:0]
	for _, v := range vals {
		v.Approved = approved.Covers(v.Unit, v.Period)
		if v.Approved || !only {
			out = append(out, v)
		}
	}
	return out
}
