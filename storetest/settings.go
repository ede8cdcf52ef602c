package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"planwatch"
)

// testReportSettings: settings are empty until saved, come back as saved
// (normalized), every change leaves one audit entry with the old and new
// settings, an unchanged save leaves none, and invalid settings are refused
// with every problem named and nothing stored.
func testReportSettings(t *testing.T, ctx context.Context, s planwatch.Store) {
	got, err := s.ReportSettings(ctx, "20")
	if err != nil {
		t.Fatal(err)
	}
	if got.Unit != "20" || got.IssuingBody != "" || len(got.Recipients) != 0 || !got.At.IsZero() {
		t.Fatalf("settings before any save = %+v, want empty ones for unit 20", got)
	}
	want := planwatch.ReportSettings{Unit: "20", IssuingBody: " ỦY BAN NHÂN DÂN\r\nTỈNH LẠNG SƠN ", Symbol: "BC-UBND", Place: "Lạng Sơn",
		Recipients:      []string{"Văn phòng Chính phủ;", " ", "Bộ Kế hoạch và Đầu tư;", "Lưu: VT."},
		SignerAuthority: "TM. ỦY BAN NHÂN DÂN", SignerTitle: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}
	if err := s.SaveReportSettings(ctx, want, "an", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	got, err = s.ReportSettings(ctx, "20")
	if err != nil {
		t.Fatal(err)
	}
	if got.IssuingBody != "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN" || got.SignerTitle != "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" || got.Place != "Lạng Sơn" ||
		!slices.Equal(got.Recipients, []string{"Văn phòng Chính phủ;", "Bộ Kế hoạch và Đầu tư;", "Lưu: VT."}) ||
		got.Number != "" || got.SignerName != "" || got.By != "an" || got.At.IsZero() {
		t.Errorf("saved settings read back as %+v", got)
	}
	if other, err := s.ReportSettings(ctx, "209"); err != nil || other.IssuingBody != "" {
		t.Errorf("another unit's settings = %+v, %v; want empty", other, err)
	}
	audit := func() []planwatch.AuditEntry {
		t.Helper()
		es, err := s.Audit(ctx, planwatch.AuditQuery{Entity: planwatch.ReportSettingsEntity("20")})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	if es := audit(); len(es) != 1 || es[0].Action != "report_settings.set" || es[0].By != "an" || es[0].From != "127.0.0.1" ||
		es[0].Old != "" || !strings.Contains(es[0].New, "TỈNH LẠNG SƠN") {
		t.Fatalf("audit after the first save = %+v", es)
	}
	// The same settings again: nothing to record.
	if err := s.SaveReportSettings(ctx, got, "binh", "cli"); err != nil {
		t.Fatal(err)
	}
	if es := audit(); len(es) != 1 {
		t.Errorf("an unchanged save wrote audit: %d entries", len(es))
	}
	changed := got
	changed.SignerName = "Đoàn Thu Hà"
	if err := s.SaveReportSettings(ctx, changed, "binh", "cli"); err != nil {
		t.Fatal(err)
	}
	es := audit()
	if len(es) != 2 || !strings.Contains(es[0].Old, "TỈNH LẠNG SƠN") || strings.Contains(es[0].Old, "Đoàn Thu Hà") || !strings.Contains(es[0].New, "Đoàn Thu Hà") {
		t.Errorf("audit of the change = %+v", es)
	}

	bad := changed
	bad.Place = "Lạng Sơn\nHà Nội"
	bad.SignerName = strings.Repeat("x", 301)
	err = s.SaveReportSettings(ctx, bad, "binh", "cli")
	var pe *planwatch.Error
	if !errors.As(err, &pe) || pe.Code != planwatch.EINVALID || len(pe.Problems) != 2 {
		t.Fatalf("invalid settings: err = %v, want EINVALID with 2 problems", err)
	}
	if got, _ := s.ReportSettings(ctx, "20"); got.SignerName != "Đoàn Thu Hà" || got.Place != "Lạng Sơn" {
		t.Errorf("refused settings were stored: %+v", got)
	}
	if len(audit()) != 2 {
		t.Error("refused settings wrote audit")
	}
}
