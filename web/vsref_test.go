package web

import (
	"strings"
	"testing"
)

// Stocks show their change against 31 December of the previous year on the
// dashboard, in both languages.
func TestDashboardShowsChangeSinceEndOfYear(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	vi := body(c.get("/?unit=20&period=2022Q1"))
	if !strings.Contains(vi, `class="vsref"`) || !strings.Contains(vi, "so với 31/12/2021") {
		t.Errorf("Vietnamese dashboard lacks the change vs 31/12/2021")
	}
	en := body(c.get("/?unit=20&period=2022Q1&lang=en"))
	if !strings.Contains(en, "vs 31/12/2021") {
		t.Errorf("English dashboard lacks the change vs 31/12/2021")
	}
}
