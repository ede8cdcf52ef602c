package dhis2

import "io"

// lineReader counts the lines of what it passes on, so that a decoder
// reading ahead in its own buffer can still name the line of an offset it
// has reached. Offsets must be asked in increasing order; it keeps only the
// line breaks between the last offset asked and what it has passed on.
type lineReader struct {
	r      io.Reader
	read   int64   // bytes passed on
	breaks []int64 // offsets of the line breaks not yet behind the last offset asked
	head   int     // breaks[:head] are behind it
	line   int     // 1-based line of the last offset asked
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: r, line: 1} }

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.head > 1024 && l.head*2 > len(l.breaks) {
		l.breaks = append(l.breaks[:0], l.breaks[l.head:]...)
		l.head = 0
	}
	for i, c := range p[:n] {
		if c == '\n' {
			l.breaks = append(l.breaks, l.read+int64(i))
		}
	}
	l.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of the byte at offset off.
func (l *lineReader) lineAt(off int64) int {
	for l.head < len(l.breaks) && l.breaks[l.head] < off {
		l.head++
		l.line++
	}
	return l.line
}
