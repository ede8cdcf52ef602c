package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"planwatch"
)

// holdingStore holds every Apply until released, counting how many are
// held at once, in all and by user: each is a request that has read its
// body whole.
type holdingStore struct {
	planwatch.Store
	release      chan struct{}
	inside, most atomic.Int32
	mu           sync.Mutex
	insideBy     map[string]int
	mostBy       int
}

func (h *holdingStore) Apply(ctx context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	n := h.inside.Add(1)
	for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
	}
	h.mu.Lock()
	h.insideBy[cs.By]++
	h.mostBy = max(h.mostBy, h.insideBy[cs.By])
	h.mu.Unlock()
	<-h.release
	h.mu.Lock()
	h.insideBy[cs.By]--
	h.mu.Unlock()
	h.inside.Add(-1)
	return h.Store.Apply(ctx, cs)
}

// TestAttackConcurrentWholeBodies (fifth session): every body is bounded
// (64 MiB for files), but not how many are read at once. A file posted to
// the upload page, a plan file, a workbook or a push the store cannot
// stream is read whole and then parsed into a change set several times its
// size: one writer sending a dozen such files at once held them all, and
// gigabytes, together. The requests holding a body whole take turns
// (maxLargeBodies at once, one per user; the others wait), so the memory
// they hold is bounded whatever a client sends.
func TestAttackConcurrentWholeBodies(t *testing.T) {
	st := &holdingStore{Store: newTestStore(t, true), release: make(chan struct{}), insideBy: map[string]int{}}
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	const senders = 6
	var wg sync.WaitGroup
	codes := make([]int, senders)
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := newJSONRequest("/api/values", fmt.Sprintf(`[{"indicator":"agri.planted_area","orgunit":"178","period":"2023%02d","value":%d}]`, i+1, i+1))
			req.Header.Set("X-Test-User", []string{"admin", "planner"}[i%2])
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			codes[i] = rec.Code
		}()
	}
	// Wait until every sender holds a turn (inside the store) or waits for
	// one; a bound removed lets more than maxLargeBodies in.
	for st.inside.Load()+s.largeBodies.parked.Load() < senders {
		runtime.Gosched()
	}
	close(st.release)
	wg.Wait()
	if m := st.most.Load(); m > maxLargeBodies || m == 0 {
		t.Errorf("%d bodies read whole at once, want 1 to %d", m, maxLargeBodies)
	}
	if st.mostBy > 1 {
		t.Errorf("%d bodies of one user read whole at once, want 1", st.mostBy)
	}
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("sender %d: %d, want 200 (waiting its turn)", i, c)
		}
	}
}

// TestAttackSlowBodiesHoldTurns (fifth session, reviewer 5): the turn was
// taken before the body was read on the routes whose bodies are not
// multipart forms (the write API: values, targets, data value sets). Two
// connections sending one byte and then nothing held both turns for the
// read deadline (ten minutes, renewable): every upload, plan import,
// mapping and API write of every user waited. A body arriving holds no turn:
// a streamed write needs none (its memory is bounded), and a body read whole
// is on disk before it takes one.
func TestAttackSlowBodiesHoldTurns(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	var pipes []*io.PipeWriter
	t.Cleanup(func() {
		for _, pw := range pipes {
			pw.CloseWithError(io.ErrUnexpectedEOF)
		}
	})
	for _, path := range []string{"/api/values", "/api/targets"} {
		pr, pw := io.Pipe()
		pipes = append(pipes, pw)
		req := httptest.NewRequest("POST", path, pr)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-User", "admin")
		go s.ServeHTTP(httptest.NewRecorder(), req)
		pw.Write([]byte(`[`)) // returns once the handler reads: the first byte, then nothing
	}
	if n := len(s.largeBodies.all); n > 0 {
		t.Fatalf("two slow senders hold %d turns of %d: every other file waits for them", n, maxLargeBodies)
	}
	req := newJSONRequest("/api/targets", `[{"indicator":"trade.retail_sales_services","unit":"178","year":2023,"value":5}]`)
	req.Header.Set("X-Test-User", "planner")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("a complete request beside two slow senders: %d\n%.300s", rec.Code, body(rec))
	}
}
