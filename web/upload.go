package web

import "sync"

// uploads holds files between their preview and their commit.
type uploads struct {
	mu    sync.Mutex
	items map[string]*pendingUpload
}

type pendingUpload struct{}
