package calc

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"time"
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

var snapshotLayout = uint32(unsafe.Sizeof(entry{}))<<16 | 8 // entry size and format version

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
	// ID names a full snapshot (random, never 0; 0 in snapshots written
	// before deltas); Base, in a delta snapshot (delta.go), the ID of the
	// full snapshot it completes.
	ID, Base uint64

	// targets are Targets by key, the current version of each (as
	// setTargets keeps them), made while the directory is read.
	targets map[targetKey]planwatch.Target
	// hierarchy is made of Units and Transitions there too.
	hierarchy *planwatch.Hierarchy
}

// indexTargets makes x.targets from x.Targets.
func (x *snapshotExtra) indexTargets() {
	x.targets = make(map[targetKey]planwatch.Target, len(x.Targets))
	for _, t := range x.Targets {
		keepTarget(x.targets, t)
	}
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
	_, err := d.writeSnapshot(w, 0)
	return err
}

// writeSnapshot writes a full snapshot (base 0) under a new ID, returned,
// or a delta snapshot of the base ID given: only the series marked dirty,
// with the shared records and plans whole (delta.go).
func (d *Dataset) writeSnapshot(w io.Writer, base uint64) (uint64, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	codes := make([]string, 0, len(d.values))
	byUnit := map[string]map[string]int32{} // indicator → unit → id, of the series written
	for code, us := range d.values {
		m := map[string]int32{}
		for id, s := range us.byID {
			if s != nil && (base == 0 || us.isDirty(id)) {
				m[d.unitCodes[id]] = int32(id)
			}
		}
		if base == 0 || len(m) > 0 {
			codes = append(codes, code)
			byUnit[code] = m
		}
	}
	sort.Strings(codes)
	units := make([][]string, len(codes))
	for i, code := range codes {
		units[i] = slices.Sorted(maps.Keys(byUnit[code]))
	}
	sw := &snapshotWriter{w: newBlockWriter(w)}
	sw.bytes([]byte(snapshotMagic))
	sw.u32(snapshotLayout)
	sw.u64(uint64(d.seq))
	sw.align()
	for i, code := range codes {
		us := d.values[code]
		for _, unit := range units[i] {
			if s := us.byID[byUnit[code][unit]]; len(s) > 0 {
				sw.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(entry{}))))
			}
		}
	}
	sw.align()
	rest := sw.n
	for i, code := range codes {
		us := d.values[code]
		for _, unit := range units[i] {
			if m := us.meta[byUnit[code][unit]]; len(m) > 0 {
				sw.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&m[0])), len(m)*int(unsafe.Sizeof(entryMeta{}))))
			}
		}
	}
	directory := sw.n
	// The units once, then each indicator's by their number in that list.
	unitNo := map[string]int{}
	for i := range codes {
		for _, unit := range units[i] {
			unitNo[unit] = 0
		}
	}
	all := slices.Sorted(maps.Keys(unitNo))
	sw.u32(uint32(len(all)))
	for n, unit := range all {
		unitNo[unit] = n
		sw.str(unit)
	}
	sw.u32(uint32(len(codes)))
	for i, code := range codes {
		sw.str(code)
		sw.u32(uint32(len(units[i])))
		us := d.values[code]
		for _, unit := range units[i] {
			sw.u32(uint32(unitNo[unit]))
			sw.u32(uint32(len(us.byID[byUnit[code][unit]])))
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
		Milestones: d.milestones, Approved: d.approvals, ID: newSnapshotID(), Base: base}
	if base != 0 {
		extra.ID = 0
	}
	for _, ind := range d.Indicators() {
		extra.Indicators = append(extra.Indicators, ind)
	}
	for _, t := range d.targets {
		extra.Targets = append(extra.Targets, t)
	}
	if sw.err != nil {
		return 0, sw.err
	}
	records := sw.n
	if err := gob.NewEncoder(sw.w).Encode(extra); err != nil {
		return 0, err
	}
	trailer := binary.LittleEndian.AppendUint64(nil, uint64(rest))
	trailer = binary.LittleEndian.AppendUint64(trailer, uint64(records))
	trailer = binary.LittleEndian.AppendUint64(trailer, uint64(directory))
	if _, err := sw.w.Write(trailer); err != nil {
		return 0, err
	}
	return extra.ID, sw.w.Flush()
}

type snapshotWriter struct {
	w   *blockWriter
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

// blockSize is the size of the writes of a snapshot: a multiple of the
// 2 MiB a page table's middle level maps.
const blockSize = 4 << 20

// blockWriter writes a file in blocks of blockSize, each at an offset that
// is a multiple of it (the last one shorter). The kernel (Linux 6.16 and
// later on ext4, earlier on XFS) then caches the file's pages in 2 MiB
// pieces, and a process that maps the snapshot maps each piece whole at its
// first read: one fault and one TLB entry per 2 MiB instead of one fault
// per 64 KiB and one entry per 4 KiB. Written through bufio's 1 MiB, the
// country's status spent 0.3 s of its 1.5 s of CPU on that (issue 12). A
// file read back from disk is cached in large pieces by readahead anyway.
type blockWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func newBlockWriter(w io.Writer) *blockWriter {
	return &blockWriter{w: w, buf: make([]byte, 0, blockSize)}
}

// Write copies p into whole blocks, writing each when full (never p
// directly, which would move the later blocks off their offsets).
func (b *blockWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && b.err == nil {
		k := copy(b.buf[len(b.buf):cap(b.buf)], p)
		b.buf, p = b.buf[:len(b.buf)+k], p[k:]
		if len(b.buf) == cap(b.buf) {
			b.Flush()
		}
	}
	if b.err != nil {
		return 0, b.err
	}
	return n, nil
}

// Flush writes what is held (a block, or the file's last, shorter one).
func (b *blockWriter) Flush() error {
	if b.err == nil && len(b.buf) > 0 {
		_, b.err = b.w.Write(b.buf)
		b.buf = b.buf[:0]
	}
	return b.err
}

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
	d.takePlans(extra)
	d.mu.Unlock()
	return seq, extra, nil
}

// takePlans sets the plans and approvals of a snapshot; the caller holds mu.
// A snapshot's plans replace the index's whole (a delta's over its full
// snapshot's: a target withdrawn since is not kept). The targets were
// indexed as the snapshot was read (walkSnapshot, indexTargets).
func (d *Dataset) takePlans(extra *snapshotExtra) {
	d.targets = extra.targets
	d.milestones = extra.Milestones
	d.approvals = extra.Approved
}

func (d *Dataset) readSnapshotValues(img []byte) (seq int64, extra *snapshotExtra, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var code string
	var us *unitSeries
	var ids []int32 // the directory's units by their number there
	seq, extra, err = walkSnapshot(img, func(unit []byte) {
		id, ok := d.unitIDs[string(unit)] // no copy of the code for a unit already known
		if !ok {
			id = d.unitID(string(unit))
		}
		ids = append(ids, id)
	}, func(c string, nUnit int) {
		code, us = c, &unitSeries{byID: make([]series, len(d.unitCodes)), meta: make([][]entryMeta, len(d.unitCodes))}
		d.values[code] = us
	}, func(unit int, s series, m []entryMeta) {
		id := ids[unit]
		us.byID[id], us.meta[id] = s, m
		d.count += len(s)
	}, func(years map[int]bool) { d.years[code] = years })
	if err != nil {
		return 0, nil, err
	}
	d.takeShared(extra)
	d.seq, d.baseID = seq, extra.ID
	return seq, extra, nil
}

// takeShared sets the shared records (details and provenances) of a
// snapshot; the caller holds mu.
func (d *Dataset) takeShared(extra *snapshotExtra) {
	d.details, d.provs = extra.Details, extra.Provs
	d.provIdx = make(map[provenance]int32, len(d.provs))
	for i, p := range d.provs {
		d.provIdx[p] = int32(i)
	}
	d.freeDetail = nil
	for i, v := range d.details {
		if v.Indicator == "" && v.Period.IsZero() {
			d.freeDetail = append(d.freeDetail, int32(i))
		}
	}
}

// walkSnapshot reads a snapshot image: the units of its directory, each
// indicator with its count of units, each of that indicator's series (its
// unit by its number among the units; entries and their rest pointing into
// img: an append copies them out) and its years, handed to the functions in
// that order; then the change number and the records after the directory.
// A truncated or damaged image is errSnapshot, with the functions perhaps
// called for part of it.
func walkSnapshot(img []byte, unitCode func(code []byte), indicator func(code string, nUnit int), onSeries func(unit int, s series, m []entryMeta), years func(map[int]bool)) (seq int64, extra *snapshotExtra, err error) {
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
	if len(img) < len(snapshotMagic)+36 || string(take(len(snapshotMagic))) != snapshotMagic || uint32(u32()) != snapshotLayout {
		return 0, nil, errSnapshot
	}
	seq = int64(binary.LittleEndian.Uint64(take(8)))
	at := off + (8-off%8)%8 // the first series' entries
	trailer := len(img) - 24
	restAt := int(binary.LittleEndian.Uint64(img[trailer:]))      // the first series' entryMeta
	recordsAt := int(binary.LittleEndian.Uint64(img[trailer+8:])) // the shared records
	off = int(binary.LittleEndian.Uint64(img[trailer+16:]))       // the directory
	if recordsAt < off || recordsAt > trailer {
		return 0, nil, errSnapshot
	}
	// The records are decoded on another core while the directory is read.
	type decoded struct {
		extra *snapshotExtra
		err   error
	}
	records := make(chan decoded, 1)
	go func() {
		x := &snapshotExtra{}
		err := func() (err error) {
			defer func() {
				if recover() != nil {
					err = errSnapshot
				}
			}()
			return gob.NewDecoder(bytes.NewReader(img[recordsAt:trailer])).Decode(x)
		}()
		if err == nil {
			x.indexTargets()
			if len(x.Units) > 0 {
				x.hierarchy = planwatch.NewHierarchy(x.Units, x.Transitions)
			}
		}
		records <- decoded{x, err}
	}()
	size, metaSize := int(unsafe.Sizeof(entry{})), int(unsafe.Sizeof(entryMeta{}))
	metaAt, dirAt := restAt, off // where the entries and their meta must end
	nUnits := u32()
	for range nUnits {
		unitCode(take(u32()))
	}
	for range u32() {
		code := str()
		nUnit := u32()
		if nUnit > nUnits {
			return 0, nil, errSnapshot
		}
		indicator(code, nUnit)
		for range nUnit {
			unit := u32()
			if unit >= nUnits {
				return 0, nil, errSnapshot
			}
			n := u32()
			s, m := series{}, []entryMeta{} // present, even when empty
			if n > 0 {
				raw := img[at : at+n*size]
				s = unsafe.Slice((*entry)(unsafe.Pointer(&raw[0])), n)[:n:n] // an append copies out
				rawMeta := img[restAt : restAt+n*metaSize]
				m = unsafe.Slice((*entryMeta)(unsafe.Pointer(&rawMeta[0])), n)[:n:n]
			}
			at += n * size
			restAt += n * metaSize
			onSeries(unit, s, m)
		}
		nYears := u32()
		ys := make(map[int]bool, nYears)
		for range nYears {
			ys[u32()] = true
		}
		years(ys)
	}
	r := <-records
	if r.err != nil {
		return 0, nil, r.err
	}
	if off != recordsAt || (at+7)&^7 != metaAt || restAt != dirAt {
		return 0, nil, errSnapshot // the directory does not count the entries there are
	}
	return seq, r.extra, nil
}

// SaveSnapshot writes the index to path (atomically: a temporary file,
// synced, then renamed) if it has changed since it was read or last saved:
// only what changed since the full snapshot at path when that is little
// (delta.go).
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
	if err := l.ds.saveSnapshot(path); err != nil { // delta.go
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
	RemoveStaleTemps(path, time.Now())
	if img, err := mapFile(path); err == nil {
		ds := NewDataset(nil, nil, nil, nil, nil)
		ds.noteBase(path) // (a file renamed there in between: our deltas of it would be ignored)
		seq, extra, err := ds.readSnapshot(img)
		if err == nil && seq <= storeSeq && sameHistory(ctx, feed, seq, extra.Mark) {
			if dseq, dextra, ok := ds.takeDelta(ctx, feed, path, storeSeq); ok {
				seq, extra = dseq, dextra
			}
			// The snapshot's catalogue is the store's when nothing changed
			// since, or when the catch-up will learn whether it did (a
			// catalogue feed: units and indicators read again only then).
			_, followed := feed.(CatalogueFeed)
			if len(extra.Units) > 0 && (seq == storeSeq || followed) {
				ds.setCatalogueOf(extra.Indicators, extra.Units, extra.Transitions, extra.hierarchy)
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
