package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/web/i18n"
)

// Approval (phê duyệt): a reporter submits a unit's period, a planner
// approves it, which locks entry (planwatch.CheckLocked, enforced by the
// store inside Apply), or returns it with a comment; a planner can unlock an
// approved period with a reason. Every step is audited.

// markApproved marks values with their approval and, with only, keeps the
// approved ones.
func (s *Server) markApproved(ctx context.Context, vals []planwatch.DataValue, only bool) ([]planwatch.DataValue, error) {
	var approvals []planwatch.Approval
	if s.approvals != nil {
		var err error
		if approvals, err = s.approvals.Approvals(ctx, planwatch.ApprovalQuery{State: planwatch.ApprovalApproved}); err != nil {
			return nil, err
		}
	}
	return calc.MarkApproved(vals, approvals, only), nil
}

// approvalOf returns the state of a unit and period (open when never set).
func (s *Server) approvalOf(ctx context.Context, unit string, p planwatch.Period) (planwatch.Approval, error) {
	open := planwatch.Approval{Unit: unit, Period: p, State: planwatch.ApprovalOpen}
	if s.approvals == nil {
		return open, nil
	}
	as, err := s.approvals.Approvals(ctx, planwatch.ApprovalQuery{Units: []string{unit}, Year: p.Year})
	if err != nil {
		return open, err
	}
	for _, a := range as {
		if a.Period.SameMonths(p) {
			return a, nil
		}
	}
	return open, nil
}

// approvalStep is one move of the workflow: from which states, to which,
// and whether a comment is required.
type approvalStep struct {
	from        []planwatch.ApprovalState
	to          planwatch.ApprovalState
	needComment bool
}

var approvalSteps = map[string]approvalStep{
	"submit":  {[]planwatch.ApprovalState{planwatch.ApprovalOpen, planwatch.ApprovalReturned}, planwatch.ApprovalSubmitted, false},
	"approve": {[]planwatch.ApprovalState{planwatch.ApprovalSubmitted}, planwatch.ApprovalApproved, false},
	"return":  {[]planwatch.ApprovalState{planwatch.ApprovalSubmitted}, planwatch.ApprovalReturned, true},
	"unlock":  {[]planwatch.ApprovalState{planwatch.ApprovalApproved}, planwatch.ApprovalOpen, true},
}

// approvalRow is one unit on the approvals page.
type approvalRow struct {
	planwatch.Approval
	Name                            string
	CanSubmit, CanDecide, CanUnlock bool
	// CanApprove: the user may also approve what they may decide on (not
	// their own figures or submission: separateDuties).
	CanApprove bool
}

type approvalsData struct {
	UnitName string
	Rows     []approvalRow
	Enabled  bool
}

// handleApprovals lists the state of the chosen unit and its subordinate
// units for the period, with the actions the user may take.
func (s *Server) handleApprovals(w http.ResponseWriter, r *http.Request) error {
	p, snap, sel, err := s.pageWithPickers(w, r, "approvals")
	if err != nil {
		return err
	}
	if msg := r.URL.Query().Get("done"); msg != "" && approvalSteps[msg].to != "" {
		p.Flash = append(p.Flash, i18n.T(p.Lang, "approval.done."+msg))
	}
	d := approvalsData{UnitName: unitName(snap, sel.Unit, sel.Period), Enabled: s.approvals != nil}
	units := append([]string{sel.Unit}, snap.ds.Units().ChildrenAt(sel.Unit, sel.Period.End())...)
	u := userOf(r.Context())
	planner := u != nil && (u.Role == RolePlanner || u.Role == RoleAdmin)
	var duties *duties
	if planner {
		if duties, err = s.separateDuties(r.Context(), snap, u, sel.Period, units); err != nil {
			return err
		}
	}
	for _, code := range units {
		a, err := s.approvalOf(r.Context(), code, sel.Period)
		if err != nil {
			return err
		}
		if !showsNames(r.Context()) {
			a.By = ""
		}
		row := approvalRow{Approval: a, Name: unitName(snap, code, sel.Period)}
		row.CanSubmit = slices.Contains(approvalSteps["submit"].from, a.State) && u != nil &&
			authorizeApproval(u, "submit", code) == nil
		row.CanDecide = planner && a.State == planwatch.ApprovalSubmitted
		if row.CanDecide {
			if err := duties.check(a); err == nil {
				row.CanApprove = true
			} else if planwatch.ErrorCode(err) != planwatch.EFORBIDDEN {
				return err
			}
		}
		row.CanUnlock = planner && a.State == planwatch.ApprovalApproved
		d.Rows = append(d.Rows, row)
	}
	p.D = d
	s.render(w, r, http.StatusOK, "approvals", p)
	return nil
}

// postApproval moves a unit-period one step and audits it.
func (s *Server) postApproval(action string) func(http.ResponseWriter, *http.Request) error {
	step := approvalSteps[action]
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		if s.approvals == nil {
			return planwatch.Errorf(planwatch.EINVALID, "kho dữ liệu không hỗ trợ phê duyệt / the store keeps no approvals")
		}
		unit := strings.TrimSpace(r.PostFormValue("unit"))
		per, err := planwatch.ParsePeriod(strings.TrimSpace(r.PostFormValue("period")))
		if err != nil {
			return err
		}
		if unit == "" {
			return invalid("thiếu đơn vị / unit missing")
		}
		snap, err := s.snapshot(ctx)
		if err != nil {
			return err
		}
		if err := authorizeApproval(userOf(ctx), action, unit); err != nil {
			return err
		}
		if _, ok := snap.ds.Units().At(unit, per.End()); !ok {
			return notFound("không có đơn vị %s trong kỳ %s / no unit %s in %s", unit, per.ID(), unit, per.ID())
		}
		comment := strings.TrimSpace(r.PostFormValue("comment"))
		if step.needComment && comment == "" {
			return invalid("cần ghi lý do / a comment is required to %s %s %s", action, unit, per.ID())
		}
		cur, err := s.approvalOf(ctx, unit, per)
		if err != nil {
			return err
		}
		if !slices.Contains(step.from, cur.State) {
			return planwatch.Errorf(planwatch.ECONFLICT, "không thể %s: đơn vị %s kỳ %s đang ở trạng thái %s / cannot %s unit %s %s: it is %s",
				action, unit, per.ID(), cur.State, action, unit, per.ID(), cur.State)
		}
		if step.to == planwatch.ApprovalApproved {
			d, err := s.separateDuties(ctx, snap, userOf(ctx), per, []string{unit})
			if err != nil {
				return err
			}
			if err := d.check(cur); err != nil {
				return err
			}
		}
		next := planwatch.Approval{Unit: unit, Period: per, State: step.to, By: userName(ctx), At: s.now(), Comment: comment}
		if err := s.approvals.SetApproval(ctx, next); err != nil {
			return err
		}
		if err := s.audit(ctx, r, planwatch.AuditEntry{Action: "approval." + action, Entity: "approval/" + unit + "/" + per.ID(),
			Old: string(cur.State), New: string(step.to), Detail: comment}); err != nil {
			return err
		}
		s.invalidate()
		if wantsJSON(r) {
			writeJSON(w, http.StatusOK, next)
			return nil
		}
		back := r.PostFormValue("view")
		if back == "" {
			back = unit
		}
		http.Redirect(w, r, string(link("/approvals", "unit", back, "period", per.ID(), "done", action)), http.StatusSeeOther)
		return nil
	}
}

// apiApprovals lists approvals: ?unit=a,b&year=2022&state=approved.
func (s *Server) apiApprovals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	aq := planwatch.ApprovalQuery{Units: splitList(q.Get("unit")), State: planwatch.ApprovalState(q.Get("state"))}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return invalid("year %q: expected a year", y)
		}
		aq.Year = n
	}
	if aq.State != "" && !planwatch.ValidApprovalState(aq.State) {
		return invalid("state %q: expected open, submitted, returned or approved", aq.State)
	}
	out := []planwatch.Approval{}
	if s.approvals != nil {
		as, err := s.approvals.Approvals(r.Context(), aq)
		if err != nil {
			return err
		}
		out = append(out, as...)
	}
	hideNames(r.Context(), nil, out)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dayEnd is the end of a due day, in the server's time zone.
func dayEnd(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}
