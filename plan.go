package planwatch

import "time"

// TargetKind names the base a target belongs to: one indicator can carry
// several (budget revenue against the central estimate and the council's).
type TargetKind string

const (
	TargetPlan         TargetKind = "KH"      // kế hoạch năm: annual plan (People's Council resolution)
	TargetCentralEst   TargetKind = "DT_TW"   // dự toán Trung ương giao: estimate assigned by the centre
	TargetCouncilEst   TargetKind = "DT_HDND" // dự toán HĐND tỉnh giao: estimate of the provincial council
	TargetSeasonalPlan TargetKind = "KH_VU"   // kế hoạch vụ: crop-season plan
)

// TargetKinds lists the known kinds with their Vietnamese and English names.
var TargetKinds = []struct {
	Kind   TargetKind
	NameVI string
	NameEN string
}{
	{TargetPlan, "kế hoạch", "annual plan"},
	{TargetCentralEst, "dự toán Trung ương giao", "central government estimate"},
	{TargetCouncilEst, "dự toán HĐND tỉnh giao", "provincial council estimate"},
	{TargetSeasonalPlan, "kế hoạch vụ", "crop-season plan"},
}

// Target is the annual target of an indicator for a unit, in base units.
// Every version is kept; the current one is the highest Version.
type Target struct {
	Indicator string     `json:"indicator"`
	Unit      string     `json:"unit"` // org unit code
	Year      int        `json:"year"`
	Kind      TargetKind `json:"kind"`
	Value     float64    `json:"value"`
	Version   int        `json:"version"`  // 1 = original; higher = adjusted
	Adjusted  bool       `json:"adjusted"` // điều chỉnh: mid-year adjustment
	Adopted   time.Time  `json:"adopted"`  // date of the document
	Source    Source     `json:"source"`
	By        string     `json:"by"`
	At        time.Time  `json:"at"`
}

// Bound says which side of a milestone is acceptable.
type Bound string

const (
	BoundMin Bound = "min" // "đạt trên 60%": at least
	BoundMax Bound = "max" // "dưới 1%": at most
)

// Milestone is an intermediate goal: by the end of Period (year-to-date), the
// indicator reaches Share percent of its annual target ("phấn đấu hết quý
// II/2022 trồng rừng mới đạt trên 60% kế hoạch").
type Milestone struct {
	Indicator  string     `json:"indicator"`
	Unit       string     `json:"unit"`
	Period     Period     `json:"period"` // year-to-date through this period
	Share      float64    `json:"share_pct"`
	Bound      Bound      `json:"bound"`
	TargetKind TargetKind `json:"target_kind"`
	Source     Source     `json:"source"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
}
