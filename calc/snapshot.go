package calc

import (
	"bufio"
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

var snapshotLayout = uint32(unsafe.Sizeof(entry{}))<<16 | 1 // entry size and format version

// SnapshotPath is where the index of a SQLite database at dbPath is kept.
func SnapshotPath(dbPath string) string { return dbPath + ".index" }

type snapshotExtra struct {
	Details []planwatch.DataValue
	Provs   []provenance
}

// WriteSnapshot writes the index's values and change number to w.
func (d *Dataset) WriteSnapshot(w io.Writer) error {
	d.mu.RLock()
	defer d.mu.RUnlock()
	bw := bufio.NewWriterSize(w, 1<<20)
	put := func(x any) error { return binary.Write(bw, binary.LittleEndian, x) }
	putString := func(s string) error {
		if err := put(uint32(len(s))); err != nil {
			return err
		}
		_, err := bw.WriteString(s)
		return err
	}
	if _, err := bw.WriteString(snapshotMagic); err != nil {
		return err
	}
	if err := put(snapshotLayout); err != nil {
		return err
	}
	if err := put(d.seq); err != nil {
		return err
	}
	codes := make([]string, 0, len(d.values))
	for c := range d.values {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	if err := put(uint32(len(codes))); err != nil {
		return err
	}
	for _, code := range codes {
		byUnit := d.values[code]
		if err := putString(code); err != nil {
			return err
		}
		if err := put(uint32(len(byUnit))); err != nil {
			return err
		}
		for unit, s := range byUnit {
			if err := putString(unit); err != nil {
				return err
			}
			if err := put(uint32(len(s))); err != nil {
				return err
			}
			if len(s) > 0 {
				raw := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(entry{})))
				if _, err := bw.Write(raw); err != nil {
					return err
				}
			}
		}
	}
	if err := gob.NewEncoder(bw).Encode(snapshotExtra{Details: d.details, Provs: d.provs}); err != nil {
		return err
	}
	return bw.Flush()
}

// errSnapshot says a snapshot cannot be used.
var errSnapshot = errors.New("calc: snapshot not usable")

// readSnapshot fills an empty index from a snapshot and returns its change number.
func (d *Dataset) readSnapshot(r io.Reader) (int64, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	get := func(x any) error { return binary.Read(br, binary.LittleEndian, x) }
	getString := func() (string, error) {
		var n uint32
		if err := get(&n); err != nil {
			return "", err
		}
		if n > 1<<16 {
			return "", errSnapshot
		}
		b := make([]byte, n)
		_, err := io.ReadFull(br, b)
		return string(b), err
	}
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != snapshotMagic {
		return 0, errSnapshot
	}
	var layout uint32
	var seq int64
	if get(&layout) != nil || layout != snapshotLayout || get(&seq) != nil {
		return 0, errSnapshot
	}
	var nInd uint32
	if err := get(&nInd); err != nil {
		return 0, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for range nInd {
		code, err := getString()
		if err != nil {
			return 0, err
		}
		var nUnit uint32
		if err := get(&nUnit); err != nil {
			return 0, err
		}
		byUnit := make(map[string]series, nUnit)
		years := map[int]bool{}
		for range nUnit {
			unit, err := getString()
			if err != nil {
				return 0, err
			}
			var n uint32
			if err := get(&n); err != nil {
				return 0, err
			}
			if n > 1<<24 {
				return 0, errSnapshot
			}
			s := make(series, n)
			if n > 0 {
				raw := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), int(n)*int(unsafe.Sizeof(entry{})))
				if _, err := io.ReadFull(br, raw); err != nil {
					return 0, err
				}
			}
			for i := range s {
				years[int(s[i].year)] = true
			}
			byUnit[unit] = s
			d.count += len(s)
		}
		d.values[code] = byUnit
		d.years[code] = years
	}
	var extra snapshotExtra
	if err := gob.NewDecoder(br).Decode(&extra); err != nil {
		return 0, err
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
	return seq, nil
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
	ds, err := loadCatalogue(ctx, src)
	if err != nil {
		return nil, err
	}
	ds.ApprovedOnly = approvedOnly
	l := &Live{src: src, feed: feed, ds: ds}
	storeSeq, err := feed.ChangeSeq(ctx)
	if err != nil {
		return nil, err
	}
	if f, err := os.Open(path); err == nil {
		seq, err := ds.readSnapshot(f)
		f.Close()
		if err != nil || seq > storeSeq {
			ds, _ = loadCatalogue(ctx, src) // start again from nothing
			ds.ApprovedOnly = approvedOnly
			l.ds = ds
		} else {
			l.seq, l.saved = seq, seq
		}
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
