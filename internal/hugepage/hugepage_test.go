package hugepage

import "testing"

// TestMake: the slice is empty, has the capacity asked for, and holds what
// is written to it, small or large.
func TestMake(t *testing.T) {
	testMake(t)
	Enable()
	testMake(t)
}

func testMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 3 << 20} {
		s := Make[uint64](n)
		if len(s) != 0 || cap(s) != n {
			t.Fatalf("Make(%d): len %d cap %d", n, len(s), cap(s))
		}
		s = s[:n]
		for i := range s {
			s[i] = uint64(i) * 3
		}
		for i := range s {
			if s[i] != uint64(i)*3 {
				t.Fatalf("Make(%d)[%d] = %d", n, i, s[i])
			}
		}
	}
}
