package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackApprovalAndNoteTexts (fifth session): the texts a value carries
// are bounded and free of control characters (engine), but an approval's
// comment — which a reporter gives when submitting, shown on the approvals
// page to every reader — and a report note or task were stored as sent: a
// megabyte of comment, a NUL (PostgreSQL refuses it: an internal error
// there, and a SQLite database holding one cannot be copied to it), a
// terminal escape. They are refused like a value's, naming the field.
func TestAttackApprovalAndNoteTexts(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	for _, comment := range []string{strings.Repeat("dài ", 1001), "nul\x00here", "\x1b[2Jcleared"} {
		rec := postStep(t, s, "reporter-178", "submit", "178", "2022Q1", comment)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("submit with a comment of %d bytes starting %q: %d, want 422\n%.300s", len(comment), comment[:8], rec.Code, body(rec))
		}
	}
	as, err := st.(planwatch.ApprovalStore).Approvals(t.Context(), planwatch.ApprovalQuery{Units: []string{"178"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		t.Errorf("stored: %s %s with a comment of %d bytes", a.Unit, a.State, len(a.Comment))
	}
	c := newClient(t, s)
	c.user = "planner"
	c.get("/report?unit=20&period=2022Q1")
	for _, text := range []string{strings.Repeat("dài ", 1001), "nul\x00here", "\x07bell"} {
		if rec := c.postForm("/report/notes", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "section": {"trade"}, "text": {text}}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("note of %d bytes starting %q: %d, want 422", len(text), text[:5], rec.Code)
		}
		if rec := c.postForm("/report/tasks", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "due": {"2022Q2"}, "section": {"trade"}, "text": {text}}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("task of %d bytes starting %q: %d, want 422", len(text), text[:5], rec.Code)
		}
	}
	// Line breaks and Vietnamese stay welcome.
	if rec := postStep(t, s, "reporter-178", "submit", "178", "2022Q1", "Số liệu quý I\r\nđã rà soát"); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Errorf("submit with a plain comment: %d\n%.300s", rec.Code, body(rec))
	}
}
