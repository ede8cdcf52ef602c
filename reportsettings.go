package planwatch

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ReportSettings are what a unit's period report prints around its text as
// an administrative document (Decree 30/2020/NĐ-CP, Appendix I): the bodies
// in the header, the document's number and symbol, the place in the date
// line, the recipients (nơi nhận) and the signature block. A field left empty
// prints as a dotted blank to fill in by hand. Text fields may hold several
// lines separated by "\n" ("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN").
type ReportSettings struct {
	Unit string `json:"orgunit"`
	// GoverningBody is the body above the issuing one (cơ quan chủ quản),
	// e.g. "UBND TỈNH LẠNG SƠN" over a department; empty for a People's Committee.
	GoverningBody string `json:"governing_body"`
	// IssuingBody is the body that issues the report (cơ quan ban hành).
	IssuingBody string `json:"issuing_body"`
	// Number is the document's number (số), often given only when it is issued.
	Number string `json:"number"`
	// Symbol is the document's symbol (ký hiệu): "BC-UBND".
	Symbol string `json:"symbol"`
	// Place is the place in the date line ("Lạng Sơn, ngày … tháng … năm …").
	Place string `json:"place"`
	// Recipients are the lines of "Nơi nhận:", one recipient each.
	Recipients []string `json:"recipients"`
	// SignerAuthority is the capacity in which the body signs: "TM. ỦY BAN NHÂN DÂN".
	SignerAuthority string `json:"signer_authority"`
	// SignerTitle is the signer's title, with "KT." when signing for the
	// head: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
	SignerTitle string `json:"signer_title"`
	// SignerName is the signer's full name.
	SignerName string `json:"signer_name"`

	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// Bounds on report settings: enough for any header, small enough that a
// form cannot fill the database.
const (
	maxSettingText  = 300
	maxRecipients   = 40
	maxSettingLines = 4
)

// Validate lists every problem of the settings, each naming its field.
func (s *ReportSettings) Validate() []Problem {
	var out []Problem
	if strings.TrimSpace(s.Unit) == "" {
		out = append(out, Problem{Column: "orgunit", Reason: "thiếu mã đơn vị / unit code required"})
	}
	check := func(field, v string, lines int) {
		switch {
		case !utf8.ValidString(v):
			out = append(out, Problem{Column: field, Reason: "không phải UTF-8 / not valid UTF-8"})
		case utf8.RuneCountInString(v) > maxSettingText:
			out = append(out, Problem{Column: field, Value: v[:40], Reason: fmt.Sprintf("dài quá %d ký tự / longer than %d characters", maxSettingText, maxSettingText)})
		case strings.Count(v, "\n") >= lines:
			out = append(out, Problem{Column: field, Reason: fmt.Sprintf("quá %d dòng / more than %d lines", lines, lines)})
		case strings.ContainsFunc(v, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }):
			out = append(out, Problem{Column: field, Reason: "có ký tự điều khiển / contains control characters"})
		}
	}
	check("governing_body", s.GoverningBody, maxSettingLines)
	check("issuing_body", s.IssuingBody, maxSettingLines)
	check("number", s.Number, 1)
	check("symbol", s.Symbol, 1)
	check("place", s.Place, 1)
	check("signer_authority", s.SignerAuthority, maxSettingLines)
	check("signer_title", s.SignerTitle, maxSettingLines)
	check("signer_name", s.SignerName, 1)
	if len(s.Recipients) > maxRecipients {
		out = append(out, Problem{Column: "recipients", Reason: fmt.Sprintf("quá %d nơi nhận / more than %d recipients", maxRecipients, maxRecipients)})
	}
	for i, r := range s.Recipients {
		check(fmt.Sprintf("recipients[%d]", i+1), r, 1)
	}
	return out
}

// Normalize trims every field, turns "\r\n" into "\n" and drops empty recipients.
func (s *ReportSettings) Normalize() {
	clean := func(v string) string {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
		lines := strings.Split(v, "\n")
		keep := lines[:0]
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	for _, f := range []*string{&s.Unit, &s.GoverningBody, &s.IssuingBody, &s.Number, &s.Symbol, &s.Place, &s.SignerAuthority, &s.SignerTitle, &s.SignerName} {
		*f = clean(*f)
	}
	var rs []string
	for _, r := range s.Recipients {
		if r = strings.TrimSpace(strings.ReplaceAll(r, "\n", " ")); r != "" {
			rs = append(rs, r)
		}
	}
	s.Recipients = rs
}

// ReportSettingsStore keeps each unit's report settings.
type ReportSettingsStore interface {
	// ReportSettings returns a unit's settings; a unit without stored
	// settings gets empty ones (Unit set), not an error.
	ReportSettings(ctx context.Context, unit string) (ReportSettings, error)
	// SaveReportSettings normalizes and replaces a unit's settings, writing
	// an audit entry (old and new) in the same transaction. EINVALID (with
	// Problems) if Validate fails: then nothing is stored.
	SaveReportSettings(ctx context.Context, s ReportSettings, by, from string) error
}

// ReportSettingsEntity is the audit entity of a unit's report settings.
func ReportSettingsEntity(unit string) string { return "report_settings/" + unit }
