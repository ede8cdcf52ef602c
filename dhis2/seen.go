package dhis2

// lineSet remembers the line of every value key seen, by a 64-bit hash of
// the key: 12 bytes a value at most 3/4 full, about half of what a Go map
// takes, for the duplicates of a file of millions of rows. Two keys with
// the same hash (a chance of about 2.5e-7 in 3 million values) would be
// reported as duplicates of each other, naming both lines.
type lineSet struct {
	hashes []uint64 // 0 marks an empty slot; a hash of 0 is stored as 1
	lines  []int32
	n      int
}

// add records h at line and returns the line it was first seen at, or 0.
func (s *lineSet) add(h uint64, line int) int {
	if h == 0 {
		h = 1
	}
	if 4*(s.n+1) > 3*len(s.hashes) {
		s.grow()
	}
	mask := uint64(len(s.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.hashes[i] {
		case 0:
			s.hashes[i], s.lines[i] = h, int32(line)
			s.n++
			return 0
		case h:
			return int(s.lines[i])
		}
	}
}

func (s *lineSet) grow() {
	old, oldLines := s.hashes, s.lines
	size := max(1024, 2*len(old))
	s.hashes, s.lines, s.n = make([]uint64, size), make([]int32, size), 0
	for i, h := range old {
		if h != 0 {
			s.add(h, int(oldLines[i]))
		}
	}
}
