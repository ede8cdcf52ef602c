package web

import (
	"context"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"planwatch"
	"planwatch/internal/tempfile"
)

// turns bound how many requests hold a file whole at once (maxLargeBodies,
// one per user): a file read and parsed whole holds several times its size
// in memory. A turn is taken where a body is held whole (holdWhole), once
// its bytes are in — a multipart form's files are on disk before the
// handler runs, another body is copied to disk first — so a slow sender
// holds no turn while its body arrives. A write streamed to the store holds
// bounded memory and takes no turn.
type turns struct {
	all    chan struct{} // one token per turn held
	mu     sync.Mutex
	users  map[string]*userTurn
	parked atomic.Int32 // requests waiting for a turn
}

// userTurn is a user's one turn, and how many of the user's requests hold
// or wait for it.
type userTurn struct {
	ch chan struct{}
	n  int
}

// take waits for a turn of the user and one of all, in this order (one
// user's many requests queue behind one another, not before the others').
// It returns the release, or ctx's error.
func (t *turns) take(ctx context.Context, user string) (func(), error) {
	t.mu.Lock()
	ut := t.users[user]
	if ut == nil {
		ut = &userTurn{ch: make(chan struct{}, 1)}
		t.users[user] = ut
	}
	ut.n++
	t.mu.Unlock()
	leave := func() {
		t.mu.Lock()
		if ut.n--; ut.n == 0 {
			delete(t.users, user)
		}
		t.mu.Unlock()
	}
	t.parked.Add(1)
	defer t.parked.Add(-1)
	select {
	case ut.ch <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	select {
	case t.all <- struct{}{}:
	case <-ctx.Done():
		<-ut.ch
		leave()
		return nil, ctx.Err()
	}
	return func() { <-t.all; <-ut.ch; leave() }, nil
}

// requestTurn is the turn of a request on a route that takes turns
// (takesTurns): taken at most once, by holdWhole, and given back with the
// files it spooled when the request ends.
type requestTurn struct {
	t       *turns
	user    string
	release func()
	files   []*os.File
}

type ctxTurnKey struct{}

// withTurn gives r a turn to take (holdWhole); end gives it back.
func (t *turns) withTurn(r *http.Request, user string) (_ *http.Request, end func()) {
	rt := &requestTurn{t: t, user: user}
	return r.WithContext(context.WithValue(r.Context(), ctxTurnKey{}, rt)), rt.end
}

func (rt *requestTurn) end() {
	if rt.release != nil {
		rt.release()
	}
	for _, f := range rt.files {
		f.Close()
		os.Remove(f.Name())
	}
}

// holdWhole is called before a body is held whole: body (nil when it is on
// disk already, a multipart form's file) is copied to a temporary file,
// removed when the request ends, and then the request takes its turn. It
// returns what to read the body from. On a route that takes no turns it
// returns body as it is.
func holdWhole(r *http.Request, body io.Reader) (io.Reader, error) {
	rt, _ := r.Context().Value(ctxTurnKey{}).(*requestTurn)
	if rt == nil || rt.release != nil {
		return body, nil
	}
	if body != nil {
		f, err := tempfile.Create("", bodyFilePattern)
		if err != nil {
			return nil, err
		}
		rt.files = append(rt.files, f)
		in := &readError{r: body}
		if _, err := io.Copy(f, in); err != nil {
			if in.err == nil { // the disk's
				return nil, err
			}
			if err := bodyError(in.err); planwatch.ErrorCode(err) == codeTooLarge {
				return nil, err
			}
			return nil, invalid("không đọc được nội dung gửi lên / could not read the body: %v", in.err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		body = f
	}
	release, err := rt.t.take(r.Context(), rt.user)
	if err != nil {
		return nil, err
	}
	rt.release = release
	return body, nil
}

// bodyFilePattern names the files bodies are spooled to (holdWhole), in
// the system's temporary directory; locked while their request lives.
const bodyFilePattern = "planwatch-body-*"

// staleBodyFile is how long the body file of a killed server must have
// been left untouched before it is removed (a live one is locked anyway):
// a body arrives within slowBodyTime.
const staleBodyFile = slowBodyTime

// removeKilledBodyFiles removes the body files servers killed while
// spooling a body left (by the rule of package tempfile: ours, stale, not
// locked by a live server) and returns their paths.
func removeKilledBodyFiles(now time.Time) []string {
	return tempfile.RemoveStale(os.TempDir(), bodyFilePattern, nil, now, staleBodyFile)
}

// readError is r, keeping the error of a read that failed.
type readError struct {
	r   io.Reader
	err error
}

func (e *readError) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}
