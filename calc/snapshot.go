package calc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"unsafe"

	"planwatch"
)

// The snapshot of an index is a file beside the database holding its
// current values as the index keeps them (entries copied as they lie in
// memory), the change number they reflect, and the shared provenance and
// detail records. Start-up reads it and then only the changes committed
// after that number (ChangeFeed.CurrentSince), instead of every value of
// the store. It is a cache: deleting it costs one slower start, and a
// snapshot that does not match (another layout, a number ahead of the
// store) is ignored.

const snapshotMagic = "planwatch-index\x00"

var snapshotLayout = uint32(unsafe.Sizeof(entry{}))<<16 | 5 // entry size and format version

// SnapshotPath is where the index of a SQLite database at dbPath is kept.
func SnapshotPath(dbPath string) string { return dbPath + ".index" }

type snapshotExtra struct {
	Details []planwatch.DataValue
	Provs   []provenance
	// The catalogue and plans at the snapshot's change number: when the
	// store has not moved since, start-up reads nothing else.
	Indicators  []planwatch.Indicator
	Units       []planwatch.OrgUnit
	Transitions []planwatch.Transition
	Targets     []planwatch.Target
	Milestones  []planwatch.Milestone
	Approved    map[string][]planwatch.Period
	// Mark names the change the snapshot is at (ChangeMarker): a store
	// whose change of that number is another (a backup restored over the
	// database, then other changes) is not the snapshot's history.
	Mark string
}

// ChangeMarker is a change feed that names a committed change by what it
// was (when, what kind, by whom), so that an index snapshot is used only
// with the history it was made from: change numbers alone start again
// after a restore. Both engines are.
type ChangeMarker interface {
	ChangeMark(ctx context.Context, seq int64) (string, error)
}

// sameHistory reports whether the store's change seq is the one a snapshot
// marked: true for a store that cannot say, false when it cannot be read.
func sameHistory(ctx context.Context, feed ChangeFeed, seq int64, mark string) bool {
	m, ok := feed.(ChangeMarker)
	if !ok || seq == 0 {
		return true
	}
	got, err := m.ChangeMark(ctx, seq)
	return err == nil && got == mark
}

// WriteSnapshot writes the index's values and change number to w: the
// entries first, series after series in the order of the directory, from a
// multiple of 8 bytes, so that a snapshot mapped into memory serves them
// where they lie; then the directory (every indicator's units with the
// count of their entries, and its years with figures) and the shared
// records; last, where the directory starts. Reading the directory touches
// none of the entries: a mapped image is read from disk only where a
// question needs it.
func (d *Dataset) WriteSnapshot(w io.Writer) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	codes := make([]string, 0, len(d.values))
	for c := range d.values {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	units := make([][]string, len(codes))
	byUnit := make([]map[string]series, len(codes))
	for i, code := range codes {
		byUnit[i] = map[string]series{}
		d.values[code].each(d.unitCodes, func(u string, s series) { byUnit[i][u] = s })
		units[i] = slices.Sorted(maps.Keys(byUnit[i]))
	}
	sw := &snapshotWriter{w: bufio.NewWriterSize(w, 1<<20)}
	sw.bytes([]byte(snapshotMagic))
	sw.u32(snapshotLayout)
	sw.u64(uint64(d.seq))
	sw.align()
	for i := range codes {
		for _, unit := range units[i] {
			if s := byUnit[i][unit]; len(s) > 0 {
				sw.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(entry{}))))
			}
		}
	}
	directory := sw.n
	sw.u32(uint32(len(codes)))
	for i, code := range codes {
		sw.str(code)
		sw.u32(uint32(len(units[i])))
		for _, unit := range units[i] {
			sw.str(unit)
			sw.u32(uint32(len(byUnit[i][unit])))
		}
		years := make([]int, 0, len(d.years[code]))
		for y, ok := range d.years[code] {
			if ok {
				years = append(years, y)
			}
		}
		sort.Ints(years)
		sw.u32(uint32(len(years)))
		for _, y := range years {
			sw.u32(uint32(y))
		}
	}
	extra := snapshotExtra{Mark: d.mark, Details: d.details, Provs: d.provs, Units: d.rawUnits, Transitions: d.rawTrans,
		Milestones: d.milestones, Approved: d.approvals}
	for _, ind := range d.Indicators() {
		extra.Indicators = append(extra.Indicators, ind)
	}
	for _, t := range d.targets {
		extra.Targets = append(extra.Targets, t)
	}
	if sw.err != nil {
		return sw.err
	}
	if err := gob.NewEncoder(sw.w).Encode(extra); err != nil {
		return err
	}
	if _, err := sw.w.Write(binary.LittleEndian.AppendUint64(nil, uint64(directory))); err != nil {
		return err
	}
	return sw.w.Flush()
}

type snapshotWriter struct {
	w   *bufio.Writer
	n   int
	err error
}

func (sw *snapshotWriter) bytes(b []byte) {
	if sw.err == nil {
		_, sw.err = sw.w.Write(b)
		sw.n += len(b)
	}
}

func (sw *snapshotWriter) u32(x uint32) { sw.bytes(binary.LittleEndian.AppendUint32(nil, x)) }
func (sw *snapshotWriter) u64(x uint64) { sw.bytes(binary.LittleEndian.AppendUint64(nil, x)) }
func (sw *snapshotWriter) str(s string) { sw.u32(uint32(len(s))); sw.bytes([]byte(s)) }
func (sw *snapshotWriter) align()       { sw.bytes(make([]byte, (8-sw.n%8)%8)) }

// errSnapshot says a snapshot cannot be used.
var errSnapshot = errors.New("calc: snapshot not usable")

// readSnapshot fills an empty index from a snapshot image (values and
// plans) and returns its change number and the catalogue it was made with.
// The index's entries point into img, which must stay (mapped) and 8-byte
// aligned for the life of the index; entries are copied out when changed.
func (d *Dataset) readSnapshot(img []byte) (int64, *snapshotExtra, error) {
	seq, extra, err := d.readSnapshotValues(img)
	if err != nil {
		return 0, nil, err
	}
	d.mu.Lock()
	d.setTargets(extra.Targets)
	d.milestones = extra.Milestones
	d.approvals = extra.Approved
	d.mu.Unlock()
	return seq, extra, nil
}

func (d *Dataset) readSnapshotValues(img []byte) (seq int64, extra *snapshotExtra, err error) {
	defer func() {
		if recover() != nil { // a truncated or damaged image
			seq, extra, err = 0, nil, errSnapshot
		}
	}()
	off := 0
	take := func(n int) []byte {
		b := img[off : off+n]
		off += n
		return b
	}
	u32 := func() int { return int(binary.LittleEndian.Uint32(take(4))) }
	str := func() string { return string(take(u32())) }
	if len(img) < len(snapshotMagic)+12 || string(take(len(snapshotMagic))) != snapshotMagic || uint32(u32()) != snapshotLayout {
		return 0, nil, errSnapshot
	}
	seq = int64(binary.LittleEndian.Uint64(take(8)))
	at := off + (8-off%8)%8 // the first series' entries
	off = int(binary.LittleEndian.Uint64(img[len(img)-8:]))
	size := int(unsafe.Sizeof(entry{}))
	d.mu.Lock()
	defer d.mu.Unlock()
	for range u32() {
		code := str()
		nUnit := u32()
		us := &unitSeries{byID: make([]series, len(d.unitCodes), max(len(d.unitCodes), nUnit))}
		for range nUnit {
			unit := take(u32())
			id, ok := d.unitIDs[string(unit)] // no copy of the code for a unit already known
			if !ok {
				id = d.unitID(string(unit))
			}
			if int(id) >= len(us.byID) {
				us.byID = append(us.byID, make([]series, int(id)+1-len(us.byID))...)
			}
			n := u32()
			s := series{} // present, even when empty
			if n > 0 {
				raw := img[at : at+n*size]
				s = unsafe.Slice((*entry)(unsafe.Pointer(&raw[0])), n)[:n:n] // an append copies out
			}
			at += n * size
			us.byID[id] = s
			d.count += n
		}
		nYears := u32()
		years := make(map[int]bool, nYears)
		for range nYears {
			years[u32()] = true
		}
		d.values[code] = us
		d.years[code] = years
	}
	extra = &snapshotExtra{}
	if err := gob.NewDecoder(bytes.NewReader(img[off : len(img)-8])).Decode(extra); err != nil {
		return 0, nil, err
	}
	d.details, d.provs = extra.Details, extra.Provs
	d.provIdx = make(map[provenance]int32, len(d.provs))
	for i, p := range d.provs {
		d.provIdx[p] = int32(i)
	}
	for i, v := range d.details {
		if v.Indicator == "" && v.Period.IsZero() {
			d.freeDetail = append(d.freeDetail, int32(i))
		}
	}
	d.seq = seq
	return seq, extra, nil
}

// SaveSnapshot writes the index to path (atomically: a temporary file,
// synced, then renamed) if it has changed since it was read or last saved.
func (l *Live) SaveSnapshot(path string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if path == "" || l.feed == nil || l.saved == l.seq {
		return nil
	}
	l.ds.mark = ""
	if m, ok := l.feed.(ChangeMarker); ok && l.seq > 0 {
		mark, err := m.ChangeMark(context.Background(), l.seq)
		if err != nil {
			return err
		}
		l.ds.mark = mark
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := l.ds.WriteSnapshot(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	l.saved = l.seq
	return nil
}

// OpenSnapshot is Open that starts from the snapshot at path when it is
// usable (the store numbers its changes and is not behind the snapshot),
// then reads only the changes committed after it. Without a usable
// snapshot it loads everything; either way it saves a fresh snapshot when
// more than a few changes had to be read.
func OpenSnapshot(ctx context.Context, src Source, approvedOnly bool, path string) (*Live, error) {
	feed, ok := src.(ChangeFeed)
	if !ok || path == "" {
		return Open(ctx, src, approvedOnly)
	}
	storeSeq, err := feed.ChangeSeq(ctx)
	if err != nil {
		return nil, err
	}
	l := &Live{src: src, feed: feed, path: path}
	if img, err := mapFile(path); err == nil {
		ds := NewDataset(nil, nil, nil, nil, nil)
		seq, extra, err := ds.readSnapshot(img)
		if err == nil && seq <= storeSeq && sameHistory(ctx, feed, seq, extra.Mark) {
			// The snapshot's catalogue is the store's when nothing changed
			// since, or when the catch-up will learn whether it did (a
			// catalogue feed: units and indicators read again only then).
			_, followed := feed.(CatalogueFeed)
			if len(extra.Units) > 0 && (seq == storeSeq || followed) {
				ds.setCatalogue(extra.Indicators, extra.Units, extra.Transitions)
			} else if err := ds.loadCatalogue(ctx, src); err != nil {
				return nil, err
			}
			ds.ApprovedOnly = approvedOnly
			l.ds, l.seq, l.saved = ds, seq, seq
		}
	}
	if l.ds == nil {
		// Figures kept beside a snapshot of another history, or of none,
		// are not this store's either.
		os.Remove(figuresPath(path))
		ds := NewDataset(nil, nil, nil, nil, nil)
		if err := ds.loadCatalogue(ctx, src); err != nil {
			return nil, err
		}
		ds.ApprovedOnly = approvedOnly
		l.ds = ds
	}
	if l.seq == storeSeq && l.seq > 0 {
		l.ds.loadFigures(figuresPath(path), l.seq)
		return l, nil
	}
	before := l.seq
	if err := l.catchUp(ctx); err != nil {
		return nil, fmt.Errorf("calc: reading changes after %d: %w", before, err)
	}
	if l.seq != before {
		// The snapshot is a cache: a directory that cannot take it (read
		// only, full) costs the next start its time, not this answer.
		_ = l.SaveSnapshot(path)
	}
	return l, nil
}
