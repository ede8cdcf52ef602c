package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
)

// The pages kept for anonymous visitors are never stale: another process's
// write, this server's own write and a new day each give a fresh page; a
// signed-in user never gets a kept page; a kept page compressed is the
// same page.
func TestPageCacheFollowsTheData(t *testing.T) {
	st := newTestStore(t, true)
	var mu sync.Mutex
	now := testNow
	s := newTestServer(t, Config{Store: st, PublicRead: true, Authenticate: headerUser, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}})
	anon := newClient(t, s)
	const page = "/indicators/trade.retail_sales_services?unit=178&period=2022Q1"
	first := body(anon.get(page))
	if !strings.Contains(first, "3.210 tỷ đồng") {
		t.Fatalf("first view lacks the fixture's 3.210 tỷ đồng")
	}
	kept := func() int {
		s.pageCache.mu.Lock()
		defer s.pageCache.mu.Unlock()
		return len(s.pageCache.pages.m)
	}
	if kept() != 1 {
		t.Fatalf("the anonymous view was not kept (%d pages kept)", kept())
	}

	// The same page, compressed.
	req := httptest.NewRequest("GET", page, nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("kept page not compressed for a client taking gzip: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, []byte(first)) {
		t.Fatalf("compressed kept page differs from the page")
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("kept page headers: %v", rec.Header())
	}

	// Another process writes: the next view shows it.
	v := qv("trade.retail_sales_services", "178", "2022Q1", 4321e9)
	if _, err := st.Apply(context.Background(), &planwatch.ChangeSet{By: "cli", From: "another process", Values: []planwatch.DataValue{v}}); err != nil {
		t.Fatal(err)
	}
	if got := body(anon.get(page)); !strings.Contains(got, "4.321 tỷ đồng") {
		t.Fatalf("view after another process's write still shows the old figure")
	}

	// This server writes: the next anonymous view shows it.
	planner := newClient(t, s)
	planner.user = "planner"
	if rec := planner.postJSON("/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q1","value":5432e9}]`); rec.Code != http.StatusOK {
		t.Fatalf("post value: %d %s", rec.Code, body(rec))
	}
	if got := body(anon.get(page)); !strings.Contains(got, "5.432 tỷ đồng") {
		t.Fatalf("view after this server's write still shows the old figure")
	}

	// A signed-in user gets their own page, never the anonymous one.
	if got := body(planner.get(page)); !strings.Contains(got, `id="whoami"`) {
		t.Fatalf("signed-in view lacks the user's name: served a kept anonymous page?")
	}

	// A new day: the page is made again (deadlines and "late" depend on the day).
	before := kept()
	mu.Lock()
	now = now.Add(24 * time.Hour)
	mu.Unlock()
	anon.get(page)
	if kept() != 1 || before != 1 {
		t.Fatalf("a new day should start the kept pages afresh: %d then %d", before, kept())
	}
}

// Many visitors asking at once for a page not yet kept: every one gets the
// whole page.
func TestPageCacheConcurrentMisses(t *testing.T) {
	s := newTestServer(t, Config{Store: newTestStore(t, true), PublicRead: true, Authenticate: headerUser})
	const page = "/?unit=178&period=2022Q1"
	want := body(newClient(t, s).get(page + "&lang=vi"))
	var wg sync.WaitGroup
	bodies := make([]string, 32)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", page, nil))
			bodies[i] = rec.Body.String()
		}()
	}
	wg.Wait()
	for i, b := range bodies {
		if b != want {
			t.Fatalf("visitor %d got a different page (%d bytes, want %d)", i, len(b), len(want))
		}
	}
}

// Only what any anonymous visitor may receive is kept.
func TestPageCacheKeepsOnlyWhatIsTheSameForEveryone(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header map[string]string
		body   string
		keep   bool
	}{
		{"plain page", 200, nil, "<p>ok</p>", true},
		{"page with a form token", 200, nil, `<form><input type="hidden" name="_csrf" value="x"></form>`, false},
		{"session cookie", 200, map[string]string{"Set-Cookie": "session=abc; Path=/"}, "<p>ok</p>", false},
		{"form-token cookie only", 200, map[string]string{"Set-Cookie": csrfCookie + "=abc; Path=/"}, "<p>ok</p>", true},
		{"error page", 404, nil, "<p>no</p>", false},
		{"already compressed", 200, map[string]string{"Content-Encoding": "gzip"}, "x", false},
	} {
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		for k, v := range tc.header {
			rec.header.Set(k, v)
		}
		rec.WriteHeader(tc.status)
		rec.Write([]byte(tc.body))
		p := rec.keep()
		if (p != nil) != tc.keep {
			t.Errorf("%s: kept %v, want %v", tc.name, p != nil, tc.keep)
		}
		if p != nil && p.header.Get("Set-Cookie") != "" {
			t.Errorf("%s: a kept page sets a cookie", tc.name)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "gzip, deflate, br": true, "deflate": false, "gzip;q=0": false,
		"gzip; q=0.5": true, "br, GZIP": true, "x-gzip": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", h, got, want)
		}
	}
}

// The content kept for every reader must not depend on who reads but for
// whether they may see names: the same pages rendered first for each kind
// of reader, each by a server of its own, have the same content as for the
// others of the same kind; the templates name nothing of the reader.
func TestKeptContentIsTheSameForEveryone(t *testing.T) {
	st := newTestStore(t, true)
	main := func(user, target string) string {
		c := newClient(t, newTestServer(t, Config{Store: st, PublicRead: true, Authenticate: headerUser}))
		c.user = user
		page := body(c.get(target))
		// The content: inside <main>, after the title and the layout's notices.
		_, after, _ := strings.Cut(page, "</h1>")
		content, _, _ := strings.Cut(after, "</main>")
		var lines []string
		for _, l := range strings.Split(content, "\n") {
			if l != "" && !strings.HasPrefix(l, `<p class="flash`) {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	for name := range keptContent {
		target := map[string]string{
			"dashboard":    "/?unit=178&period=2022Q1",
			"indicator":    "/indicators/trade.retail_sales_services?unit=178&period=2022Q1",
			"completeness": "/completeness?unit=178&period=2022Q1",
		}[name]
		if target == "" {
			t.Fatalf("kept page %s has no URL in this test", name)
		}
		first := map[bool]string{} // shows names → content
		for user, u := range matrixUsers {
			names := authorize(u, false, AccessWrite, Scope{}) == nil
			got := main(user, target)
			if got == "" {
				t.Fatalf("%s: no content for %s", name, user)
			}
			if want, seen := first[names]; seen && got != want {
				t.Errorf("%s: content for %s differs from another reader's of the same kind (names shown: %v)", name, user, names)
			}
			first[names] = got
		}
		src, err := assets.ReadFile("templates/" + name + ".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{".User", ".CSRF", ".CanAudit", ".CanAdmin", ".SignIn", "_csrf"} {
			if strings.Contains(string(src), field) {
				t.Errorf("%s.html names %s: its content depends on the reader and must not be kept for all", name, field)
			}
		}
	}
}

// One server, a writer then a viewer: the viewer never gets the content
// made for the writer, which names who entered each figure.
func TestKeptContentKeepsNamesFromViewers(t *testing.T) {
	s := newTestServer(t, Config{Store: newTestStore(t, true), PublicRead: true, Authenticate: headerUser})
	const target = "/indicators/trade.retail_sales_services?unit=178&period=2022Q1"
	writer, viewer := newClient(t, s), newClient(t, s)
	writer.user, viewer.user = "planner", "viewer"
	for range 2 {
		if !strings.Contains(body(writer.get(target)), "<td>test<br>") {
			t.Fatal("the writer does not see who entered the figures")
		}
		if strings.Contains(body(viewer.get(target)), "<td>test<br>") {
			t.Fatal("the viewer sees who entered the figures: served the writer's kept content")
		}
	}
}

// A visitor served a kept page still gets the language they chose in the
// URL remembered (the cookie the page made afresh sets).
func TestPageCacheKeepsTheLanguageChoice(t *testing.T) {
	s := newTestServer(t, Config{Store: newTestStore(t, true), PublicRead: true, Authenticate: headerUser})
	for i := range 2 {
		c := newClient(t, s)
		c.get("/?unit=178&period=2022Q1&lang=en")
		if ck := c.jar["lang"]; ck == nil || ck.Value != "en" {
			t.Fatalf("visitor %d: no lang=en cookie after choosing English", i+1)
		}
		if page := body(c.get("/completeness?unit=178&period=2022Q1")); !strings.Contains(page, `<html lang="en">`) {
			t.Fatalf("visitor %d: the next page is not in English", i+1)
		}
	}
}
