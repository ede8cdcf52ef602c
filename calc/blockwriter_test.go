package calc

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// writeLog records the writes it is given.
type writeLog struct {
	sizes []int
	all   bytes.Buffer
}

func (l *writeLog) Write(p []byte) (int, error) {
	l.sizes = append(l.sizes, len(p))
	return l.all.Write(p)
}

// A snapshot reaches its file in whole blocks at multiples of blockSize
// (so that the kernel caches it in 2 MiB pieces), whatever the sizes of
// the pieces written into it: small ones, ones spanning blocks, and one
// larger than a block given while nothing is held (which bufio would
// write through as it is, moving every later block off its offset).
func TestSnapshotWrittenInWholeBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var log writeLog
	w := newBlockWriter(&log)
	var want bytes.Buffer
	piece := func(n int) {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		want.Write(p)
		if k, err := w.Write(p); k != n || err != nil {
			t.Fatalf("Write of %d bytes: %d, %v", n, k, err)
		}
	}
	piece(blockSize + blockSize/2) // nothing held yet
	for want.Len() < 3*blockSize {
		piece(1 + rng.IntN(100_000))
	}
	piece(2*blockSize + 5)
	piece(7)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(log.all.Bytes(), want.Bytes()) {
		t.Fatal("the file differs from what was written")
	}
	for i, n := range log.sizes {
		if n != blockSize && i != len(log.sizes)-1 {
			t.Fatalf("write %d of %d bytes, want whole blocks of %d but for the last (writes: %v)", i, n, blockSize, log.sizes)
		}
	}
	if len(log.sizes) != (want.Len()+blockSize-1)/blockSize {
		t.Fatalf("%d writes for %d bytes", len(log.sizes), want.Len())
	}
}
