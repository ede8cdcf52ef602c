package calc

import (
	"os"
	"syscall"
)

// mapFile maps a snapshot into memory, private and copy-on-write, so that
// start-up touches only the pages it reads; the mapping lives as long as
// the process (the index points into it).
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return nil, errSnapshot
	}
	return syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
}
