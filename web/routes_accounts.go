package web

import "net/http"

// handle adapts a handler that returns an error.
func (s *Server) handle(f func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// accountRoutes are the routes of issue 6: signing in and out, approval,
// completeness and timeliness, the audit trail, and the CSV/XLSX download
// whose formula guard issue 6 tests. There is deliberately no
// route that changes or deletes audit entries.
func (s *Server) accountRoutes() []route {
	h := s.handle
	return []route{
		{"GET /login", AccessPublic, h(s.handleLogin)},
		{"POST /login", AccessPublic, h(s.postLogin)},
		{"POST /logout", AccessPublic, h(s.postLogout)},

		{"GET /approvals", AccessRead, h(s.handleApprovals)},
		{"POST /approvals/submit", AccessWrite, h(s.postApproval("submit"))},
		{"POST /approvals/approve", AccessPlan, h(s.postApproval("approve"))},
		{"POST /approvals/return", AccessPlan, h(s.postApproval("return"))},
		{"POST /approvals/unlock", AccessPlan, h(s.postApproval("unlock"))},
		{"GET /completeness", AccessRead, h(s.handleCompleteness)},
		{"GET /audit", AccessPlan, h(s.handleAudit)},
		{"GET /export", AccessRead, h(s.handleExport)},

		{"GET /api/approvals", AccessRead, h(s.apiApprovals)},
		{"GET /api/completeness", AccessRead, h(s.apiCompleteness)},
		{"GET /api/audit", AccessPlan, h(s.apiAudit)},

		// Issue 13, part 6: accounts, for administrators.
		{"GET /accounts", AccessAdmin, h(s.handleAccounts)},
		{"POST /accounts", AccessAdmin, h(s.postAccountCreate)},
		{"POST /accounts/update", AccessAdmin, h(s.postAccountChange("update"))},
		{"POST /accounts/disable", AccessAdmin, h(s.postAccountChange("disable"))},
		{"POST /accounts/enable", AccessAdmin, h(s.postAccountChange("enable"))},
		{"POST /accounts/password", AccessAdmin, h(s.postAccountChange("password"))},
		{"GET /api/accounts", AccessAdmin, h(s.apiAccounts)},
		{"GET /password", AccessSignedIn, h(s.handlePassword)},
		{"POST /password", AccessSignedIn, h(s.postPassword)},
	}
}
