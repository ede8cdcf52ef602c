package web

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// TestAttackPendingUploadsBounded: a previewed file waits in memory for
// its commit. One signed-in writer previewing file after file (each within
// the upload bound) grew that memory without end, an hour per file: one
// user keeps only their newest previews, and all users together at most
// maxPendingBytes, the newest preview always kept.
func TestAttackPendingUploadsBounded(t *testing.T) {
	u := &uploads{items: map[string]*pendingUpload{}}
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 10 {
		ids = append(ids, u.put(&pendingUpload{name: fmt.Sprint(i), data: bytes.Repeat([]byte("x"), 1<<10), by: "lan", at: now}, now))
	}
	kept := 0
	for _, id := range ids {
		if _, ok := u.get(id, "lan"); ok {
			kept++
		}
	}
	if kept > maxPendingPerUser {
		t.Errorf("one user has %d previews waiting, want at most %d", kept, maxPendingPerUser)
	}
	if _, ok := u.get(ids[len(ids)-1], "lan"); !ok {
		t.Error("the newest preview was dropped")
	}

	defer func(n int64) { maxPendingBytes = n }(maxPendingBytes)
	maxPendingBytes = 10 << 10
	var last string
	for i := range 20 {
		last = u.put(&pendingUpload{name: fmt.Sprint(i), data: bytes.Repeat([]byte("x"), 3<<10), by: fmt.Sprint("user", i), at: now}, now)
	}
	var held int64
	for _, p := range u.items {
		held += int64(len(p.data))
	}
	if held > maxPendingBytes {
		t.Errorf("%d KiB of previews held, bound %d KiB", held>>10, maxPendingBytes>>10)
	}
	if _, ok := u.get(last, "user19"); !ok {
		t.Error("the newest preview was dropped")
	}
}
