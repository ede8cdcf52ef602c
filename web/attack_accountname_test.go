package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackAccountNameInvisible (sixth session): the accounts page
// refused spaces and ASCII controls in a new account's name but took a C1
// control, a zero-width space or a right-to-left override: an
// administrator (or one who took an administrator's session) could make
// "root\u200b", shown as "root" beside the real one in the audit trail.
// Refused with the one name rule (planwatch.Account.Validate); a name
// typed in decomposed form is kept in NFC and signs in.
func TestAttackAccountNameInvisible(t *testing.T) {
	s, as, _ := accountsServer(t, false)
	admin := signedIn(t, s, "root")
	admin.get("/accounts")
	for _, name := range []string{"root\u200b", "root\u0085", "an\u202enimda", "an\ufeff"} {
		rec := admin.postForm("/accounts", url.Values{"name": {name}, "role": {"admin"}})
		if _, err := as.Account(t.Context(), name); err == nil {
			t.Errorf("account %+q created (%d)", name, rec.Code)
		}
	}
	rec := admin.postForm("/accounts", url.Values{"name": {"nguye\u0302\u0303n"}, "role": {"viewer"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("create nguyễn: %d %s", rec.Code, bodyStart(body(rec)))
	}
	a, err := as.Account(t.Context(), "nguyễn")
	if err != nil || a.Role != planwatch.RoleViewer {
		t.Fatalf("the account typed decomposed is not kept in NFC: %+v %v", a, err)
	}
	if !strings.Contains(body(rec), "nguyễn") {
		t.Errorf("the page does not show the NFC name")
	}
}
