package calc

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// A delta snapshot keeps what changed since the full snapshot beside it, so
// that a start after a large import (a million values of the country) does
// not rewrite the whole index (a gigabyte) to remember them: it is written
// in the snapshot's own layout with only the series that differ from the
// full snapshot's (whole, an emptied one included) and the shared records
// and plans whole, and names the full snapshot it completes by the random
// ID that snapshot was written with. A start reads the full snapshot, then
// the delta's series over it, then the changes after the delta's number.
// A delta of another full snapshot (one rewritten meanwhile by another
// process) is ignored: the start then reads more changes from the store.
// Once the delta would hold more than a quarter of the index's entries, the
// full snapshot is written again and the delta removed.

// deltaPath is where the delta of the full snapshot at path is kept.
func deltaPath(snapshot string) string { return snapshot + ".delta" }

// RemoveSnapshot removes the index snapshot at path with what is kept beside
// it (its delta, the figures), as for a database made anew.
func RemoveSnapshot(path string) {
	os.Remove(path)
	os.Remove(deltaPath(path))
	os.Remove(figuresPath(path))
}

// newSnapshotID names a full snapshot: random, never 0.
func newSnapshotID() uint64 {
	var b [8]byte
	for {
		rand.Read(b[:])
		if id := binary.LittleEndian.Uint64(b[:]); id != 0 {
			return id
		}
	}
}

// deltaBase is the full snapshot a delta would complete, when one is worth
// writing: the index was read from or wrote a full snapshot that is still
// at path, and the series changed since hold at most a quarter of the
// entries.
func (d *Dataset) deltaBase(path string) (uint64, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.baseID == 0 || d.baseFile == nil {
		return 0, false
	}
	if fi, err := os.Stat(path); err != nil || !os.SameFile(fi, d.baseFile) {
		return 0, false // another process wrote the full snapshot since: a delta of ours would be ignored
	}
	changed := 0
	for _, us := range d.values {
		for w, bits := range us.dirty {
			for b := 0; bits != 0; b, bits = b+1, bits>>1 {
				if bits&1 != 0 && w*64+b < len(us.byID) {
					changed += len(us.byID[w*64+b])
				}
			}
		}
	}
	return d.baseID, changed*4 <= d.count
}

// noteBase remembers which file the full snapshot at path is (the one just
// read or written), so that a delta is written only over that file.
func (d *Dataset) noteBase(path string) {
	fi, _ := os.Stat(path)
	d.mu.Lock()
	d.baseFile = fi
	d.mu.Unlock()
}

// takeDirty clears the marks of changed series before a full snapshot is
// written, returning them for putDirty should the write fail. Series changed
// while it is written are marked again (and written in the next delta).
func (d *Dataset) takeDirty() map[string][]uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	taken := make(map[string][]uint64, len(d.values))
	for code, us := range d.values {
		if len(us.dirty) > 0 {
			taken[code], us.dirty = us.dirty, nil
		}
	}
	return taken
}

// putDirty marks again the series takeDirty took, after a failed write.
func (d *Dataset) putDirty(taken map[string][]uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for code, bits := range taken {
		us := d.values[code]
		if len(us.dirty) < len(bits) {
			us.dirty = append(us.dirty, make([]uint64, len(bits)-len(us.dirty))...)
		}
		for i, b := range bits {
			us.dirty[i] |= b
		}
	}
}

// takeDelta reads over the index, just read from its full snapshot, the
// delta kept beside it when it completes that snapshot, is not ahead of the
// store (at change storeSeq) and is of the store's history. It returns the
// delta's change number and records, or ok false when there is none to use
// (the index is then as it was).
func (d *Dataset) takeDelta(ctx context.Context, feed ChangeFeed, path string, storeSeq int64) (int64, *snapshotExtra, bool) {
	if d.baseID == 0 {
		return 0, nil, false
	}
	img, err := mapFile(deltaPath(path))
	if err != nil {
		return 0, nil, false
	}
	// Read it whole before taking anything (once: its records are decoded
	// with it): a damaged delta leaves the index as the full snapshot made it.
	type taken struct {
		code string
		unit int
		s    series
		m    []entryMeta
	}
	var (
		code  string
		units []string // the delta's units by their number there
		all   []taken
		years = map[string]map[int]bool{}
	)
	seq, extra, err := walkSnapshot(img, func(unit []byte) { units = append(units, string(unit)) }, func(c string, _ int) {
		code = c
	}, func(unit int, s series, m []entryMeta) {
		all = append(all, taken{code, unit, s, m})
	}, func(ys map[int]bool) { years[code] = ys })
	if err != nil || extra.Base != d.baseID || seq < d.seq || seq > storeSeq || !sameHistory(ctx, feed, seq, extra.Mark) {
		return 0, nil, false
	}
	d.mu.Lock()
	for _, t := range all {
		us, id := d.slot(t.code, units[t.unit])
		d.count += len(t.s) - len(us.byID[id])
		us.byID[id], us.meta[id] = t.s, t.m
		us.markDirty(id)
	}
	for c, ys := range years {
		d.years[c] = ys
	}
	d.takeShared(extra)
	d.takePlans(extra)
	d.seq = seq
	d.mu.Unlock()
	return seq, extra, true
}

// saveSnapshot writes the index beside the store: a delta over the full
// snapshot at path when one is worth it (deltaBase), else the full snapshot,
// its delta then removed.
func (d *Dataset) saveSnapshot(path string) error {
	if base, ok := d.deltaBase(path); ok {
		_, err := writeAtomic(deltaPath(path), func(w io.Writer) (uint64, error) { return d.writeSnapshot(w, base) })
		return err
	}
	taken := d.takeDirty()
	id, err := writeAtomic(path, func(w io.Writer) (uint64, error) { return d.writeSnapshot(w, 0) })
	if err != nil {
		d.putDirty(taken)
		return err
	}
	d.mu.Lock()
	d.baseID = id
	d.mu.Unlock()
	d.noteBase(path)
	if err := os.Remove(deltaPath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err // a delta of the old snapshot names its ID: it would be ignored
	}
	return nil
}

// writeAtomic writes a file at path through a temporary file beside it
// (createTemp), synced, then renamed over path.
func writeAtomic(path string, write func(io.Writer) (uint64, error)) (uint64, error) {
	return writeTemp(path, true, write)
}

// writeTemp is writeAtomic, the sync left out when sync is false (a file
// whose loss costs only time and which is checked when read).
func writeTemp(path string, sync bool, write func(io.Writer) (uint64, error)) (uint64, error) {
	tmp, err := createTemp(path)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	id, err := write(tmp)
	if err == nil && sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return id, os.Rename(tmp.Name(), path)
}
