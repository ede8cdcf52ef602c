package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// lowerSameLen lower-cases s rune by rune, keeping a rune as it is when its
// lower-case form has another encoded length, so that byte offsets in the
// result are byte offsets in s. Vietnamese letters keep their length.
func lowerSameLen(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		l := unicode.ToLower(r)
		if r == utf8.RuneError || utf8.RuneLen(l) != n {
			b.WriteString(s[i : i+n])
		} else {
			b.WriteRune(l)
		}
		i += n
	}
	return b.String()
}

// fold lower-cases s and strips Vietnamese diacritics (đ → d), for matching
// names that differ in tone marks or their placement ("Hòa"/"Hoà").
// Punctuation becomes a space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case r >= 'A' && r <= 'Z':
				b.WriteByte(byte(r) + 'a' - 'A')
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteByte(byte(r))
			default:
				b.WriteByte(' ')
			}
		case unicode.Is(unicode.Mn, r):
			// combining marks of a decomposed text
		default:
			if f, ok := foldTable[r]; ok {
				b.WriteRune(f)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// foldTable maps each precomposed Latin letter to its base letter in lower
// case, built once from the canonical decompositions.
var foldTable = func() map[rune]rune {
	t := map[rune]rune{'đ': 'd', 'Đ': 'd'}
	for _, rg := range [][2]rune{{0xC0, 0x24F}, {0x1E00, 0x1EFF}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if _, ok := t[r]; ok {
				continue
			}
			d := norm.NFD.String(string(r))
			base, _ := utf8.DecodeRuneInString(d)
			if base < utf8.RuneSelf && unicode.IsLetter(base) {
				t[r] = unicode.ToLower(base)
			}
		}
	}
	return t
}()

func isLetter(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) }

// runeBefore returns the rune ending at byte i of s.
func runeBefore(s string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// runeAt returns the rune starting at byte i of s.
func runeAt(s string, i int) rune {
	if i >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// wordsBefore returns up to n words (lower case) ending before byte i of lo,
// nearest last, stopping at punctuation other than spaces.
func wordsBefore(lo string, i, n int) []string {
	var out []string
	j := i
	for len(out) < n {
		// A line break between words is a space: wrapped text.
		for j > 0 && (lo[j-1] == ' ' || lo[j-1] == '\t' || lo[j-1] == '\n' || lo[j-1] == '\r') {
			j--
		}
		k := j
		for k > 0 {
			r, size := utf8.DecodeLastRuneInString(lo[:k])
			if !isLetter(r) && !(r >= '0' && r <= '9') {
				break
			}
			k -= size
		}
		if k == j {
			break
		}
		out = append([]string{lo[k:j]}, out...)
		j = k
	}
	return out
}

// endsWithWords reports whether the text before byte i of lo ends with the
// phrase (lower case, single spaces), at a word boundary; it returns the
// byte offset where the phrase starts, or -1.
func endsWithWords(lo string, i int, phrase string) int {
	j := i
	for j > 0 && (lo[j-1] == ' ' || lo[j-1] == '\t' || lo[j-1] == '\n' || lo[j-1] == '\r') {
		j--
	}
	if !strings.HasSuffix(lo[:j], phrase) {
		return -1
	}
	k := j - len(phrase)
	if k > 0 && isLetter(runeBefore(lo, k)) {
		return -1
	}
	return k
}

// hasWord reports whether lo contains phrase at word boundaries.
func hasWord(lo, phrase string) bool { return indexWord(lo, phrase) >= 0 }

// indexWord is strings.Index at word boundaries.
func indexWord(lo, phrase string) int {
	off := 0
	for {
		i := strings.Index(lo[off:], phrase)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(phrase)
		if !isLetter(runeBefore(lo, i)) && !isLetter(runeAt(lo, end)) {
			return i
		}
		off = i + 1
		for off < len(lo) && !utf8.RuneStart(lo[off]) {
			off++
		}
	}
}

// lastIndexWord is strings.LastIndex at word boundaries.
func lastIndexWord(lo, phrase string) int {
	end := len(lo)
	for {
		i := strings.LastIndex(lo[:end], phrase)
		if i < 0 {
			return -1
		}
		if !isLetter(runeBefore(lo, i)) && !isLetter(runeAt(lo, i+len(phrase))) {
			return i
		}
		end = i + len(phrase) - 1
		if end <= 0 {
			return -1
		}
	}
}

// startsWithWord reports whether s (lower case) begins with phrase at a
// word boundary, after leading spaces.
func startsWithWord(s, phrase string) bool {
	s = strings.TrimLeft(s, " \t")
	return strings.HasPrefix(s, phrase) && !isLetter(runeAt(s, len(phrase)))
}

func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}
