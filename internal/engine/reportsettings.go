package engine

import (
	"time"

	"planwatch"
)

// PlanReportSettings checks new settings against the stored ones and says
// what to write: the normalized settings stamped with who and when, and the
// audit entry of the change. changed is false when nothing differs (nothing
// to write). The error is EINVALID with every problem.
func PlanReportSettings(old, s planwatch.ReportSettings, now time.Time, by, from string) (planwatch.ReportSettings, planwatch.AuditEntry, bool, error) {
	s.Normalize()
	if problems := s.Validate(); len(problems) > 0 {
		return s, planwatch.AuditEntry{}, false, Invalid(problems)
	}
	s.By, s.At = by, now
	if sameSettings(old, s) {
		return s, planwatch.AuditEntry{}, false, nil
	}
	oldText := ""
	if !old.At.IsZero() {
		old.By, old.At = "", time.Time{}
		oldText = JSONText(old)
	}
	text := s
	text.By, text.At = "", time.Time{}
	e := planwatch.AuditEntry{At: now, By: by, From: from, Action: "report_settings.set",
		Entity: planwatch.ReportSettingsEntity(s.Unit), Old: oldText, New: JSONText(text)}
	return s, e, true, nil
}

func sameSettings(a, b planwatch.ReportSettings) bool {
	a.By, a.At, b.By, b.At = "", time.Time{}, "", time.Time{}
	if len(a.Recipients) == 0 && len(b.Recipients) == 0 {
		a.Recipients, b.Recipients = nil, nil
	}
	return JSONText(a) == JSONText(b)
}
