package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The attacks of issue 15 on request bodies (4) and on reading texts (5).

// zeros is an endless source of a byte, counting what is read from it.
type zeros struct {
	left, read int64
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	n = min(n, z.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	z.left -= n
	z.read += n
	return int(n), nil
}

// multipartFile is a multipart body with one file of size bytes, produced
// as it is read (nothing of that size is held in the test).
func multipartFile(size int64, fields url.Values) (body io.Reader, contentType string, file *zeros) {
	var head strings.Builder
	mw := multipart.NewWriter(&head)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.CreateFormFile("file", "big.csv")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	file = &zeros{left: size}
	return io.MultiReader(strings.NewReader(head.String()), file, strings.NewReader(tail)), mw.FormDataContentType(), file
}

// TestAttackBodyCapWithHeaderToken (issue 15, 4): with the form token in a
// header, the body cap was skipped and a 200 MiB upload was read whole.
func TestAttackBodyCapWithHeaderToken(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	size := int64(maxUpload + 16<<20)
	b, ct, file := multipartFile(size, nil)
	req := httptest.NewRequest("POST", "/upload", b)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(csrfHeader, c.csrf)
	rec := c.do(req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("%d MiB upload: status %d, want 413", size>>20, rec.Code)
	}
	if file.read > maxUpload+1<<20 {
		t.Errorf("the server read %d MiB of a %d MiB body (cap %d MiB)", file.read>>20, size>>20, maxUpload>>20)
	}
	// A form route takes a form, not a file.
	b, ct, file = multipartFile(8<<20, url.Values{"unit": {"20"}})
	req = httptest.NewRequest("POST", "/approvals/submit", b)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(csrfHeader, c.csrf)
	if rec := c.do(req); rec.Code != http.StatusRequestEntityTooLarge || file.read > 2<<20 {
		t.Errorf("8 MiB to a form route: status %d, %d bytes read", rec.Code, file.read)
	}
}

// TestAttackMultipartTempFilesRemoved (issue 15, 4): multipart temp files
// of 100–200 MiB were never deleted, the form being parsed on a copy of the
// request. Whether the token comes in a header or in the form, the
// directory is empty once the answer is sent.
func TestAttackMultipartTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	for _, inHeader := range []bool{true, false} {
		fields := url.Values{}
		if !inHeader {
			fields.Set(csrfField, c.csrf)
		}
		b, ct, _ := multipartFile(40<<20, fields)
		req := httptest.NewRequest("POST", "/upload", b)
		req.Header.Set("Content-Type", ct)
		if inHeader {
			req.Header.Set(csrfHeader, c.csrf)
		}
		rec := c.do(req)
		if rec.Code == http.StatusForbidden {
			t.Fatalf("token in header=%v refused: %s", inHeader, bodyStart(body(rec)))
		}
		left, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Errorf("token in header=%v: %d temporary files left, e.g. %s", inHeader, len(left), left[0].Name())
			for _, e := range left {
				os.Remove(dir + "/" + e.Name())
			}
		}
	}
}

// TestAttackExtractLimits (issue 15, 5): /api/extract and /read took 64
// MiB, open to anonymous users in public mode without a form token, and
// kept working after the client left.
func TestAttackExtractLimits(t *testing.T) {
	s, _ := newAccountServer(t, true)
	text := func(n int) string {
		b, _ := json.Marshal(map[string]string{"text": strings.Repeat("Doanh thu đạt 5.953 tỷ đồng. ", n/32+1)[:n]})
		return string(b)
	}
	anon := newClient(t, s)
	if rec := anon.postJSON("/api/extract", text(1000)); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous extraction in public mode: %d, want 401", rec.Code)
	}
	anon.get("/read")
	if rec := anon.postForm("/read", url.Values{"text": {"Doanh thu đạt 5.953 tỷ đồng."}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous reading in public mode: %d, want 401", rec.Code)
	}

	c := newClient(t, s)
	login(c, "xem", testPassword)
	c.get("/read") // the form token of the new session
	postJSON := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/extract", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(csrfHeader, c.csrf)
		return c.do(req)
	}
	if rec := postJSON(text(1000)); rec.Code != http.StatusOK {
		t.Fatalf("a signed-in viewer's extraction: %d %s", rec.Code, body(rec))
	}
	if rec := postJSON(text(maxExtractText + 1)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("text of %d bytes: %d, want 413", maxExtractText+1, rec.Code)
	}
	c.get("/read")
	if rec := c.postFile("/read", "file", "big.txt", strings.Repeat("a", maxExtractText+1), nil); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("file of %d bytes to /read: %d, want 413", maxExtractText+1, rec.Code)
	}
	// The client has gone: no extraction is done for it. (A server whose
	// users need no store lookup, warmed up, so that only the extraction
	// sees the cancelled request.)
	hs := newTestServer(t, Config{Authenticate: headerUser})
	hc := newClient(t, hs)
	hc.user = "viewer"
	if rec := hc.postJSON("/api/extract", text(1000)); rec.Code != http.StatusOK {
		t.Fatalf("warm-up: %d %s", rec.Code, body(rec))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("POST", "/api/extract", strings.NewReader(text(200_000))).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	if rec := hc.do(req); rec.Code == http.StatusOK {
		t.Errorf("extraction for a client that has gone: %d, %s", rec.Code, fmt.Sprint(len(body(rec)), " bytes"))
	}
}

// TestAttackBodyBoundEveryWrite: every state-changing route, whatever it
// takes (a form, a file, JSON, a text), stops reading a body at its bound
// (a multipart form is answered 413); none reads on. Routes that stream
// their body, bounded at a gigabyte, are left to the tests of streaming.
func TestAttackBodyBoundEveryWrite(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := newTestServer(t, Config{Authenticate: headerUser})
	for _, rt := range s.routes {
		method, path := concretePath(rt.pattern)
		limit := bodyLimit(rt.pattern)
		if method == "GET" || rt.pattern == "/" || limit > maxUpload {
			continue
		}
		for _, kind := range []string{"multipart", "json"} {
			size := limit + 4<<20
			var b io.Reader
			var ct string
			var sent *zeros
			if kind == "multipart" {
				b, ct, sent = multipartFile(size, url.Values{"unit": {"20"}, "period": {"2022Q1"}})
			} else {
				sent = &zeros{left: size}
				b, ct = io.MultiReader(strings.NewReader(`{"text":"`), sent), "application/json"
			}
			req := httptest.NewRequest(method, path, b)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("X-Test-User", "admin")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			// A multipart form is parsed before the handler: refused. A
			// JSON body is read by the handler, which may not read it at
			// all (a form route): then nothing past the bound was read.
			if kind == "multipart" && rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s, %d MiB %s body: status %d", rt.pattern, size>>20, kind, rec.Code)
			}
			if sent.read > limit+1<<20 {
				t.Errorf("%s read %d MiB of a %d MiB %s body (bound %d MiB)", rt.pattern, sent.read>>20, size>>20, kind, limit>>20)
			}
		}
	}
}
