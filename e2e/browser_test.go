//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/campfire-go/campfire/internal/model"
)

// browserCtx is the one Chromium the whole suite shares; every person gets a
// browser context of their own in it (their own cookies and storage).
var browserCtx context.Context

// waitTimeout bounds every wait for something to appear on a page. It is a
// ceiling, not a pace: waits end as soon as the page shows what they wait for.
const waitTimeout = 15 * time.Second

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	if _, err := os.Stat(exe); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: no Chromium at %s (run scripts/install-test-deps.sh or set CHROMIUM): %v\n", exe, err)
		return 1
	}
	profile, err := os.MkdirTemp("", "campfire-e2e-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start Chromium:", err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

// person is someone at a browser: their own browser context (cookies,
// storage) with one tab, and who they are on the server.
type person struct {
	t    testing.TB
	app  *app
	user model.User
	ctx  context.Context
	// close closes the person's tab and browser context.
	close func()
}

// newPerson seeds a person (the first becomes the administrator) and opens a
// browser for them, not yet signed in.
func (a *app) newPerson(t testing.TB, name string) *person {
	t.Helper()
	p := a.browser(t)
	p.user = a.seedUser(name)
	return p
}

// browser opens a fresh browser context, for nobody in particular yet.
func (a *app) browser(t testing.TB) *person {
	t.Helper()
	defer traceSince(t, "open browser", time.Now())
	limited, cancelLimit := context.WithTimeout(browserCtx, 2*time.Minute)
	ctx, cancel := chromedp.NewContext(limited, chromedp.WithNewBrowserContext())
	t.Cleanup(func() { cancel(); cancelLimit() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return &person{t: t, app: a, ctx: ctx, close: cancel}
}

// do runs steps in the person's tab and stops the test on an error.
func (p *person) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	defer traceSince(p.t, "do", time.Now())
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", p.user.Name, err)
	}
}

// eval evaluates a JavaScript expression in the person's page.
func eval[T any](p *person, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("%s: evaluate %s: %v", p.user.Name, expr, err)
	}
	return v
}

// visit opens a path of the app and waits for the page to load.
func (p *person) visit(path string) {
	p.t.Helper()
	defer traceSince(p.t, "visit "+path, time.Now())
	p.do(chromedp.Navigate(p.app.URL + path))
}

// submit clicks a control that navigates (a plain form's button) and waits
// for the page it leads to; it answers that page's status.
func (p *person) submit(sel string) int64 {
	p.t.Helper()
	defer traceSince(p.t, "submit", time.Now())
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("%s: submit %s: %v", p.user.Name, sel, err)
	}
	return res.Status
}

// path is the page's path (with its query).
func (p *person) path() string {
	p.t.Helper()
	u, err := url.Parse(eval[string](p, `location.href`))
	if err != nil {
		p.t.Fatal(err)
	}
	return u.RequestURI()
}

// waitUntil polls a JavaScript condition on the open page until it holds,
// and fails the test, saying what was awaited and what the page shows, when
// it does not within waitTimeout.
func (p *person) waitUntil(what, cond string) {
	p.t.Helper()
	defer traceSince(p.t, "wait "+what, time.Now())
	err := p.poll(cond, waitTimeout)
	if err != nil {
		state, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement, f = document.getElementById("composer");
			return "focus " + (e ? e.tagName.toLowerCase() + "#" + e.id : "none") +
				", composer " + JSON.stringify(f ? new FormData(f).get("message[body]") : null);
		})()`))
		p.t.Fatalf("%s: waited for %s: %v\npage %s shows messages %q; %s", p.user.Name, what, err, p.path(), p.messageTexts(), state)
	}
}

// poll waits in the page for cond to hold. A poll runs in one document: when
// the page replaces its document meanwhile (a redirect or reload that was
// already under way), it starts again in the new one, within the same time.
func (p *person) poll(cond string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond,
			chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil || !documentGone(err) || time.Until(deadline) < 50*time.Millisecond {
			return err
		}
	}
}

// documentGone tells the errors of a poll whose document was replaced.
func documentGone(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// signIn fills in and submits the sign-in form, and lands on a room.
func (p *person) signIn() {
	p.t.Helper()
	p.visit("/session/new")
	p.do(
		chromedp.SetValue(chromedp.ID("email_address"), p.user.Email),
		chromedp.SetValue(chromedp.ID("password"), password),
	)
	if status := p.submit(`button[name="log_in"]`); status != 200 {
		p.t.Fatalf("%s: sign in answered %d", p.user.Name, status)
	}
	if got := p.path(); !strings.HasPrefix(got, "/rooms/") {
		p.t.Fatalf("%s: after signing in the page is %s, want a room", p.user.Name, got)
	}
}

// signedIn signs the person in over HTTP and hands the browser the session
// cookie: quicker than the form, for journeys about something else.
func (p *person) signedIn() {
	p.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(p.app.URL+"/session", url.Values{"email_address": {p.user.Email}, "password": {password}})
	if err != nil {
		p.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("%s: sign in over HTTP answered %d", p.user.Name, res.StatusCode)
	}
	u, _ := url.Parse(p.app.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name != "session_token" {
			continue
		}
		_, err := chromedp.Call(p.ctx, network.SetCookie, network.SetCookieParams{
			Name: ck.Name, Value: ck.Value, URL: p.app.URL + "/", HTTPOnly: new(true), SameSite: network.CookieSameSiteLax,
		})
		if err != nil {
			p.t.Fatal(err)
		}
		return
	}
	p.t.Fatalf("%s: no session cookie after signing in over HTTP", p.user.Name)
}

// openRoom shows a room and waits until its live stream is open, so what is
// posted from now on arrives without a reload.
func (p *person) openRoom(roomID int64) {
	p.t.Helper()
	p.visit(fmt.Sprintf("/rooms/%d", roomID))
	p.waitUntilLive()
	p.waitUntil("the composer", composerReadyJS)
}

// waitUntilLive waits for the page's event stream to be open.
func (p *person) waitUntilLive() {
	p.t.Helper()
	p.waitUntil("the live stream to open", `(() => {
		// htmx-ext-sse keeps the tab's EventSource in the element's htmx data.
		const el = document.getElementById("stream");
		const data = el && el["htmx-internal-data"];
		return !!(data && data.sseEventSource && data.sseEventSource.readyState === EventSource.OPEN);
	})()`)
}

// The composer is a plain textarea (#composer_body), which the rich-text
// island replaces with a Trix editor when scripts run. These helpers work
// with whichever the page has.
const (
	composerFieldJS = `(document.querySelector("#composer trix-editor") || document.getElementById("composer_body"))`
	composerReadyJS = `(() => {
		const ed = document.querySelector("#composer trix-editor");
		if (ed) return !!ed.editor;
		const ta = document.getElementById("composer_body");
		return !!ta && ta.tagName === "TEXTAREA";
	})()`
	composerEmptyJS = `(() => {
		const ed = document.querySelector("#composer trix-editor");
		if (ed) return !!ed.editor && ed.editor.getDocument().toString().trim() === "";
		const ta = document.getElementById("composer_body");
		return !!ta && ta.value === "";
	})()`
	composerFocusedJS = `(() => {
		const e = document.activeElement;
		return !!e && e === ` + composerFieldJS + `;
	})()`
)

// typeMessage focuses the composer and types into it; see typeKeys.
func (p *person) typeMessage(text string) {
	p.t.Helper()
	p.waitUntil("the composer", composerReadyJS)
	eval[bool](p, composerFieldJS+`.focus(), true`)
	p.typeKeys(text)
}

// typeKeys types into the focused composer as a person would, key by key;
// a trailing "\n" presses Enter, which sends. It waits until the form holds
// the whole text: keys arrive faster than any typist, and an editor may copy
// its text into the form a moment later.
func (p *person) typeKeys(text string) {
	p.t.Helper()
	body, enter := strings.CutSuffix(text, "\n")
	p.do(chromedp.KeyEvent(body))
	p.waitUntil("the composer to hold "+jsString(body), fmt.Sprintf(
		`(new FormData(document.getElementById("composer")).get("message[body]") || "").includes(%s)`, jsString(body)))
	if enter {
		p.do(chromedp.KeyEvent(kb.Enter))
	}
}

// waitComposerEmpty waits until the composer is cleared for the next message.
func (p *person) waitComposerEmpty() {
	p.t.Helper()
	p.waitUntil("the composer to clear for the next message", composerEmptyJS)
}

// messageTexts are the bodies of the messages on the page, in order. A
// copy still being sent (the island shows one at once) is not counted: the
// server's copy takes its place.
func (p *person) messageTexts() []string {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](
		`Array.from(document.querySelectorAll("#messages article.message:not(.message--pending) .message__body"), e => e.textContent.trim())`))
	if err != nil {
		return []string{"(unreadable: " + err.Error() + ")"}
	}
	var texts []string
	_ = json.Unmarshal(raw, &texts)
	return texts
}

// waitForMessage waits until a message with exactly this text is on the page.
func (p *person) waitForMessage(text string) {
	p.t.Helper()
	p.waitUntil(fmt.Sprintf("message %q", text), fmt.Sprintf(
		`Array.from(document.querySelectorAll("#messages article.message:not(.message--pending) .message__body"), e => e.textContent.trim()).includes(%s)`,
		jsString(text)))
}

// countMessage counts the messages on the page with exactly this text.
func (p *person) countMessage(text string) int {
	p.t.Helper()
	n := 0
	for _, got := range p.messageTexts() {
		if got == text {
			n++
		}
	}
	return n
}

// screenshotDir is where E2E_SCREENSHOTS=1 saves pictures of the pages.
var screenshotDir = filepath.Join("..", "docs", "screenshots")

// screenshot saves the visible page as docs/screenshots/e2e-NAME.png when
// E2E_SCREENSHOTS=1; otherwise it does nothing.
func (p *person) screenshot(name string) {
	p.t.Helper()
	if os.Getenv("E2E_SCREENSHOTS") != "1" {
		return
	}
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, "e2e-"+name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// disableScripts turns JavaScript off in the person's tab, for every page
// it loads from now on.
func (p *person) disableScripts() {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		p.t.Fatal(err)
	}
}

// colorScheme makes the person's tab prefer a light or dark color scheme.
func (p *person) colorScheme(scheme string) {
	p.t.Helper()
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		p.t.Fatal(err)
	}
	// Colours may fade from one scheme to the other; what a person reads is
	// the end of the fade.
	p.waitUntil("the colours to settle", `document.getAnimations().every(a => a.playState !== "running")`)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func traceSince(t testing.TB, what string, start time.Time) {
	if os.Getenv("E2E_TRACE") != "" {
		t.Logf("%v %s", time.Since(start).Round(time.Millisecond), what)
	}
}
