package planwatch

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// RuleOp compares the two sides of a validation rule.
type RuleOp string

const (
	OpEqual          RuleOp = "="
	OpNotEqual       RuleOp = "!="
	OpLess           RuleOp = "<"
	OpLessEqual      RuleOp = "<="
	OpGreater        RuleOp = ">"
	OpGreaterEqual   RuleOp = ">="
	OpCompulsoryPair RuleOp = "compulsory_pair" // both sides present or both missing (DHIS2's compulsory pair)
)

// RuleOps lists the operators in the order forms show them.
var RuleOps = []RuleOp{OpEqual, OpNotEqual, OpLess, OpLessEqual, OpGreater, OpGreaterEqual, OpCompulsoryPair}

// ParseRuleOp reads an operator, also in its mathematical spelling (≤ ≥ ≠ ==).
func ParseRuleOp(s string) (RuleOp, bool) {
	switch strings.TrimSpace(s) {
	case "=", "==":
		return OpEqual, true
	case "!=", "≠", "<>":
		return OpNotEqual, true
	case "<":
		return OpLess, true
	case "<=", "≤":
		return OpLessEqual, true
	case ">":
		return OpGreater, true
	case ">=", "≥":
		return OpGreaterEqual, true
	case "compulsory_pair", "pair":
		return OpCompulsoryPair, true
	}
	return "", false
}

// Symbol is the operator as printed (≤, ≥, ≠).
func (o RuleOp) Symbol() string {
	switch o {
	case OpNotEqual:
		return "≠"
	case OpLessEqual:
		return "≤"
	case OpGreaterEqual:
		return "≥"
	case OpCompulsoryPair:
		return "⇔"
	}
	return string(o)
}

// Rule actions on entry.
const (
	RuleWarn  = "warn"  // the value is stored and the violation shown
	RuleBlock = "block" // a change set that would break the rule is refused
)

// Rule importances, as in DHIS2.
var RuleImportances = []string{"high", "medium", "low"}

// ValidationRule is a cross-check of the figures (quy tắc kiểm tra số liệu):
// Left Op Right, both expressions of the formula language (package
// formula), evaluated for a unit and period. A rule is skipped where a side
// is missing, except a compulsory pair, which is broken when exactly one side
// is present. With Each set, the rule is a template: "$" in its sides stands
// for each indicator of the catalogue Each selects (see package rules).
type ValidationRule struct {
	Code       string  `json:"code"`
	NameVI     string  `json:"name_vi"`
	NameEN     string  `json:"name_en,omitempty"`
	Each       string  `json:"each,omitempty"`
	Left       string  `json:"left"`
	Op         RuleOp  `json:"op"`
	Right      string  `json:"right"`
	Importance string  `json:"importance"`
	Action     string  `json:"action"`                  // warn or block
	Tolerance  float64 `json:"tolerance_pct,omitempty"` // = and ≠: relative difference (in %) still taken as equal
	MessageVI  string  `json:"message_vi,omitempty"`
	MessageEN  string  `json:"message_en,omitempty"`
	// Generated: made by planwatch (a breakdown's total against its parts),
	// not stored.
	Generated bool `json:"generated,omitempty"`
}

// ValidSlug reports whether s can be a rule code: 1 to 64 ASCII letters,
// digits, '_', '.' or '-', starting with a letter or digit. Category and
// option codes, which formulas read, have no '-' besides (Category.Validate).
func ValidSlug(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[0] == '-' || s[0] == '_' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Validate checks the rule's fields other than its expressions (which the
// formula package checks against the catalogue), naming each bad field.
func (r *ValidationRule) Validate() []Problem {
	var ps []Problem
	bad := func(col, value, reason string) { ps = append(ps, Problem{Column: col, Value: value, Reason: reason}) }
	if !ValidSlug(r.Code) {
		bad("code", r.Code, "mã gồm 1–64 chữ cái, chữ số, '-', '_' hoặc '.' / a code has 1–64 letters, digits, '-', '_' or '.'")
	}
	if strings.TrimSpace(r.NameVI) == "" {
		bad("name_vi", "", "thiếu tên tiếng Việt / Vietnamese name required")
	}
	if strings.TrimSpace(r.Left) == "" {
		bad("left", "", "thiếu vế trái / left side required")
	}
	if strings.TrimSpace(r.Right) == "" {
		bad("right", "", "thiếu vế phải / right side required")
	}
	if _, ok := ParseRuleOp(string(r.Op)); !ok {
		bad("op", string(r.Op), "phép so sánh là =, ≠, <, ≤, >, ≥ hoặc compulsory_pair / operator must be =, !=, <, <=, >, >= or compulsory_pair")
	}
	ok := false
	for _, i := range RuleImportances {
		ok = ok || r.Importance == i
	}
	if !ok {
		bad("importance", r.Importance, "mức độ là high, medium hoặc low / importance must be high, medium or low")
	}
	if r.Action != RuleWarn && r.Action != RuleBlock {
		bad("action", r.Action, "xử lý là warn (cảnh báo) hoặc block (chặn) / action must be warn or block")
	}
	if r.Tolerance < 0 || r.Tolerance > 100 || r.Tolerance != r.Tolerance {
		bad("tolerance_pct", fmt.Sprint(r.Tolerance), "sai số cho phép từ 0 đến 100% / tolerance must be 0–100 %")
	}
	return ps
}

// Category is a breakdown of indicators (DHIS2's category): named options
// that split an indicator's figure, e.g. ownership: state, non-state, FDI.
// The figure of an option is stored under the sub-indicator code
// Indicator.Code + "~" + option code.
type Category struct {
	Code    string           `json:"code"`
	NameVI  string           `json:"name_vi"`
	NameEN  string           `json:"name_en,omitempty"`
	Options []CategoryOption `json:"options"`
}

// CategoryOption is one part of a category.
type CategoryOption struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en,omitempty"`
}

// OptionSep joins an indicator's code and an option's in a sub-indicator code.
const OptionSep = "~"

// SubIndicatorCode is the code an option's figures of an indicator are stored under.
func SubIndicatorCode(indicator, option string) string { return indicator + OptionSep + option }

// SplitSubIndicator splits a sub-indicator code into its indicator and
// option; ok is false for an ordinary code.
func SplitSubIndicator(code string) (indicator, option string, ok bool) {
	i := strings.LastIndex(code, OptionSep)
	if i <= 0 || i == len(code)-1 {
		return code, "", false
	}
	return code[:i], code[i+1:], true
}

// PartOf gives the indicator whose total sub is a part of: sub is a
// sub-indicator CODE~option, not retired. Attaching an indicator to
// another category, or removing an option, retires the sub-indicators of
// the options it no longer has (package rules, Attach), so the parts left
// are its category's current options. ok is false for any other indicator.
func PartOf(sub *Indicator) (indicator string, ok bool) {
	parent, _, ok := SplitSubIndicator(sub.Code)
	return parent, ok && !sub.Retired
}

// SubIndicators are the indicators an option's figures of ind are stored
// under (CODE~option), with ind's settings: its kind, aggregations, unit,
// sector and direction, named "<indicator> — <option>".
func SubIndicators(ind Indicator, cat Category) []Indicator {
	out := make([]Indicator, 0, len(cat.Options))
	for _, o := range cat.Options {
		sub := ind
		sub.Code = SubIndicatorCode(ind.Code, o.Code)
		sub.NameVI = ind.NameVI + " — " + o.NameVI
		sub.NameEN = cmp.Or(ind.NameEN, ind.NameVI) + " — " + cmp.Or(o.NameEN, o.NameVI)
		sub.Category, sub.Formula, sub.Retired = "", "", false
		out = append(out, sub)
	}
	return out
}

// Breakdown returns what keeps the parts of ind equal to the options of
// its category cat (nil: none, ind detached), given the indicators stored:
// each sub-indicator of cat's options missing or whose settings differ
// from ind's, and ind's parts of other options retired (their values
// kept), so that a total never adds options it no longer has.
func Breakdown(stored []Indicator, ind Indicator, cat *Category) []Indicator {
	byCode := make(map[string]Indicator, len(stored))
	for _, x := range stored {
		byCode[x.Code] = x
	}
	var out []Indicator
	current := map[string]bool{}
	if cat != nil {
		for _, sub := range SubIndicators(ind, *cat) {
			current[sub.Code] = true
			if old, ok := byCode[sub.Code]; !ok || old != sub {
				out = append(out, sub)
			}
		}
	}
	for _, old := range stored {
		if parent, ok := PartOf(&old); ok && parent == ind.Code && !current[old.Code] {
			old.Retired = true
			out = append(out, old)
		}
	}
	return out
}

// Validate checks the category, naming each bad field; options are named
// by their row (1-based).
func (c *Category) Validate() []Problem {
	var ps []Problem
	// Category and option codes end up in formulas (CODE~option), where
	// "-" is a minus: x~state-owned would read x~state minus owned.
	formulaSlug := func(s string) bool { return ValidSlug(s) && !strings.Contains(s, "-") }
	if !formulaSlug(c.Code) {
		ps = append(ps, Problem{Column: "code", Value: c.Code, Reason: "mã gồm 1–64 chữ cái, chữ số, '_' hoặc '.', không có '-' (dấu trừ trong công thức) / a code has 1–64 letters, digits, '_' or '.', no '-' (a minus in formulas)"})
	}
	if strings.TrimSpace(c.NameVI) == "" {
		ps = append(ps, Problem{Column: "name_vi", Reason: "thiếu tên tiếng Việt / Vietnamese name required"})
	}
	if len(c.Options) < 2 || len(c.Options) > 100 {
		ps = append(ps, Problem{Column: "options", Value: fmt.Sprint(len(c.Options)), Reason: "cần từ 2 đến 100 lựa chọn / a category has 2 to 100 options"})
	}
	seen := map[string]int{}
	for i, o := range c.Options {
		row := i + 1
		if !formulaSlug(o.Code) {
			ps = append(ps, Problem{Row: row, Column: "option", Value: o.Code, Reason: "mã lựa chọn gồm chữ cái, chữ số, '_' hoặc '.', không có '-' (dấu trừ trong công thức) / an option code has letters, digits, '_' or '.', no '-' (a minus in formulas)"})
		}
		if strings.TrimSpace(o.NameVI) == "" {
			ps = append(ps, Problem{Row: row, Column: "option_name_vi", Value: o.Code, Reason: "thiếu tên tiếng Việt / Vietnamese name required"})
		}
		if prev, dup := seen[o.Code]; dup {
			ps = append(ps, Problem{Row: row, Column: "option", Value: o.Code, Reason: fmt.Sprintf("trùng lựa chọn ở dòng %d / same option as row %d", prev, prev)})
		}
		seen[o.Code] = row
	}
	return ps
}

// RuleStore keeps validation rules and breakdown categories (migration 009).
// Every change is audited in the same transaction (rule.set, rule.delete,
// category.set, category.delete, with the old and new JSON, who made it and
// from where: the client's address, "cli").
type RuleStore interface {
	// SaveRules inserts or replaces rules by code, all or none. EINVALID
	// (with Problems, rows 1-based in the order given) if one fails Validate.
	SaveRules(ctx context.Context, rules []ValidationRule, by, from string) error
	// DeleteRule removes a rule. ENOTFOUND if there is none of that code.
	DeleteRule(ctx context.Context, code, by, from string) error
	// Rules lists the stored rules ordered by code.
	Rules(ctx context.Context) ([]ValidationRule, error)
	// SaveCategory inserts or replaces a category by code. EINVALID if it fails Validate.
	SaveCategory(ctx context.Context, c Category, by, from string) error
	// DeleteCategory removes a category. ENOTFOUND if there is none of that code.
	DeleteCategory(ctx context.Context, code, by, from string) error
	// Categories lists the categories ordered by code.
	Categories(ctx context.Context) ([]Category, error)
}
