//go:build unix

package tempfile

import (
	"os"
	"syscall"
)

// OwnedByMe reports whether the file belongs to this process's user.
func OwnedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
