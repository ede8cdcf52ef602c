package colstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"planwatch"
	"planwatch/cube"
)

// Segment file layout (little-endian):
//
//	magic "PWSEG\x00\x00\x01"
//	blocks: month int32 (YYYYMM), indicator id int32, first unit id int32, n int32,
//	        then n float64 values (units first .. first+n−1; NaN = withdrawn)
//	trailer: "PWSEGEND", value count int64, CRC-32C (Castagnoli) of magic and blocks uint32, 0 uint32
const (
	segMagic   = "PWSEG\x00\x00\x01"
	segTrailer = "PWSEGEND"
	segExt     = ".seg"
	maxRun     = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func init() {
	x := uint16(1)
	if *(*byte)(unsafe.Pointer(&x)) != 1 {
		// Segments are copied straight between disk and float64 slices.
		panic("colstore: needs a little-endian machine")
	}
}

func floatBytes(f []float64) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*8)
}

// Import is one bulk import: values are appended to a new segment file and
// become durable and visible together at Commit. Values of one import that
// arrive in (month, indicator, unit id) order — monthly batches — are stored
// as long runs; any order is accepted.
type Import struct {
	db   *DB
	c    *cube.Cube // catalogue snapshot for id resolution
	by   string
	name string
	f    *os.File
	w    *bufio.Writer
	crc  uint32

	month     int
	ind, unit int32 // unit = first unit of the run
	run       []float64
	n         int64
	minM      int
	maxM      int
	hdr       [16]byte
	done      bool

	lastInd     int32
	lastIndCode string
	lastUnit    int32
}

// NewImport starts a bulk import. by names who imports (for the log).
func (db *DB) NewImport(by string) (*Import, error) {
	name := fmt.Sprintf("%d%s", time.Now().UnixNano(), segExt)
	f, err := os.OpenFile(filepath.Join(db.dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	im := &Import{db: db, c: db.cube.Load(), by: by, name: name, f: f, w: bufio.NewWriterSize(f, 1<<20), run: make([]float64, 0, 4096), lastUnit: -1}
	im.write([]byte(segMagic))
	return im, nil
}

func (im *Import) write(b []byte) {
	im.crc = crc32.Update(im.crc, castagnoli, b)
	im.w.Write(b) // errors surface at Flush
}

// Add appends one planwatch value: a monthly, period-basis figure with a
// Value, for a known indicator and unit. EINVALID otherwise.
func (im *Import) Add(v *planwatch.DataValue) error {
	if v.Period.First != v.Period.Last || v.Period.Year == 0 || v.Basis != planwatch.BasisPeriod || v.Value == nil || v.Deleted {
		return planwatch.Errorf(planwatch.EINVALID, "%s: a bulk import holds monthly period values", v.Key)
	}
	// Monthly batches list units in id order: try the unit after the last
	// one, and the last indicator, before the maps.
	i, ok1 := im.lastInd, v.Indicator == im.lastIndCode && im.lastIndCode != ""
	if !ok1 {
		i, ok1 = im.c.IndicatorID(v.Indicator)
		im.lastInd, im.lastIndCode = i, v.Indicator
	}
	u, ok2 := im.lastUnit+1, false
	if units := im.c.Units(); int(u) < len(units) && units[u].Code == v.Unit {
		ok2 = true
	} else {
		u, ok2 = im.c.UnitID(v.Unit)
	}
	if !ok1 || !ok2 {
		im.lastIndCode = ""
		return planwatch.Errorf(planwatch.EINVALID, "%s: unknown indicator or unit", v.Key)
	}
	im.lastUnit = u
	im.AddID(i, u, v.Period.Year*100+v.Period.First, *v.Value)
	return nil
}

// AddID appends one value by dense ids (see cube.Cube.IndicatorID, UnitID).
func (im *Import) AddID(ind, unit int32, yyyymm int, value float64) {
	if len(im.run) > 0 && (yyyymm != im.month || ind != im.ind || unit != im.unit+int32(len(im.run)) || len(im.run) == maxRun) {
		im.flushRun()
	}
	if len(im.run) == 0 {
		im.month, im.ind, im.unit = yyyymm, ind, unit
	}
	im.run = append(im.run, value)
	im.n++
	if im.minM == 0 || yyyymm < im.minM {
		im.minM = yyyymm
	}
	if yyyymm > im.maxM {
		im.maxM = yyyymm
	}
}

func (im *Import) flushRun() {
	if len(im.run) == 0 {
		return
	}
	binary.LittleEndian.PutUint32(im.hdr[0:], uint32(im.month))
	binary.LittleEndian.PutUint32(im.hdr[4:], uint32(im.ind))
	binary.LittleEndian.PutUint32(im.hdr[8:], uint32(im.unit))
	binary.LittleEndian.PutUint32(im.hdr[12:], uint32(len(im.run)))
	im.write(im.hdr[:])
	im.write(floatBytes(im.run))
	im.run = im.run[:0]
}

// Abort drops the import.
func (im *Import) Abort() {
	if !im.done {
		im.done = true
		im.f.Close()
		os.Remove(im.f.Name())
	}
}

// Commit makes the import durable (segment fsynced, then registered in a
// committed SQLite transaction) and visible in the cube. It returns the
// number of values.
func (im *Import) Commit(ctx context.Context) (int64, error) {
	if im.done {
		return 0, fmt.Errorf("colstore: import already finished")
	}
	im.flushRun()
	var tr [24]byte
	copy(tr[:], segTrailer)
	binary.LittleEndian.PutUint64(tr[8:], uint64(im.n))
	binary.LittleEndian.PutUint32(tr[16:], im.crc)
	im.w.Write(tr[:])
	err := im.w.Flush()
	if err == nil {
		err = im.f.Sync()
	}
	if cerr := im.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(im.db.dir)
	}
	im.done = true
	if err != nil {
		os.Remove(im.f.Name())
		return 0, fmt.Errorf("colstore: write segment: %w", err)
	}
	db := im.db
	db.mu.Lock()
	defer db.mu.Unlock()
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO colstore_log(segment, nvalues, min_month, max_month, crc, by, at) VALUES(?,?,?,?,?,?,?)`,
		im.name, im.n, im.minM, im.maxM, int64(im.crc), im.by, db.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		os.Remove(im.f.Name())
		return 0, fmt.Errorf("colstore: register segment: %w", err)
	}
	// Durable from here on. Show it to the cube.
	if im.n == 0 {
		return 0, nil
	}
	c := db.cube.Load()
	if from, to := c.MonthRange(); from == 0 || im.minM < from || im.maxM > to {
		g, err := c.Grow(im.minM, im.maxM)
		if err != nil {
			return im.n, err
		}
		c = g
	}
	c.Lock()
	err = readSegment(im.f.Name(), im.crc, c)
	if err == nil {
		c.RefreshMonths(im.minM, im.maxM)
	}
	c.Unlock()
	db.cube.Store(c)
	if err != nil {
		// The data are durable but the cube is not: rebuild it from disk.
		return im.n, db.reloadLocked(ctx)
	}
	return im.n, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readSegment copies a segment into the cube (whose lock the caller holds),
// checking its CRC against the registered one.
func readSegment(path string, want uint32, c *cube.Cube) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("colstore: segment: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	bad := func(why string) error { return fmt.Errorf("colstore: segment %s: %s", filepath.Base(path), why) }
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:8]); err != nil || string(hdr[:8]) != segMagic {
		return bad("not a segment")
	}
	crc := crc32.Update(0, castagnoli, hdr[:8])
	for {
		p, err := r.Peek(8)
		if err != nil {
			return bad("truncated")
		}
		if bytes.Equal(p, []byte(segTrailer)) {
			break
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return bad("truncated block")
		}
		crc = crc32.Update(crc, castagnoli, hdr[:])
		month := int(binary.LittleEndian.Uint32(hdr[0:]))
		ind := int32(binary.LittleEndian.Uint32(hdr[4:]))
		u0 := int(binary.LittleEndian.Uint32(hdr[8:]))
		n := int(binary.LittleEndian.Uint32(hdr[12:]))
		row, err := c.Row(month, ind)
		if err != nil || u0+n > len(row) {
			return bad("block outside the catalogue")
		}
		dst := floatBytes(row[u0 : u0+n])
		if _, err := io.ReadFull(r, dst); err != nil {
			return bad("truncated values")
		}
		crc = crc32.Update(crc, castagnoli, dst)
	}
	var tr [24]byte
	if _, err := io.ReadFull(r, tr[:]); err != nil {
		return bad("truncated trailer")
	}
	if got := binary.LittleEndian.Uint32(tr[16:]); got != crc || crc != want {
		return bad("checksum mismatch")
	}
	return nil
}
