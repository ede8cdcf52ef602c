package calc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"math"
	"sort"
)

// SnapshotCheck is what VerifySnapshot found.
type SnapshotCheck struct {
	Path     string
	Present  bool
	Seq      int64 // the change number the snapshot reflects
	StoreSeq int64 // the store's, when checked
	Values   int   // current values in the snapshot brought up to the store
	// Problems name each indicator whose values differ from the store's, or
	// why the snapshot cannot be used.
	Problems []string
}

// VerifySnapshot checks the index snapshot at path against the store: the
// snapshot as start-up would use it (its values, then the changes committed
// after its number) must hold exactly the current values a fresh load from
// the store holds, indicator by indicator (count and a checksum of every
// field). It reads the snapshot without changing it. A missing snapshot is
// not a problem (start-up makes one).
func VerifySnapshot(ctx context.Context, src Source, path string) (SnapshotCheck, error) {
	c := SnapshotCheck{Path: path}
	feed, ok := src.(ChangeFeed)
	if !ok || path == "" {
		return c, nil
	}
	img, err := mapFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	c.Present = true
	if c.StoreSeq, err = feed.ChangeSeq(ctx); err != nil {
		return c, err
	}
	ds := NewDataset(nil, nil, nil, nil, nil)
	seq, extra, err := ds.readSnapshot(img)
	if err != nil {
		c.Problems = append(c.Problems, fmt.Sprintf("chỉ mục không đọc được / the index snapshot cannot be read: %v", err))
		return c, nil
	}
	c.Seq = seq
	if seq > c.StoreSeq {
		c.Problems = append(c.Problems, fmt.Sprintf("chỉ mục đi trước CSDL / the index snapshot is at change %d, ahead of the store (%d): it is not this database's", seq, c.StoreSeq))
		return c, nil
	}
	if !sameHistory(ctx, feed, seq, extra.Mark) {
		c.Problems = append(c.Problems, fmt.Sprintf("chỉ mục thuộc lịch sử khác / the index snapshot's change %d is not the store's change %d: it is not this database's history (it is ignored and made again at the next start)", seq, seq))
		return c, nil
	}
	if dseq, _, ok := ds.takeDelta(ctx, feed, path, c.StoreSeq); ok { // as start-up does
		seq, c.Seq = dseq, dseq
	}
	if err := ds.loadCatalogue(ctx, src); err != nil {
		return c, err
	}
	snap := &Live{src: src, feed: feed, ds: ds, seq: seq}
	fresh, err := Open(ctx, src, false)
	if err != nil {
		return c, err
	}
	// Both up to the same change: the store may be written meanwhile.
	for i := 0; ; i++ {
		snap.mu.Lock()
		err := snap.catchUp(ctx)
		snap.mu.Unlock()
		if err != nil {
			return c, err
		}
		if err := fresh.Sync(ctx); err != nil {
			return c, err
		}
		if snap.seq == fresh.seq || i == 5 {
			break
		}
	}
	if snap.seq != fresh.seq {
		return c, fmt.Errorf("calc: the store kept changing while the index was checked")
	}
	c.StoreSeq = fresh.seq
	c.Values = ds.Len()
	seed := maphash.MakeSeed()
	a, b := ds.digest(seed), fresh.ds.digest(seed)
	var codes []string
	for code := range a {
		codes = append(codes, code)
	}
	for code := range b {
		if _, ok := a[code]; !ok {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		if a[code] != b[code] {
			c.Problems = append(c.Problems, fmt.Sprintf("chỉ mục khác CSDL ở chỉ tiêu / the index differs from the store for indicator %s: %d values in the index, %d in the store",
				code, a[code].n, b[code].n))
		}
	}
	return c, nil
}

type digest struct {
	n   int
	sum uint64
}

// digest sums, per indicator, a hash of every current value's fields
// (order-independent).
func (d *Dataset) digest(seed maphash.Seed) map[string]digest {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := map[string]digest{}
	var h maphash.Hash
	h.SetSeed(seed)
	num := func(f *float64) {
		if f == nil {
			h.WriteByte(0)
			return
		}
		h.Write(binary.LittleEndian.AppendUint64([]byte{1}, math.Float64bits(*f)))
	}
	str := func(s string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.WriteString(s)
	}
	for code, us := range d.values {
		dg := out[code]
		us.each(d.unitCodes, func(unit string, s series, m []entryMeta) {
			for i := range s {
				v := d.dataValue(code, unit, &s[i], m[i])
				h.Reset()
				str(code)
				str(unit)
				str(v.Period.ID())
				str(string(v.Basis))
				h.Write(binary.AppendVarint(nil, int64(v.Vintage)))
				h.Write(binary.AppendVarint(nil, int64(v.Revision)))
				num(v.Value)
				num(v.YoY)
				num(v.PlanPct)
				num(v.VsRef)
				str(v.Comment)
				str(v.By)
				str(v.At.UTC().Format("2006-01-02T15:04:05.000000000"))
				str(string(v.Source.Kind))
				str(v.Source.Ref)
				str(v.Source.Sentence)
				str(v.Source.Formula)
				h.Write(binary.AppendVarint(nil, int64(v.Source.Row)))
				if v.Approved {
					h.WriteByte(1)
				}
				dg.n++
				dg.sum += h.Sum64()
			}
		})
		out[code] = dg
	}
	return out
}
