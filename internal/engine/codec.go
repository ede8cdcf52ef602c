package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// The stored form of value revisions (issue 12: at most 100 bytes per
// value). The revisions that one change set writes for one series (an
// indicator and a unit) are kept together, in the order the change set gave
// them, as one compact record: a row of the revisions table keyed by series
// and change set. Who, when and the source file of a revision are its change
// set's (ChangeDefaults); a revision that differs keeps its own, beside the
// rare wide fields (stated comparisons, comment, sentence, formula). A
// revision of a figure read from a CSV file takes about 8 bytes.
//
// Layout: a version byte (1), then per revision:
//
//	flags      1 byte: bit 0 a value, 1 withdrawn, 2 cumulative basis, 3 extra
//	           fields follow, 4-5 the vintage, 6 the value is 8 raw bytes
//	period     signed varint: the period code minus the previous revision's
//	revision   unsigned varint
//	row        signed varint: the source row minus (the previous row + 1)
//	value      decimal: signed varint mantissa and one exponent byte; or raw
//	extra      unsigned varint field mask, then the fields present
const codecVersion = 1

const (
	flagValue   = 1 << 0
	flagDeleted = 1 << 1
	flagCum     = 1 << 2
	flagExtra   = 1 << 3
	flagRaw     = 1 << 6
)

const (
	extraYoY = 1 << iota
	extraPlanPct
	extraVsRef
	extraComment
	extraSentence
	extraFormula
	extraBy
	extraAt
	extraKind
	extraRef
)

// PeriodCode packs a period into a number that sorts as periods do (year,
// first month, last month, shape) and identifies it within a series.
func PeriodCode(p planwatch.Period) uint32 {
	return uint32(p.Year)<<12 | uint32(p.First)<<8 | uint32(p.Last)<<4 | uint32(p.Type)
}

// PeriodOf is the period of a code.
func PeriodOf(c uint32) planwatch.Period {
	return planwatch.Period{Year: int(c >> 12), First: int(c >> 8 & 15), Last: int(c >> 4 & 15), Type: planwatch.PeriodType(c & 15)}
}

// Entry is one revision in memory, compact: a whole import is held as
// entries grouped by series while it is checked and planned.
type Entry struct {
	Code     uint32 // PeriodCode
	Row      uint32 // Source.Row
	Index    uint32 // 0-based position in the change set, for problems
	Revision uint32
	Flags    uint8 // flagValue, flagDeleted, flagCum
	Vintage  uint8
	Value    float64
	Extra    *Extra // nil when the revision has none of these
}

// Extra holds what few revisions have: stated comparisons, comment, a
// document's sentence or a formula, and who, when and where from when they
// differ from the change set's.
type Extra struct {
	YoY, PlanPct, VsRef *float64
	Comment             string
	Sentence, Formula   string
	By                  *string
	At                  *time.Time
	Kind                *planwatch.SourceKind
	Ref                 *string
}

// ChangeDefaults are who, when and where from for the revisions of one
// change set, unless a revision says otherwise.
type ChangeDefaults struct {
	By   string
	At   time.Time
	Kind planwatch.SourceKind
	Ref  string
}

// DefaultsOf takes a change set's defaults from a value (its first).
func DefaultsOf(v *planwatch.DataValue) ChangeDefaults {
	return ChangeDefaults{By: v.By, At: v.At, Kind: v.Source.Kind, Ref: v.Source.Ref}
}

// EntryOf makes the entry of a value (filled, normalized and checked) given
// its change set's defaults. The revision number is set later.
func EntryOf(v *planwatch.DataValue, index int, d *ChangeDefaults) Entry {
	e := Entry{Code: PeriodCode(v.Period), Row: uint32(max(v.Source.Row, 0)), Index: uint32(index), Vintage: uint8(v.Vintage)}
	if v.Value != nil {
		e.Flags |= flagValue
		e.Value = *v.Value
	}
	if v.Deleted {
		e.Flags |= flagDeleted
	}
	if v.Basis == planwatch.BasisCumulative {
		e.Flags |= flagCum
	}
	// Most values have no extra field: nothing is allocated for them (nor
	// is v kept).
	if v.YoY == nil && v.PlanPct == nil && v.VsRef == nil && v.Comment == "" && v.Source.Sentence == "" &&
		v.Source.Formula == "" && v.By == d.By && v.At.Equal(d.At) && v.Source.Kind == d.Kind && v.Source.Ref == d.Ref {
		return e
	}
	x := &Extra{YoY: v.YoY, PlanPct: v.PlanPct, VsRef: v.VsRef, Comment: v.Comment, Sentence: v.Source.Sentence,
		Formula: v.Source.Formula}
	if v.By != d.By {
		by := v.By
		x.By = &by
	}
	if !v.At.Equal(d.At) {
		at := v.At
		x.At = &at
	}
	if v.Source.Kind != d.Kind {
		kind := v.Source.Kind
		x.Kind = &kind
	}
	if v.Source.Ref != d.Ref {
		ref := v.Source.Ref
		x.Ref = &ref
	}
	e.Extra = x
	return e
}

// DataValue rebuilds the revision of entry e of a series' key, given its change
// set's defaults.
func (e *Entry) DataValue(indicator, unit string, d *ChangeDefaults) planwatch.DataValue {
	v := planwatch.DataValue{
		Key:      planwatch.Key{Indicator: indicator, Unit: unit, Period: PeriodOf(e.Code)},
		Basis:    planwatch.BasisPeriod,
		Vintage:  planwatch.Vintage(e.Vintage),
		Deleted:  e.Flags&flagDeleted != 0,
		Source:   planwatch.Source{Kind: d.Kind, Ref: d.Ref, Row: int(e.Row)},
		By:       d.By,
		At:       d.At,
		Revision: int(e.Revision),
	}
	if e.Flags&flagCum != 0 {
		v.Basis = planwatch.BasisCumulative
	}
	if e.Flags&flagValue != 0 {
		v.Value = planwatch.Float(e.Value)
	}
	if x := e.Extra; x != nil {
		v.YoY, v.PlanPct, v.VsRef = x.YoY, x.PlanPct, x.VsRef
		v.Comment, v.Source.Sentence, v.Source.Formula = x.Comment, x.Sentence, x.Formula
		if x.By != nil {
			v.By = *x.By
		}
		if x.At != nil {
			v.At = *x.At
		}
		if x.Kind != nil {
			v.Source.Kind = *x.Kind
		}
		if x.Ref != nil {
			v.Source.Ref = *x.Ref
		}
	}
	return v
}

// sameFigure reports whether b says nothing new after a (SameFigure on entries).
func sameFigure(a, b *Entry) bool {
	if a.Flags&(flagValue|flagDeleted|flagCum) != b.Flags&(flagValue|flagDeleted|flagCum) || (a.Flags&flagValue != 0 && a.Value != b.Value) {
		return false
	}
	var xa, xb Extra
	if a.Extra != nil {
		xa = *a.Extra
	}
	if b.Extra != nil {
		xb = *b.Extra
	}
	eq := func(x, y *float64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return xa.Comment == xb.Comment && eq(xa.YoY, xb.YoY) && eq(xa.PlanPct, xb.PlanPct) && eq(xa.VsRef, xb.VsRef)
}

// Encode appends the stored form of entries to buf.
func Encode(buf []byte, entries []Entry) []byte {
	buf = append(buf, codecVersion)
	var prevCode, prevRow int64
	for i := range entries {
		e := &entries[i]
		flags := e.Flags&(flagValue|flagDeleted|flagCum) | (e.Vintage&3)<<4
		m, exp, decimal := decimalOf(e.Value)
		if e.Flags&flagValue != 0 && !decimal {
			flags |= flagRaw
		}
		if e.Extra != nil {
			flags |= flagExtra
		}
		buf = append(buf, flags)
		buf = binary.AppendVarint(buf, int64(e.Code)-prevCode)
		buf = binary.AppendUvarint(buf, uint64(e.Revision))
		buf = binary.AppendVarint(buf, int64(e.Row)-(prevRow+1))
		prevCode, prevRow = int64(e.Code), int64(e.Row)
		if e.Flags&flagValue != 0 {
			if decimal {
				buf = binary.AppendVarint(buf, m)
				buf = append(buf, byte(exp))
			} else {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(e.Value))
			}
		}
		if e.Extra != nil {
			buf = appendExtra(buf, e.Extra)
		}
	}
	return buf
}

func appendExtra(buf []byte, x *Extra) []byte {
	var mask uint64
	set := func(bit uint64, on bool) {
		if on {
			mask |= bit
		}
	}
	set(extraYoY, x.YoY != nil)
	set(extraPlanPct, x.PlanPct != nil)
	set(extraVsRef, x.VsRef != nil)
	set(extraComment, x.Comment != "")
	set(extraSentence, x.Sentence != "")
	set(extraFormula, x.Formula != "")
	set(extraBy, x.By != nil)
	set(extraAt, x.At != nil)
	set(extraKind, x.Kind != nil)
	set(extraRef, x.Ref != nil)
	buf = binary.AppendUvarint(buf, mask)
	for _, f := range []*float64{x.YoY, x.PlanPct, x.VsRef} {
		if f != nil {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(*f))
		}
	}
	str := func(s string) { buf = binary.AppendUvarint(buf, uint64(len(s))); buf = append(buf, s...) }
	for _, s := range []string{x.Comment, x.Sentence, x.Formula} {
		if s != "" {
			str(s)
		}
	}
	if x.By != nil {
		str(*x.By)
	}
	if x.At != nil {
		buf = binary.AppendVarint(buf, x.At.Unix())
		buf = binary.AppendUvarint(buf, uint64(x.At.Nanosecond()))
	}
	if x.Kind != nil {
		str(string(*x.Kind))
	}
	if x.Ref != nil {
		str(*x.Ref)
	}
	return buf
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalOf writes f as m × 10^exp when that gives f back exactly, as
// figures read from decimal text ("279,6", "5.953 tỷ") almost always do.
func decimalOf(f float64) (m int64, exp int, ok bool) {
	if f == 0 && !math.Signbit(f) {
		return 0, 0, true
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, 0, false
	}
	// Most figures have a few decimals: try them before formatting.
	for k := 0; k <= 4; k++ {
		x := f * pow10[k]
		if x != math.Trunc(x) || math.Abs(x) >= 1<<53 {
			continue
		}
		m, exp = int64(x), -k
		for m != 0 && m%10 == 0 && exp < 22 {
			m, exp = m/10, exp+1
		}
		if math.Float64bits(fromDecimal(m, exp)) == math.Float64bits(f) {
			return m, exp, true
		}
		break
	}
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // d.ddddde±xx, shortest
	mant, expText, _ := strings.Cut(string(s), "e")
	e, err := strconv.Atoi(expText)
	if err != nil {
		return 0, 0, false
	}
	neg := strings.HasPrefix(mant, "-")
	digits := strings.Replace(strings.TrimPrefix(mant, "-"), ".", "", 1)
	exp = e - (len(digits) - 1)
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if len(digits) > 15 || exp < -22 || exp > 22 {
		return 0, 0, false
	}
	m, err = strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if neg {
		m = -m
	}
	if math.Float64bits(fromDecimal(m, exp)) != math.Float64bits(f) {
		return 0, 0, false
	}
	return m, exp, true
}

func fromDecimal(m int64, exp int) float64 {
	if exp < 0 {
		return float64(m) / pow10[-exp]
	}
	return float64(m) * pow10[exp]
}

var errCorrupt = errors.New("stored revisions unreadable")

// Decode appends to out the entries stored in data.
func Decode(out []Entry, data []byte) ([]Entry, error) {
	if len(data) == 0 || data[0] != codecVersion {
		return out, fmt.Errorf("%w: format %v", errCorrupt, data[:min(len(data), 1)])
	}
	d := decoder{b: data[1:]}
	var prevCode, prevRow int64
	for len(d.b) > 0 && d.err == nil {
		var e Entry
		flags := d.byte()
		e.Flags, e.Vintage = flags&(flagValue|flagDeleted|flagCum), flags>>4&3
		prevCode += d.varint()
		e.Code = uint32(prevCode)
		e.Revision = uint32(d.uvarint())
		prevRow += d.varint() + 1
		e.Row = uint32(prevRow)
		if flags&flagValue != 0 {
			if flags&flagRaw != 0 {
				e.Value = math.Float64frombits(d.uint64())
			} else {
				m := d.varint()
				exp := int(int8(d.byte()))
				if exp < -22 || exp > 22 {
					d.err = errCorrupt
					break
				}
				e.Value = fromDecimal(m, exp)
			}
		}
		if flags&flagExtra != 0 {
			e.Extra = d.extra()
		}
		out = append(out, e)
	}
	return out, d.err
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errCorrupt, nil }

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) extra() *Extra {
	x := &Extra{}
	mask := d.uvarint()
	for _, f := range []struct {
		bit uint64
		p   **float64
	}{{extraYoY, &x.YoY}, {extraPlanPct, &x.PlanPct}, {extraVsRef, &x.VsRef}} {
		if mask&f.bit != 0 {
			*f.p = planwatch.Float(math.Float64frombits(d.uint64()))
		}
	}
	for _, f := range []struct {
		bit uint64
		p   *string
	}{{extraComment, &x.Comment}, {extraSentence, &x.Sentence}, {extraFormula, &x.Formula}} {
		if mask&f.bit != 0 {
			*f.p = d.str()
		}
	}
	if mask&extraBy != 0 {
		s := d.str()
		x.By = &s
	}
	if mask&extraAt != 0 {
		sec := d.varint()
		at := time.Unix(sec, int64(d.uvarint())).UTC()
		x.At = &at
	}
	if mask&extraKind != 0 {
		k := planwatch.SourceKind(d.str())
		x.Kind = &k
	}
	if mask&extraRef != 0 {
		s := d.str()
		x.Ref = &s
	}
	return x
}
