package calc

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sync"

	"planwatch"
)

// The figures a command computed over an index (the remembered roll-ups:
// the unit asked for and the units under it, for every period its rows
// needed) are kept in a file beside the snapshot, so that the next command
// over the same state of the store answers from them instead of walking
// every commune again (issue 12: the country's status adds up some 14,700
// communes × 59 indicators × 9 periods; the next one adds up ~60 provinces'
// remembered figures). Like the snapshot, the file is a cache: it is used
// only when it was written at the index's change number (every change of
// values, plans, approvals or catalogue moves that number), for the same
// approved-only setting and by the same build of planwatch (the rules that
// computed it); otherwise it is ignored and written again.

// figuresPath is where the figures remembered over the snapshot at path are kept.
func figuresPath(snapshot string) string { return snapshot + ".figures" }

// maxSavedFigures bounds the file (about 40 bytes a figure): past it a
// command keeps what was there.
const maxSavedFigures = 1 << 18

const figuresMagic = "planwatch-figures\x00"

// buildID names this build of the program: the start of its executable,
// where the Go toolchain writes the build ID, and its size.
var buildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	h := sha256.New()
	if _, err := io.CopyN(h, f, 32<<10); err != nil && err != io.EOF {
		return ""
	}
	return fmt.Sprintf("%s-%d-%d", hex.EncodeToString(h.Sum(nil)), st.Size(), snapshotLayout)
})

// keptFigures are the figures of the file not read yet: its codes, and
// each unit's figures as they lie in the file, read into the memo at the
// first question about that unit (a province's status reads its own, not
// the country's). Guarded by memoMu; dropped at any forgetting.
type keptFigures struct {
	codes    []string
	sections map[string][]byte
}

// loadFigures makes the figures kept at path available to the index's
// memo when they were computed over the index's state by this build; the
// caller owns d (it is not shared yet). A file that does not match, or is
// damaged, is ignored.
func (d *Dataset) loadFigures(path string, seq int64) {
	build := buildID()
	b, err := os.ReadFile(path)
	if err != nil || build == "" {
		return
	}
	kept, ok := readFiguresFile(b, seq, d.ApprovedOnly, build)
	if !ok {
		return
	}
	d.memoMu.Lock()
	d.kept, d.keptFigures, d.keptAt = kept, 0, d.forgets
	d.memoMu.Unlock()
}

// figureLocked is the remembered figure under k, reading the unit's kept
// figures first if they were not read yet; the caller holds memoMu.
func (d *Dataset) figureLocked(k figureKey) (Figure, bool) {
	f, ok := d.figures[k]
	if ok || d.kept == nil {
		return f, ok
	}
	sec, found := d.kept.sections[k.unit]
	if !found {
		return f, false
	}
	delete(d.kept.sections, k.unit)
	n, ok := d.kept.read(k.unit, sec, d.figures)
	if !ok {
		d.kept = nil // damaged: nothing more is read from it
		return Figure{}, false
	}
	d.keptFigures += n
	f, ok = d.figures[k]
	return f, ok
}

// readKeptLocked reads every kept figure not read yet; the caller holds memoMu.
func (d *Dataset) readKeptLocked() {
	if d.kept == nil {
		return
	}
	for unit, sec := range d.kept.sections {
		n, ok := d.kept.read(unit, sec, d.figures)
		if !ok {
			break
		}
		d.keptFigures += n
	}
	d.kept = nil
}

// The file: the magic, the change number, approved-only, the build; the
// codes (indicators, units) once each; then each unit's figures: the
// unit's code, the length of its part and, for each figure, its key (less
// the unit) and fields, codes by their number in the list.

func encodeFigures(seq int64, approvedOnly bool, build string, figures map[figureKey]Figure) []byte {
	b := append([]byte(nil), figuresMagic...)
	b = binary.AppendVarint(b, seq)
	b = binary.AppendUvarint(b, uint64(boolByte(approvedOnly)))
	b = appendString(b, build)
	codes := map[string]int{}
	var list []string
	code := func(s string) uint64 {
		i, ok := codes[s]
		if !ok {
			i = len(list)
			codes[s] = i
			list = append(list, s)
		}
		return uint64(i)
	}
	byUnit := map[string][]byte{}
	for k, f := range figures {
		body := byUnit[k.unit]
		body = binary.AppendUvarint(body, code(k.indicator))
		body = binary.AppendVarint(body, int64(k.year))
		body = append(body, k.first, k.last)
		body = binary.AppendVarint(body, int64(k.asOf))
		body = binary.LittleEndian.AppendUint64(body, math.Float64bits(f.Value))
		body = append(body, boolByte(f.OK)|boolByte(f.Reported)<<1|boolByte(f.Partial)<<2|boolByte(f.Restated)<<3)
		body = binary.AppendVarint(body, int64(f.Vintage))
		body = binary.AppendVarint(body, int64(f.Units))
		body = binary.AppendVarint(body, int64(f.Expected))
		for _, l := range [][]string{f.DerivedFrom, f.Unweighted} {
			body = binary.AppendUvarint(body, uint64(len(l)))
			for _, s := range l {
				body = binary.AppendUvarint(body, code(s))
			}
		}
		byUnit[k.unit] = body
	}
	units := slices.Sorted(maps.Keys(byUnit))
	for _, u := range units {
		code(u)
	}
	b = binary.AppendUvarint(b, uint64(len(list)))
	for _, s := range list {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(units)))
	for _, u := range units {
		b = binary.AppendUvarint(b, code(u))
		b = binary.AppendUvarint(b, uint64(len(byUnit[u])))
		b = append(b, byUnit[u]...)
	}
	return b
}

// figuresReader reads the numbers of a figures file; a read past its end
// panics, recovered by the callers as a damaged file.
type figuresReader struct{ b []byte }

func (r *figuresReader) varint() int64 {
	x, n := binary.Varint(r.b)
	if n <= 0 {
		panic("figures")
	}
	r.b = r.b[n:]
	return x
}

func (r *figuresReader) uvarint() int {
	x, n := binary.Uvarint(r.b)
	if n <= 0 || x > uint64(len(r.b))+64 {
		panic("figures")
	}
	r.b = r.b[n:]
	return int(x)
}

func (r *figuresReader) bytes(n int) []byte {
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

// readFiguresFile reads a figures file's header, codes and the place of
// each unit's figures, when it was written at change seq, for approvedOnly,
// by this build.
func readFiguresFile(b []byte, seq int64, approvedOnly bool, build string) (kept *keptFigures, ok bool) {
	defer func() {
		if recover() != nil {
			kept, ok = nil, false
		}
	}()
	if len(b) < len(figuresMagic) || string(b[:len(figuresMagic)]) != figuresMagic {
		return nil, false
	}
	r := &figuresReader{b[len(figuresMagic):]}
	if r.varint() != seq || (r.uvarint() == 1) != approvedOnly || string(r.bytes(r.uvarint())) != build {
		return nil, false
	}
	kept = &keptFigures{codes: make([]string, r.uvarint()), sections: map[string][]byte{}}
	for i := range kept.codes {
		kept.codes[i] = string(r.bytes(r.uvarint()))
	}
	for range r.uvarint() {
		unit := kept.codes[r.uvarint()]
		kept.sections[unit] = r.bytes(r.uvarint())
	}
	return kept, len(r.b) == 0
}

// read puts a unit's kept figures into figures and counts them.
func (k *keptFigures) read(unit string, sec []byte, figures map[figureKey]Figure) (n int, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = 0, false
		}
	}()
	r := &figuresReader{sec}
	for len(r.b) > 0 {
		key := figureKey{indicator: k.codes[r.uvarint()], unit: unit}
		key.year = int16(r.varint())
		fl := r.bytes(2)
		key.first, key.last = fl[0], fl[1]
		key.asOf = int32(r.varint())
		var f Figure
		v := r.bytes(9)
		f.Value = math.Float64frombits(binary.LittleEndian.Uint64(v))
		f.OK, f.Reported, f.Partial, f.Restated = v[8]&1 != 0, v[8]&2 != 0, v[8]&4 != 0, v[8]&8 != 0
		f.Vintage, f.Units, f.Expected = planwatch.Vintage(r.varint()), int(r.varint()), int(r.varint())
		for _, l := range []*[]string{&f.DerivedFrom, &f.Unweighted} {
			if m := r.uvarint(); m > 0 {
				*l = make([]string, m)
				for j := range m {
					(*l)[j] = k.codes[r.uvarint()]
				}
			}
		}
		figures[key] = f
		n++
	}
	return n, true
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// SaveFigures keeps the figures the index remembers beside its snapshot
// (see figuresPath), when it remembers more than were read from there and
// nothing was forgotten meanwhile; commands call it after answering.
func (l *Live) SaveFigures() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	build := buildID()
	if l.path == "" || l.feed == nil || build == "" {
		return nil
	}
	d := l.ds
	d.mu.RLock()
	seq := d.seq
	d.mu.RUnlock()
	if seq != l.seq {
		return nil
	}
	d.memoMu.Lock()
	if len(d.figures) <= d.keptFigures && d.forgets == d.keptAt {
		d.memoMu.Unlock()
		return nil // nothing new
	}
	d.readKeptLocked() // what was kept and not read stays kept
	n := len(d.figures)
	if n > maxSavedFigures {
		d.memoMu.Unlock()
		return nil
	}
	img := encodeFigures(seq, d.ApprovedOnly, build, d.figures)
	d.keptFigures, d.keptAt = n, d.forgets
	d.memoMu.Unlock()
	_, err := writeTemp(figuresPath(l.path), false, func(w io.Writer) (uint64, error) {
		_, err := w.Write(img)
		return 0, err
	})
	return err
}
