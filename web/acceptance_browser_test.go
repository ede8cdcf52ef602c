package web

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The acceptance test of issue 13: a province set up from an empty database
// with the product itself. The binary is built, `planwatch init` makes the
// database (catalogue and units, no data), `planwatch user add` the first
// administrator, and `planwatch serve` runs it; then, in Chromium, the
// administrator creates a reporter account, an indicator, a derived
// indicator, a breakdown, an indicator set and a validation rule, and the
// reporter enters the figures (one breaking the rule, one per breakdown
// option); the dashboard, the indicator page, the data-quality page and the
// report show them. Screenshots go to $PLANWATCH_ARTEFACTS/acceptance.

// fill sets a form field found by a CSS selector (or an id, with #id when
// the id holds dots) and tells the page it changed.
func (b *browser) fill(selector, value string) {
	b.t.Helper()
	js := fmt.Sprintf(`(function(){const e = %s; if (!e) return false; e.value = %s; e.dispatchEvent(new Event('change', {bubbles: true})); return true})()`,
		elementJS(selector), jsString(value))
	if ok, _ := b.eval(js).(bool); !ok {
		b.t.Fatalf("no field %s on %s", selector, b.evalString("location.href"))
	}
}

// check ticks a checkbox.
func (b *browser) check(selector string) {
	b.t.Helper()
	if ok, _ := b.eval(fmt.Sprintf(`(function(){const e = %s; if (!e) return false; e.checked = true; return true})()`, elementJS(selector))).(bool); !ok {
		b.t.Fatalf("no checkbox %s on %s", selector, b.evalString("location.href"))
	}
}

// click submits with the button found by selector and waits for the next page.
func (b *browser) click(selector string) {
	b.t.Helper()
	if ok, _ := b.eval(fmt.Sprintf(`!!(%s)`, elementJS(selector))).(bool); !ok {
		b.t.Fatalf("no button %s on %s:\n%.600s", selector, b.evalString("location.href"), b.evalString("document.body.innerText"))
	}
	b.submit(fmt.Sprintf(`(%s).click()`, elementJS(selector)))
}

// text is the visible text of the element found by selector, or "".
func (b *browser) text(selector string) string {
	b.t.Helper()
	return b.evalString(fmt.Sprintf(`(function(){const e = %s; return e ? e.innerText : ''})()`, elementJS(selector)))
}

// elementJS finds an element: "#id" by its id (ids with dots), anything
// else by querySelector.
func elementJS(selector string) string {
	if id, ok := strings.CutPrefix(selector, "#"); ok && !strings.ContainsAny(id, " []>:") {
		return "document.getElementById(" + jsString(id) + ")"
	}
	return "document.querySelector(" + jsString(selector) + ")"
}

// planwatchBinary builds cmd/planwatch once for the test.
func planwatchBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "planwatch")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/planwatch")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/planwatch: %v\n%s", err, out)
	}
	return bin
}

// runCLI runs the binary with stdin and returns its output.
func runCLI(t *testing.T, bin, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "PLANWATCH_DB=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("planwatch %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// serveBinary runs `planwatch serve` on a free local port until the test
// ends and returns its base URL.
func serveBinary(t *testing.T, bin, db string, art string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", db, "--addr", addr)
	cmd.Env = append(os.Environ(), "PLANWATCH_DB=")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		os.WriteFile(filepath.Join(art, "serve.log"), log.Bytes(), 0o644)
	})
	base := "http://" + addr
	for range 600 {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("planwatch serve did not answer on %s:\n%s", addr, log.String())
	return ""
}

func TestBrowserAcceptanceProvinceSetup(t *testing.T) {
	b := launchBrowser(t)
	art := filepath.Join(artifactsDir(t), "acceptance")
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) { t.Logf("screenshot %s", b.screenshot(art, name+".png")) }
	bin := planwatchBinary(t)
	db := filepath.Join(t.TempDir(), "tinh.db")

	// The command line: an empty database and its first administrator.
	runCLI(t, bin, "", "init", "--db", db)
	const adminPassword = "Quản trị 2026!"
	runCLI(t, bin, adminPassword+"\n", "user", "add", "--db", db, "--role", "admin", "quan-tri")
	base := serveBinary(t, bin, db, art)

	const (
		unit     = "20"
		year     = "2026"
		period   = "2026Q3"
		sector   = "Văn hóa, thể thao và du lịch"
		ind      = "ls.khach_qt_huu_nghi"
		derived  = "ls.ty_le_khach_huu_nghi"
		total    = "tourism.visitors_international"
		category = "quoc_tich"
		rule     = "huu_nghi_trong_tong_khach_qt"
		reporter = "bao-cao-ls"
	)
	b.signIn(base, "quan-tri", adminPassword)

	// 1. A reporter account for the province.
	b.navigate(base + "/accounts")
	b.fill("#new-name", reporter)
	b.fill("#new-role", "reporter")
	b.fill("#new-units", unit)
	b.click("#account-create")
	otp := b.text("#one-time-password code.otp")
	if len(otp) != oneTimePasswordLen {
		t.Fatalf("no one-time password for the reporter:\n%.800s", b.evalString("document.body.innerText"))
	}
	shot("01-account")

	// 2. An indicator of the province's own.
	b.navigate(base + "/catalogue")
	b.fill("#ind-code", ind)
	b.fill("#ind-name-vi", "Số khách quốc tế qua cửa khẩu Hữu Nghị")
	b.fill("#ind-name-en", "International visitors through the Hữu Nghị border gate")
	b.fill("#ind-unit", "lượt khách")
	b.fill("#ind-sector", sector)
	b.fill("#ind-kind", "flow")
	b.fill("#ind-time-agg", "sum")
	b.fill("#ind-unit-agg", "sum")
	b.fill("select[name=periodicity]", "quarter")
	b.click("#indicator-save")
	if txt := b.text(".flash.ok"); txt == "" {
		t.Fatalf("indicator not saved:\n%.1000s", b.evalString("document.body.innerText"))
	}
	shot("02-indicator")

	// 3. A derived indicator: the gate's share of the province's international visitors.
	b.navigate(base + "/catalogue")
	b.fill("#ind-code", derived)
	b.fill("#ind-name-vi", "Tỷ lệ khách quốc tế qua cửa khẩu Hữu Nghị")
	b.fill("#ind-name-en", "Share of international visitors through Hữu Nghị")
	b.fill("#ind-unit", "%")
	b.fill("#ind-sector", sector)
	b.fill("#ind-kind", "rate")
	b.fill("#ind-time-agg", "none")
	b.fill("#ind-unit-agg", "none")
	b.fill("select[name=periodicity]", "quarter")
	b.fill("#ind-formula", ind+" / "+total+" * 100")
	b.click("#indicator-save")
	if txt := b.text(".flash.ok"); txt == "" {
		t.Fatalf("derived indicator not saved:\n%.1000s", b.evalString("document.body.innerText"))
	}
	shot("03-derived")

	// 4. A breakdown by nationality, attached to the indicator.
	b.navigate(base + "/categories")
	b.fill("#category-code", category)
	b.fill("#category-name-vi", "Quốc tịch")
	b.fill("#category-name-en", "Nationality")
	b.fill("#category-options", "cn | Trung Quốc | China\nkhac | Quốc tịch khác | Other")
	b.click("#category-save")
	if b.text(`#categories tr[data-category="`+category+`"]`) == "" {
		t.Fatalf("breakdown not created:\n%.2000s", b.evalString("document.body.innerText"))
	}
	b.fill("#attach-indicator", ind)
	b.fill("#attach-category", category)
	b.click("#attach-save")
	if txt := b.text(`#categories tr[data-category="` + category + `"]`); !strings.Contains(txt, ind) {
		t.Fatalf("breakdown not attached:\n%.1000s", b.evalString("document.body.innerText"))
	}
	shot("04-breakdown")

	// 5. The province's indicator set for the year.
	b.navigate(base + "/sets?" + url.Values{"unit": {unit}, "year": {year}}.Encode())
	for _, code := range []string{ind, derived, total} {
		b.check("#set-" + code)
	}
	b.fill("#set-source", "Nghị quyết HĐND tỉnh về kế hoạch năm "+year)
	b.click("#set-save")
	if txt := b.evalString("document.body.innerText"); !strings.Contains(txt, "3") || b.text(".flash.ok") == "" {
		t.Fatalf("indicator set not saved:\n%.1000s", txt)
	}
	shot("05-set")

	// 6. A validation rule: the gate's visitors are among the province's.
	b.navigate(base + "/rules")
	b.fill("#rule-code", rule)
	b.fill("#rule-name-vi", "Khách qua Hữu Nghị không vượt tổng khách quốc tế")
	b.fill("#rule-name-en", "Hữu Nghị visitors within all international visitors")
	b.fill("#rule-left", ind)
	b.fill("#rule-op", "<=")
	b.fill("#rule-right", total)
	b.fill("#rule-action", "warn")
	b.fill("#rule-message-vi", "Số khách qua cửa khẩu lớn hơn tổng số khách quốc tế")
	b.click("#rule-save")
	if txt := b.text(`#rules tr[data-rule="` + rule + `"]`); txt == "" {
		t.Fatalf("rule not saved:\n%.1000s", b.evalString("document.body.innerText"))
	}
	shot("06-rule")
	b.click("#logout")

	// 7. The reporter signs in with the one-time password, chooses its own,
	// and enters the quarter: the total breaks the rule, one figure per option.
	b.signIn(base, reporter, otp)
	if !strings.HasPrefix(b.evalString("location.pathname"), "/password") {
		t.Fatalf("the one-time password did not lead to the password page: %s", b.evalString("location.href"))
	}
	const reporterPassword = "Báo cáo Lạng Sơn 2026"
	b.fill("#password-form input[name=current]", otp)
	b.fill("#password-form input[name=new]", reporterPassword)
	b.fill("#password-form input[name=again]", reporterPassword)
	b.click("#password-save")
	entry := base + "/entry?" + url.Values{"unit": {unit}, "period": {period}, "sector": {sector}}.Encode()
	b.navigate(entry)
	figures := map[string]string{ind: "12.000", ind + "~cn": "9.000", ind + "~khac": "3.000", total: "10.000"}
	for code, v := range figures {
		b.fill("#v-"+code, v)
	}
	shot("07-entry")
	b.click("#entry-save")
	if txt := b.text(".flash.ok"); !strings.Contains(txt, "Đã lưu") {
		t.Fatalf("the reporter's figures were not saved:\n%.1500s", b.evalString("document.body.innerText"))
	}
	if txt := b.evalString("document.body.innerText"); !strings.Contains(txt, "Khách qua Hữu Nghị không vượt tổng khách quốc tế") {
		t.Errorf("the entry does not name the rule it breaks:\n%.1500s", txt)
	}
	shot("08-entry-saved")

	// 8. What everyone sees.
	sel := url.Values{"unit": {unit}, "period": {period}}.Encode()
	b.navigate(base + "/?" + sel)
	if v := b.text(`#dashboard tr[data-code="` + ind + `"] .value`); !strings.Contains(v, "12.000") {
		t.Errorf("dashboard: %s shows %q, want 12.000\n%.1500s", ind, v, b.evalString("document.body.innerText"))
	}
	if v := b.text(`#dashboard tr[data-code="` + derived + `"] .value`); !strings.Contains(v, "120") {
		t.Errorf("dashboard: %s shows %q, want 120 (12.000 / 10.000 × 100)", derived, v)
	}
	shot("09-dashboard")

	b.navigate(base + "/indicators/" + ind + "?" + sel)
	txt := b.evalString("document.body.innerText")
	if !strings.Contains(txt, "Số khách quốc tế qua cửa khẩu Hữu Nghị") || !strings.Contains(b.text("#standing"), "12.000") {
		t.Errorf("indicator page lacks the name or the total:\n%.1500s", txt)
	}
	for option, want := range map[string]string{"cn": "9.000", "khac": "3.000"} {
		if v := b.text(`#parts tr[data-code="` + ind + "~" + option + `"] .value`); !strings.Contains(v, want) {
			t.Errorf("indicator page: option %s shows %q, want %s", option, v, want)
		}
	}
	shot("10-indicator")
	b.navigate(base + "/indicators/" + derived + "?" + sel)
	if txt := b.evalString("document.body.innerText"); !strings.Contains(txt, "120") || !strings.Contains(txt, total) {
		t.Errorf("derived indicator page lacks its value or formula:\n%.1500s", txt)
	}
	shot("11-derived")

	b.navigate(base + "/quality?" + sel)
	if v := b.text(`#violations tr[data-rule="` + rule + `"]`); !strings.Contains(v, "12.000") && !strings.Contains(v, "12000") {
		t.Errorf("data-quality page: rule %s row %q\n%.1500s", rule, v, b.evalString("document.body.innerText"))
	}
	shot("12-quality")

	b.navigate(base + "/report?" + sel)
	if txt := b.text("#report"); !strings.Contains(txt, "Hữu Nghị") || !strings.Contains(txt, "12.000") {
		t.Errorf("the report does not show the new indicator:\n%.2000s", txt)
	}
	shot("13-report")
}
