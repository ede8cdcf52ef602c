package vi

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Number is a decimal number as written in Vietnamese text.
type Number struct {
	// Value is the number itself: "2.498,3" → 2498.3.
	Value float64
	// Digits and Exp give the value exactly as Digits × 10^Exp, so that
	// scaling by a power of ten ("tỷ") never introduces binary rounding:
	// "2.498,3" → Digits "24983", Exp -1.
	Digits string
	Exp    int
	// Decimals is the number of digits written after the decimal comma.
	Decimals int
}

// Scaled returns the number multiplied by 10^exp, rounded once from the exact
// decimal: Number{"24983", -1} scaled by 9 is exactly 2498300000000.
func (n Number) Scaled(exp int) float64 {
	if n.Digits == "" {
		return n.Value * pow10Exact(exp)
	}
	f, err := strconv.ParseFloat(n.Digits+"e"+strconv.Itoa(n.Exp+exp), 64)
	if err != nil {
		return n.Value * pow10Exact(exp)
	}
	return f
}

func pow10Exact(e int) float64 {
	f := 1.0
	for ; e > 0; e-- {
		f *= 10
	}
	for ; e < 0; e++ {
		f /= 10
	}
	return f
}

// ParseNumber reads a number at the start of s, written the Vietnamese way:
// a decimal comma and dot thousands groups ("5.953", "2.498,3", "14,03",
// "1845", "03"). A comma is always decimal ("108,987" is 108.987, as CLDR vi
// has it). It returns the number and the bytes read; ok is false when s does
// not start with a digit. Reading stops before anything that does not fit the
// pattern, so "0292.3812.475" reads "0292" and leaves ".3812.475": callers
// that need a whole token check what follows with [MalformedAfter].
func ParseNumber(s string) (n Number, size int, ok bool) {
	i := 0
	for i < len(s) && isASCIIDigit(s[i]) {
		i++
	}
	if i == 0 {
		return Number{}, 0, false
	}
	digits := s[:i]
	// Dot groups only follow a lead of one to three digits, and each has
	// exactly three digits.
	if i <= 3 {
		for i+4 <= len(s) && s[i] == '.' && isASCIIDigit(s[i+1]) && isASCIIDigit(s[i+2]) && isASCIIDigit(s[i+3]) &&
			(i+4 == len(s) || !isASCIIDigit(s[i+4])) {
			digits += s[i+1 : i+4]
			i += 4
		}
	}
	// Space groups ("1 234 ha", "12 460 ha"): a lead of one to three digits,
	// groups of exactly three, and a unit word or "%" right after, so that
	// a row of numbers ("95 100 105") is not read as one.
	if i <= 3 && len(digits) == i {
		if k, g := spaceGroups(s, i); k > i {
			digits += g
			i = k
		}
	}
	dec := 0
	if i+1 < len(s) && s[i] == ',' && isASCIIDigit(s[i+1]) {
		j := i + 1
		for j < len(s) && isASCIIDigit(s[j]) {
			j++
		}
		dec = j - i - 1
		digits += s[i+1 : j]
		i = j
	}
	// Keep the digit string short enough for ParseFloat and strip leading
	// zeros ("03" → "3") so Digits is canonical.
	trimmed := strings.TrimLeft(digits, "0")
	if trimmed == "" {
		trimmed = "0"
	}
	v, err := strconv.ParseFloat(trimmed+"e"+strconv.Itoa(-dec), 64)
	if err != nil {
		return Number{}, 0, false
	}
	return Number{Value: v, Digits: trimmed, Exp: -dec, Decimals: dec}, i, true
}

// MalformedAfter reports whether the text right after a number read by
// ParseNumber continues it in a way no Vietnamese number does: another
// separator followed by a digit ("0292.3812.475", "1,2,3", "1.5").
func MalformedAfter(rest string) bool {
	return len(rest) >= 2 && (rest[0] == '.' || rest[0] == ',') && isASCIIDigit(rest[1])
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

// Scale words and their powers of ten. Longest first so that "nghìn tỷ" wins
// over "nghìn".
var scaleWords = []struct {
	word string
	exp  int
}{
	{"nghìn tỷ", 12}, {"ngàn tỷ", 12}, {"nghìn tỉ", 12}, {"ngàn tỉ", 12},
	{"nghìn", 3}, {"ngàn", 3}, {"triệu", 6}, {"tỷ", 9}, {"tỉ", 9},
}

// ParseScale reads a scale word at the start of s (case-insensitive):
// nghìn/ngàn 10³, triệu 10⁶, tỷ/tỉ 10⁹, nghìn tỷ 10¹². It returns the power
// of ten and the bytes read, or 0, 0 when there is none. "tỷ lệ" (a ratio) is
// not a scale.
func ParseScale(s string) (exp, size int) {
	// "tr.đ", "tr.USD", "tr. đồng": triệu abbreviated.
	if n := foldPrefixLen(s, "tr."); n > 0 {
		if _, m := ParseUnit(trimSpaceLeft(s[n:])); m > 0 {
			return 6, n
		}
	}
	for _, sc := range scaleWords {
		if n := foldPrefixLen(s, sc.word); n > 0 && atWordEnd(s[n:]) {
			if (sc.exp == 9 || sc.exp == 12) && startsWithWordFold(trimSpaceLeft(s[n:]), "lệ") {
				continue
			}
			return sc.exp, n
		}
	}
	return 0, 0
}

// Units as written (lower case) and their normal form. Currencies become ISO
// codes; counting nouns keep their noun. Longest first where one is a prefix
// of another.
var unitWords = []struct{ written, unit string }{
	{"điểm phần trăm", "điểm %"}, {"điểm %", "điểm %"},
	{"phần trăm", "%"}, {"%", "%"},
	{"đồng", "VND"}, {"vnđ", "VND"}, {"vnd", "VND"},
	{"đô la mỹ", "USD"}, {"đô la", "USD"}, {"usd", "USD"},
	{"héc-ta", "ha"}, {"héc ta", "ha"}, {"hecta", "ha"}, {"ha", "ha"},
	{"km²", "km2"}, {"km2", "km2"}, {"km", "km"}, {"m²", "m2"}, {"m2", "m2"}, {"m3", "m3"}, {"m³", "m3"},
	{"tạ/ha", "tạ/ha"}, {"tấn/ha", "tấn/ha"}, {"tấn", "tấn"}, {"tạ", "tạ"}, {"kwh", "kWh"}, {"mw", "MW"}, {"lít", "lít"},
	{"lượt hành khách", "lượt khách"}, {"lượt khách", "lượt khách"}, {"lượt người", "lượt người"}, {"lượt dự án", "lượt dự án"},
	{"lyợt khách", "lượt khách"}, {"lyợt", "lượt khách"}, {"lượt", "lượt khách"},
	{"khách hàng", "khách hàng"}, {"khách sạn", "khách sạn"}, {"du khách", "lượt khách"}, {"khách", "lượt khách"},
	{"trang trại", "trang trại"}, {"buồng", "buồng"}, {"nhà máy", "nhà máy"}, {"làng nghề", "làng nghề"},
	{"cụm công nghiệp", "cụm công nghiệp"}, {"khu công nghiệp", "khu công nghiệp"}, {"siêu thị", "siêu thị"}, {"chợ", "chợ"},
	{"tiêu chí/xã", "tiêu chí/xã"}, {"tiêu chí", "tiêu chí"},
	{"sản phẩm", "sản phẩm"}, {"dự án", "dự án"}, {"doanh nghiệp", "doanh nghiệp"},
	{"hợp tác xã", "hợp tác xã"}, {"tổ hợp tác", "tổ hợp tác"}, {"lao động", "lao động"},
	{"người", "người"}, {"hộ", "hộ"}, {"con", "con"}, {"xã", "xã"}, {"trường", "trường"},
	{"vụ", "vụ"}, {"cơ sở", "cơ sở"}, {"công trình", "công trình"}, {"hồ sơ", "hồ sơ"},
	{"học sinh", "học sinh"}, {"bác sĩ", "bác sĩ"}, {"giường", "giường"}, {"căn hộ", "căn hộ"},
	{"lượt phương tiện", "lượt phương tiện"}, {"phương tiện", "phương tiện"}, {"tờ khai", "tờ khai"},
	{"hợp đồng", "hợp đồng"}, {"đối tượng", "đối tượng"}, {"giáo viên", "giáo viên"}, {"sinh viên", "sinh viên"},
	{"bệnh nhân", "bệnh nhân"}, {"gian hàng", "gian hàng"}, {"căn nhà", "căn nhà"}, {"chuyến", "chuyến"},
	{"thẻ", "thẻ"}, {"ca", "ca"}, {"cây", "cây"}, {"kg", "kg"}, {"gwh", "GWh"},
	{"đôi", "đôi"}, {"liều", "liều"}, {"cuộc", "cuộc"}, {"tài khoản", "tài khoản"}, {"văn bản", "văn bản"},
	{"hội nghị", "hội nghị"}, {"hoạt động", "hoạt động"}, {"lớp", "lớp"}, {"mô hình", "mô hình"},
	{"điểm", "điểm"}, {"lần", "lần"},
	// Abbreviations of statistics bulletins: "9.870 tỷ đ", "8,45 tr.đ", "812 DN".
	{"đ", "VND"}, {"dn", "doanh nghiệp"},
}

// ParseUnit reads a unit at the start of s (case-insensitive) and returns its
// normal form ("đồng" → "VND", "lượt" → "lượt khách", "héc ta" → "ha") and the
// bytes read, or "", 0. A unit must end at a word boundary: "ha" does not
// match "hai".
func ParseUnit(s string) (unit string, size int) {
	for _, u := range unitWords {
		n := foldPrefixLen(s, u.written)
		if n == 0 {
			continue
		}
		if u.written != "%" && u.written != "điểm %" && !atWordEnd(s[n:]) {
			continue
		}
		return u.unit, n
	}
	return "", 0
}

// gluableUnits unitWords may follow the number with no space ("14.125km2", "25%");
// other words glued to a number ("24h", "3xã") are not read as unitWords.
var gluableUnits = map[string]bool{"%": true, "km2": true, "km": true, "m2": true, "m3": true,
	"ha": true, "kWh": true, "GWh": true, "MW": true, "USD": true, "VND": true, "tấn": true, "kg": true}

// IsCurrency reports whether a normalised unit is a currency.
func IsCurrency(unit string) bool { return unit == "VND" || unit == "USD" }

// Quantity is a number with its scale and unit: "5.953 tỷ đồng".
type Quantity struct {
	Number   Number
	ScaleExp int     // power of ten of the scale word, 0 if none
	Unit     string  // normalised unit, "" if none was written
	Value    float64 // the number in base unitWords: Number × 10^ScaleExp
	// UnitStart is the byte offset of the unit within the parsed text, or -1.
	UnitStart int
}

// ParseQuantity reads a number, an optional scale word and an optional unit
// at the start of s: "5.953 tỷ đồng" → 5.953e12 VND, "1,27triệu lượt khách" →
// 1.27e6 "lượt khách", "14.125km2", "7,9 %". White space, line breaks
// included, may separate the parts. A scale of tỷ or more with no unit means
// VND, as Vietnamese reports write it ("9.850 tỷ"). ok is false when s does
// not start with a number.
func ParseQuantity(s string) (q Quantity, size int, ok bool) {
	num, n, ok := ParseNumber(s)
	if !ok {
		return Quantity{}, 0, false
	}
	q = Quantity{Number: num, UnitStart: -1}
	size = n
	rest := s[n:]
	sp := len(rest) - len(trimSpaceLeft(rest))
	if exp, m := ParseScale(rest[sp:]); m > 0 {
		q.ScaleExp = exp
		size += sp + m
		rest = s[size:]
		sp = len(rest) - len(trimSpaceLeft(rest))
	}
	if u, m := ParseUnit(rest[sp:]); m > 0 && (sp > 0 || gluableUnits[u]) {
		q.Unit = u
		q.UnitStart = size + sp
		size += sp + m
	} else if q.ScaleExp >= 9 {
		q.Unit = "VND"
	}
	q.Value = num.Scaled(q.ScaleExp)
	return q, size, true
}

// trimSpaceLeft drops leading white space, line breaks included.
func trimSpaceLeft(s string) string {
	return strings.TrimLeftFunc(s, unicode.IsSpace)
}

// foldPrefixLen reports the byte length of the prefix of s that equals word
// ignoring case (word is lower case), or 0. A space in word matches any run
// of white space, so a phrase wrapped across lines ("nghìn\ntỷ") is read.
func foldPrefixLen(s, word string) int {
	i := 0
	for _, wr := range word {
		if i >= len(s) {
			return 0
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if wr == ' ' && unicode.IsSpace(r) {
			i += size
			for i < len(s) {
				r, size := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += size
			}
			continue
		}
		if r != wr && unicode.ToLower(r) != wr {
			return 0
		}
		i += size
	}
	return i
}

func startsWithWordFold(s, word string) bool {
	n := foldPrefixLen(s, word)
	return n > 0 && atWordEnd(s[n:])
}

// atWordEnd reports whether s starts at a word boundary: empty, or not a
// letter or digit.
func atWordEnd(s string) bool {
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

// spaceGroups reads thousands groups separated by one space (or a no-break
// space) after s[:i]: " 234" in "1 234 ha". It returns the end of the last
// group and the group digits, or i, "" when the groups are not followed by a
// space and a letter, or by "%".
func spaceGroups(s string, i int) (int, string) {
	k, g := i, ""
	for {
		w := 0
		switch {
		case strings.HasPrefix(s[k:], " "):
			w = 1
		case strings.HasPrefix(s[k:], "\u00a0"), strings.HasPrefix(s[k:], "\u202f"):
			w = len("\u00a0")
			if strings.HasPrefix(s[k:], "\u202f") {
				w = len("\u202f")
			}
		}
		if w == 0 || k+w+3 > len(s) || !isASCIIDigit(s[k+w]) || !isASCIIDigit(s[k+w+1]) || !isASCIIDigit(s[k+w+2]) ||
			(k+w+3 < len(s) && isASCIIDigit(s[k+w+3])) {
			break
		}
		g += s[k+w : k+w+3]
		k += w + 3
	}
	if k == i {
		return i, ""
	}
	rest := s[k:]
	if strings.HasPrefix(rest, ",") && len(rest) > 1 && isASCIIDigit(rest[1]) {
		j := 1
		for j < len(rest) && isASCIIDigit(rest[j]) {
			j++
		}
		rest = rest[j:]
	}
	if strings.HasPrefix(rest, "%") || strings.HasPrefix(rest, " %") {
		return k, g
	}
	if strings.HasPrefix(rest, " ") {
		r, _ := utf8.DecodeRuneInString(rest[1:])
		if unicode.IsLetter(r) {
			return k, g
		}
	}
	return i, ""
}
