package planwatch

import (
	"fmt"
	"slices"
	"strings"
)

// Kind says what an indicator measures, which fixes how it may be combined.
type Kind string

const (
	KindFlow    Kind = "flow"    // measured over a period: turnover, arrivals, disbursement
	KindStock   Kind = "stock"   // a level at a date: deposits, herds
	KindCount   Kind = "count"   // a number of events in the period
	KindRate    Kind = "rate"    // a ratio or share, in percent
	KindIndex   Kind = "index"   // an index with a base of 100 (IIP, CPI)
	KindAverage Kind = "average" // a per-unit mean: criteria per commune, GRDP per capita
)

// Kinds lists every valid Kind.
var Kinds = []Kind{KindFlow, KindStock, KindCount, KindRate, KindIndex, KindAverage}

// TimeAgg is how sub-periods combine into a longer period (month → quarter → year).
type TimeAgg string

const (
	TimeSum  TimeAgg = "sum"  // add periods; the year-to-date sum is the "lũy kế" figure
	TimeLast TimeAgg = "last" // the value at the end of the period
	TimeAvg  TimeAgg = "avg"  // mean of sub-period values
	TimeNone TimeAgg = "none" // cannot be derived from sub-periods; only reported values count
)

// UnitAgg is how the values of child units combine into their parent's.
type UnitAgg string

const (
	UnitSum   UnitAgg = "sum"   // add units: flows, stocks, counts
	UnitAvg   UnitAgg = "avg"   // plain mean over reporting units (criteria per commune)
	UnitRatio UnitAgg = "ratio" // recompute from numerator and denominator indicators
	UnitNone  UnitAgg = "none"  // never combined; only reported values count
)

// Direction says whether a higher value is better.
type Direction int

const (
	HigherIsBetter Direction = 1
	LowerIsBetter  Direction = -1
)

// Indicator is one entry of the indicator catalogue.
type Indicator struct {
	Code        string    `json:"code"`
	NameVI      string    `json:"name_vi"`
	NameEN      string    `json:"name_en"`
	Unit        string    `json:"unit"`        // as printed in reports: "tỷ đồng", "triệu USD", "ha"
	Sector      string    `json:"sector"`      // group of the provincial indicator system
	Kind        Kind      `json:"kind"`        // flow, stock, count, rate, index, average
	TimeAgg     TimeAgg   `json:"time_agg"`    // over periods
	UnitAgg     UnitAgg   `json:"unit_agg"`    // over administrative units
	Direction   Direction `json:"direction"`   // 1 higher is better, -1 lower is better
	Decimals    int       `json:"decimals"`    // decimals shown in the display unit
	Numerator   string    `json:"numerator"`   // for UnitRatio: indicator codes
	Denominator string    `json:"denominator"` //
	Periodicity string    `json:"periodicity"` // month, quarter, half, year
	// Formula makes a derived indicator: an expression over other
	// indicators (package formula defines the language).
	Formula string `json:"formula,omitempty"`
	// Category is the code of a breakdown category whose options split
	// this indicator.
	Category string `json:"category,omitempty"`
	// Retired indicators are no longer monitored: they leave dashboards and
	// forms, and their data are kept.
	Retired bool `json:"retired,omitempty"`
}

// BaseUnit is the unit values are stored in ("VND" for "tỷ đồng") and Scale the
// factor from the display unit to it (1e9).
func (ind *Indicator) BaseUnit() (unit string, scale float64) { return SplitUnit(ind.Unit) }

// Validate reports the first inconsistency of the indicator's settings,
// including combinations that must never happen (summing a stock over time).
func (ind *Indicator) Validate() error {
	_, err := ind.Check()
	return err
}

// Check is Validate that also names the field at fault ("code", "kind",
// "aggregation" for the time aggregation, "unit_agg", "numerator", "direction").
func (ind *Indicator) Check() (field string, err error) {
	if ind.Code == "" {
		return "code", Errorf(EINVALID, "thiếu mã chỉ tiêu (indicator code required)")
	}
	if ind.NameVI == "" {
		return "name_vi", Errorf(EINVALID, "chỉ tiêu %s: thiếu tên tiếng Việt (Vietnamese name required)", ind.Code)
	}
	if !slices.Contains(Kinds, ind.Kind) {
		return "kind", Errorf(EINVALID, "chỉ tiêu %s: loại %q không rõ (unknown kind)", ind.Code, ind.Kind)
	}
	switch ind.TimeAgg {
	case TimeSum, TimeLast, TimeAvg, TimeNone:
	default:
		return "aggregation", Errorf(EINVALID, "chỉ tiêu %s: cách cộng theo thời gian %q không rõ (unknown time aggregation)", ind.Code, ind.TimeAgg)
	}
	switch ind.UnitAgg {
	case UnitSum, UnitAvg, UnitRatio, UnitNone:
	default:
		return "unit_agg", Errorf(EINVALID, "chỉ tiêu %s: cách cộng theo đơn vị %q không rõ (unknown unit aggregation)", ind.Code, ind.UnitAgg)
	}
	if ind.Kind == KindStock && ind.TimeAgg == TimeSum {
		return "aggregation", Errorf(EINVALID, "chỉ tiêu %s: không được cộng dồn số dư theo thời gian (a stock cannot be summed over time)", ind.Code)
	}
	if (ind.Kind == KindRate || ind.Kind == KindIndex || ind.Kind == KindAverage) && ind.UnitAgg == UnitSum {
		return "unit_agg", Errorf(EINVALID, "chỉ tiêu %s: không được cộng %s theo đơn vị (a %s cannot be summed over units)", ind.Code, ind.Kind, ind.Kind)
	}
	if (ind.Kind == KindRate || ind.Kind == KindIndex) && ind.TimeAgg == TimeSum {
		return "aggregation", Errorf(EINVALID, "chỉ tiêu %s: không được cộng %s theo thời gian (a %s cannot be summed over time)", ind.Code, ind.Kind, ind.Kind)
	}
	if ind.UnitAgg == UnitRatio && (ind.Numerator == "" || ind.Denominator == "") {
		return "numerator", Errorf(EINVALID, "chỉ tiêu %s: cách cộng tỷ số cần tử số và mẫu số (ratio aggregation needs numerator and denominator)", ind.Code)
	}
	if ind.Direction != HigherIsBetter && ind.Direction != LowerIsBetter {
		return "direction", Errorf(EINVALID, "chỉ tiêu %s: chiều phải là 1 hoặc -1 (direction must be 1 or -1)", ind.Code)
	}
	return "", nil
}

// DefaultDecimals is how many decimals an indicator shows unless its
// catalogue says: none for counts, one for percentages, per-unit ratios and
// scaled units ("tỷ đồng").
func DefaultDecimals(ind *Indicator) int {
	switch {
	case ind.Kind == KindCount:
		return 0
	case ind.Unit == "%" || strings.Contains(ind.Unit, "/"):
		return 1
	}
	if _, scale := ind.BaseUnit(); scale > 1 {
		return 1
	}
	return 0
}

// DefaultUnitAgg is the aggregation over units implied by a kind, used when a
// catalogue does not say.
func DefaultUnitAgg(k Kind) UnitAgg {
	switch k {
	case KindFlow, KindStock, KindCount:
		return UnitSum
	case KindAverage:
		return UnitAvg
	}
	return UnitNone
}

// DefaultTimeAgg is the aggregation over time implied by a kind.
func DefaultTimeAgg(k Kind) TimeAgg {
	switch k {
	case KindFlow, KindCount:
		return TimeSum
	case KindStock, KindRate, KindAverage:
		return TimeLast
	}
	return TimeNone
}

// scaledUnits maps the scale words of printed units to their factor.
var scaleWords = []struct {
	word  string
	scale float64
}{
	{"nghìn tỷ ", 1e12}, {"ngàn tỷ ", 1e12},
	{"nghìn ", 1e3}, {"ngàn ", 1e3},
	{"triệu ", 1e6},
	{"tỷ ", 1e9}, {"tỉ ", 1e9},
}

// SplitUnit turns a printed unit into the stored base unit and its scale:
// "tỷ đồng" → ("VND", 1e9), "triệu USD" → ("USD", 1e6), "nghìn con" → ("con", 1e3),
// "ha" → ("ha", 1). Per-unit ratios such as "triệu đồng/người" keep their
// denominator: ("VND/người", 1e6).
func SplitUnit(u string) (base string, scale float64) {
	u = strings.TrimSpace(u)
	scale = 1
	for _, w := range scaleWords {
		if strings.HasPrefix(u, w.word) {
			scale = w.scale
			u = strings.TrimPrefix(u, w.word)
			break
		}
	}
	head, tail, per := strings.Cut(u, "/")
	switch head {
	case "đồng", "VNĐ", "VND", "đ":
		head = "VND"
	}
	if per {
		return head + "/" + tail, scale
	}
	return head, scale
}

// String gives the code and name, for messages.
func (ind *Indicator) String() string { return fmt.Sprintf("%s (%s)", ind.Code, ind.NameVI) }
