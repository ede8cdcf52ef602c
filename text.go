package planwatch

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxText bounds, in characters, each free text stored with data: a
// value's comment, source sentence and reference, an approval's comment, a
// report note, a task. Such a text is kept in every revision, in the
// analytics index and on every page that shows it, so one writer's
// megabytes would cost every reader.
const MaxText = 4000

// TextProblem says what is wrong with a free text to be stored, "" when
// nothing: longer than MaxText characters, not UTF-8, or holding control
// characters other than tab and line breaks (a NUL is refused by
// PostgreSQL; escapes and other controls are nobody's words and garble
// pages, files and terminals).
func TextProblem(s string) string {
	if len(s) > MaxText && utf8.RuneCountInString(s) > MaxText {
		return fmt.Sprintf("dài quá %d ký tự (longer than %d characters)", MaxText, MaxText)
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return "không phải UTF-8 (not UTF-8)"
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r < 0xa0:
			return fmt.Sprintf("có ký tự điều khiển U+%04X (control character U+%04X)", r, r)
		}
	}
	return ""
}

// ShownText is how a text refused by TextProblem is named in a problem:
// at most 64 characters of it, with its control characters escaped.
func ShownText(s string) string {
	if utf8.RuneCountInString(s) > 64 {
		s = string([]rune(s)[:64]) + "…"
	}
	return strings.Trim(fmt.Sprintf("%+q", s), `"`)
}

// NFC puts each of the texts in Unicode normal form C, the form every text
// of the product is kept in (a text typed in decomposed form, as some
// keyboards and macOS files send it, would otherwise neither match nor sort
// with the same words typed otherwise). A text already in NFC is left as is.
func NFC(texts ...*string) {
	for _, t := range texts {
		if *t != "" && !ascii(*t) && !norm.NFC.IsNormalString(*t) {
			*t = norm.NFC.String(*t)
		}
	}
}

// ascii reports whether s is ASCII alone, always in normal form C: an
// import checks a file name and codes on every row, and norm allocates.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
