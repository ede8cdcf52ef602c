package web

// A small Chrome DevTools Protocol client for the browser tests: real
// headless Chromium driven over its WebSocket with golang.org/x/net/websocket
// (already a module dependency). It is enough for navigating, evaluating
// JavaScript, setting file inputs, screenshots and downloads, and avoids a
// heavy driver dependency (chromedp and its generated protocol packages).

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// findChromium returns the browser binary, or skips (fails when
// PLANWATCH_REQUIRE_BROWSER=1) when there is none.
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PLANWATCH_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and PLANWATCH_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium not found (install Debian's chromium, or run scripts/test.sh as root); set PLANWATCH_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	page    *cdpConn
	browser *cdpConn
}

// launchBrowser starts headless Chromium with a fresh profile and connects
// to its first page.
func launchBrowser(t *testing.T) *browser {
	bin := findChromium(t)
	profile, err := os.MkdirTemp("", "planwatch-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir="+profile, "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1280,900", "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		// Chromium's helpers may still be writing to the profile for a
		// moment after the browser exits; removing it is best effort.
		for range 20 {
			if os.RemoveAll(profile) == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	wsURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "DevTools listening on "); ok {
				wsURL <- strings.TrimSpace(u)
			}
		}
	}()
	var bws string
	select {
	case bws = <-wsURL:
	case <-time.After(60 * time.Second):
		t.Fatal("chromium did not start its DevTools endpoint within 60s")
	}
	host := strings.TrimPrefix(bws, "ws://")
	host = host[:strings.Index(host, "/")]
	var targets []struct {
		Type, WebSocketDebuggerURL string
	}
	for i := 0; i < 50 && len(targets) == 0; i++ {
		resp, err := http.Get("http://" + host + "/json/list")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
		}
		var pages []struct{ Type, WebSocketDebuggerURL string }
		for _, tg := range targets {
			if tg.Type == "page" {
				pages = append(pages, tg)
			}
		}
		targets = pages
		if len(targets) == 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if len(targets) == 0 {
		t.Fatal("chromium has no page target")
	}
	b := &browser{t: t, cmd: cmd, page: dialCDP(t, targets[0].WebSocketDebuggerURL), browser: dialCDP(t, bws)}
	b.call("Page.enable", nil)
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false})
	return b
}

type cdpConn struct {
	t    *testing.T
	ws   *websocket.Conn
	mu   sync.Mutex
	next int
}

func dialCDP(t *testing.T, url string) *cdpConn {
	cfg, err := websocket.NewConfig(url, "http://localhost/")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := websocket.DialConfig(cfg)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	ws.MaxPayloadBytes = 256 << 20
	t.Cleanup(func() { ws.Close() })
	return &cdpConn{t: t, ws: ws}
}

// call sends a command and waits for its answer, skipping events.
func (c *cdpConn) call(method string, params any) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	id := c.next
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if err := websocket.JSON.Send(c.ws, msg); err != nil {
		return nil, err
	}
	c.ws.SetReadDeadline(time.Now().Add(90 * time.Second))
	for {
		var resp struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := websocket.JSON.Receive(c.ws, &resp); err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%s: connection closed", method)
			}
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if resp.ID != id {
			continue
		}
		if resp.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, resp.Error.Message)
		}
		return resp.Result, nil
	}
}

func (b *browser) call(method string, params any) json.RawMessage {
	b.t.Helper()
	res, err := b.page.call(method, params)
	if err != nil {
		b.t.Fatal(err)
	}
	return res
}

// eval runs JavaScript in the page and returns its value (promises awaited).
func (b *browser) eval(js string) any {
	b.t.Helper()
	res := b.call("Runtime.evaluate", map[string]any{"expression": js, "returnByValue": true, "awaitPromise": true})
	var out struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	json.Unmarshal(res, &out)
	if out.ExceptionDetails != nil {
		b.t.Fatalf("js %q: %s %s", js, out.ExceptionDetails.Text, out.ExceptionDetails.Exception.Description)
	}
	return out.Result.Value
}

func (b *browser) evalString(js string) string {
	b.t.Helper()
	s, _ := b.eval(js).(string)
	return s
}

// waitFor polls a JavaScript condition until it is true (no timing is
// asserted: the bound only stops a broken run).
func (b *browser) waitFor(cond string) {
	b.t.Helper()
	for i := 0; i < 600; i++ {
		if v, _ := b.eval("(function(){try{return !!(" + cond + ")}catch(e){return false}})()").(bool); v {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("condition never held: %s\nat %s", cond, b.evalString("location.href"))
}

// navigate opens a URL and waits for the new document to load.
func (b *browser) navigate(url string) {
	b.t.Helper()
	b.eval("window.__pwOld = true")
	b.call("Page.navigate", map[string]any{"url": url})
	b.waitFor("window.__pwOld === undefined && document.readyState === 'complete'")
}

// submit runs js that causes a navigation (a click on a submit button) and
// waits for the next document.
func (b *browser) submit(js string) {
	b.t.Helper()
	b.eval("window.__pwOld = true")
	b.eval(js)
	b.waitFor("window.__pwOld === undefined && document.readyState === 'complete'")
}

// setFile puts a file into a file input.
func (b *browser) setFile(selector, path string) {
	b.t.Helper()
	var doc struct {
		Root struct {
			NodeID int `json:"nodeId"`
		} `json:"root"`
	}
	json.Unmarshal(b.call("DOM.getDocument", nil), &doc)
	var q struct {
		NodeID int `json:"nodeId"`
	}
	json.Unmarshal(b.call("DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}), &q)
	if q.NodeID == 0 {
		b.t.Fatalf("no element %s", selector)
	}
	b.call("DOM.setFileInputFiles", map[string]any{"nodeId": q.NodeID, "files": []string{path}})
}

// screenshot saves the full page as a PNG artifact.
func (b *browser) screenshot(dir, name string) string {
	b.t.Helper()
	var shot struct {
		Data string `json:"data"`
	}
	json.Unmarshal(b.call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}), &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || len(png) == 0 {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// allowDownloads sends downloads to dir.
func (b *browser) allowDownloads(dir string) {
	b.t.Helper()
	if _, err := b.browser.call("Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": dir}); err != nil {
		b.t.Fatal(err)
	}
}
