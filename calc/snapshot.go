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
	"os"
	"path/filepath"
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

var snapshotLayout = uint32(unsafe.Sizeof(entry{}))<<16 | 4 // entry size and format version

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
}

// WriteSnapshot writes the index's values and change number to w: first a
// directory (every indicator's units with the count and place of their
// entries, and its years with figures), then the entries, in blocks that
// start at multiples of 8 bytes so that a snapshot mapped into memory
// serves them where they lie, then the shared records. Reading the
// directory touches none of the entries: a mapped image is read from disk
// only where a question needs it.
func (d *Dataset) WriteSnapshot(w io.Writer) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	size := int(unsafe.Sizeof(entry{}))
	type block struct {
		unit string
		s    series
	}
	codes := make([]string, 0, len(d.values))
	for c := range d.values {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	blocks := make([][]block, len(codes))
	years := make([][]int, len(codes))
	head := len(snapshotMagic) + 4 + 8 + 8 + 4 // magic, layout, seq, where the records start, indicators
	for i, code := range codes {
		for unit, s := range d.values[code] {
			blocks[i] = append(blocks[i], block{unit, s})
			head += 4 + len(unit) + 4 + 8
		}
		sort.Slice(blocks[i], func(a, b int) bool { return blocks[i][a].unit < blocks[i][b].unit })
		for y, ok := range d.years[code] {
			if ok {
				years[i] = append(years[i], y)
			}
		}
		sort.Ints(years[i])
		head += 4 + len(code) + 4 + 4 + 4*len(years[i])
	}
	at := head + (8-head%8)%8 // the first block
	records := at
	for i := range blocks {
		for _, b := range blocks[i] {
			records += len(b.s) * size
		}
	}
	sw := &snapshotWriter{w: bufio.NewWriterSize(w, 1<<20)}
	sw.bytes([]byte(snapshotMagic))
	sw.u32(snapshotLayout)
	sw.u64(uint64(d.seq))
	sw.u64(uint64(records))
	sw.u32(uint32(len(codes)))
	for i, code := range codes {
		sw.str(code)
		sw.u32(uint32(len(blocks[i])))
		for _, b := range blocks[i] {
			sw.str(b.unit)
			sw.u32(uint32(len(b.s)))
			sw.u64(uint64(at))
			at += len(b.s) * size
		}
		sw.u32(uint32(len(years[i])))
		for _, y := range years[i] {
			sw.u32(uint32(y))
		}
	}
	sw.align()
	for i := range blocks {
		for _, b := range blocks[i] {
			if len(b.s) > 0 {
				sw.bytes(unsafe.Slice((*byte)(unsafe.Pointer(&b.s[0])), len(b.s)*size))
			}
		}
	}
	if sw.err == nil && sw.n != records {
		return fmt.Errorf("calc: snapshot layout: records at %d, expected %d", sw.n, records)
	}
	extra := snapshotExtra{Details: d.details, Provs: d.provs, Units: d.rawUnits, Transitions: d.rawTrans,
		Milestones: d.milestones, Approved: d.approvals}
	for _, ind := range d.Indicators {
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
	records := int(binary.LittleEndian.Uint64(take(8)))
	size := int(unsafe.Sizeof(entry{}))
	d.mu.Lock()
	defer d.mu.Unlock()
	for range u32() {
		code := str()
		nUnit := u32()
		byUnit := make(map[string]series, nUnit)
		for range nUnit {
			unit := str()
			n := u32()
			at := int(binary.LittleEndian.Uint64(take(8)))
			var s series
			if n > 0 {
				raw := img[at : at+n*size]
				s = unsafe.Slice((*entry)(unsafe.Pointer(&raw[0])), n)[:n:n] // an append copies out
			}
			byUnit[unit] = s
			d.count += n
		}
		nYears := u32()
		years := make(map[int]bool, nYears)
		for range nYears {
			years[u32()] = true
		}
		d.values[code] = byUnit
		d.years[code] = years
	}
	off = records
	extra = &snapshotExtra{}
	if err := gob.NewDecoder(bytes.NewReader(img[off:])).Decode(extra); err != nil {
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
	l := &Live{src: src, feed: feed}
	if img, err := mapFile(path); err == nil {
		ds := NewDataset(nil, nil, nil, nil, nil)
		seq, extra, err := ds.readSnapshot(img)
		if err == nil && seq <= storeSeq {
			if seq == storeSeq && len(extra.Units) > 0 { // nothing changed since: the snapshot's catalogue is the store's
				ds.setCatalogue(extra.Indicators, extra.Units, extra.Transitions)
			} else if err := ds.loadCatalogue(ctx, src); err != nil {
				return nil, err
			}
			ds.ApprovedOnly = approvedOnly
			l.ds, l.seq, l.saved = ds, seq, seq
		}
	}
	if l.ds == nil {
		ds := NewDataset(nil, nil, nil, nil, nil)
		if err := ds.loadCatalogue(ctx, src); err != nil {
			return nil, err
		}
		ds.ApprovedOnly = approvedOnly
		l.ds = ds
	}
	if l.seq == storeSeq && l.seq > 0 {
		return l, nil
	}
	before := l.seq
	if err := l.catchUp(ctx); err != nil {
		return nil, fmt.Errorf("calc: reading changes after %d: %w", before, err)
	}
	if l.seq != before {
		if err := l.SaveSnapshot(path); err != nil {
			return nil, err
		}
	}
	return l, nil
}
