//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// writePicture writes a w × h picture to a file in dir and returns its path.
func writePicture(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 160, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// imageShownJS holds when the message with the text shows its attachment as
// a loaded image of the given width attribute.
func imageShownJS(text, width string) string {
	return `(() => {
		for (const m of document.querySelectorAll("#messages .message:not(.message--pending)")) {
			if (!m.querySelector(".message__body").textContent.includes(` + jsString(text) + `)) continue;
			const img = m.querySelector(".message__attachment img");
			return !!img && img.getAttribute("width") === ` + jsString(width) + ` && img.complete && img.naturalWidth > 0;
		}
		return false;
	})()`
}

// Journey 6: a picture chosen with the composer's file input is previewed
// before sending, goes with the text, and shows inline (from its server-made
// preview, 1,200 px wide at most) in the other person's tab as it arrives.
func TestJourneyAttachWithTheFileInput(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)
	ada.signedIn()
	bo.signedIn()
	ada.openRoom(room)
	bo.openRoom(room)

	photo := writePicture(t, t.TempDir(), "harbour.png", 1600, 400)
	ada.do(chromedp.SetUploadFiles(chromedp.CSS(`#composer input[type=file]`), []string{photo}))
	ada.waitUntil("the picture's preview before sending", `(() => {
		const chip = document.querySelector("#composer .composer__file-chip");
		const img = chip && chip.querySelector("img");
		return !!img && img.src.startsWith("data:image/png") && chip.textContent.includes("harbour.png");
	})()`)
	ada.typeMessage("The harbour this morning\n")

	bo.waitUntil("the picture inline, live", imageShownJS("The harbour this morning", "1200"))
	ada.waitUntil("the picture in the sender's tab", imageShownJS("The harbour this morning", "1200"))
	if n := eval[int](ada, `document.querySelectorAll("#composer .composer__file-chip").length`); n != 0 {
		t.Errorf("%d files still waiting in the composer after sending", n)
	}
	msgs := a.messages(room)
	if len(msgs) != 1 || msgs[0].Attachment == nil || msgs[0].Attachment.Filename != "harbour.png" || msgs[0].Attachment.PreviewWidth != 1200 {
		t.Fatalf("stored %+v", msgs)
	}
	if vs := bo.axeRun(); len(vs) > 0 {
		t.Errorf("axe on a room with a picture: %+v", vs)
	}
}

// A picture pasted into the editor is sent as the message's file; Enter
// sends it without text.
func TestJourneyAttachByPaste(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)
	ada.signedIn()
	bo.signedIn()
	ada.openRoom(room)
	bo.openRoom(room)

	// What a browser hands a page when an image is pasted: a clipboard
	// event whose data holds the file (here drawn on a canvas).
	pasted, err := chromedp.Run(ada.ctx, chromedp.Evaluate[bool](`(async () => {
		const c = document.createElement("canvas");
		c.width = 300; c.height = 200;
		const g = c.getContext("2d");
		g.fillStyle = "#c33"; g.fillRect(0, 0, 300, 200);
		const blob = await new Promise((r) => c.toBlob(r, "image/png"));
		const dt = new DataTransfer();
		dt.items.add(new File([blob], "pasted.png", { type: "image/png" }));
		const ed = document.querySelector("#composer trix-editor");
		ed.focus();
		ed.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
		return true;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || !pasted {
		t.Fatalf("paste: %v", err)
	}
	ada.waitUntil("the pasted file waiting", `!!document.querySelector("#composer .composer__file-chip") &&
		document.querySelector("#composer .composer__file-chip").textContent.includes("pasted.png")`)
	if n := eval[int](ada, `document.querySelectorAll("#composer trix-editor figure, #composer trix-editor img").length`); n != 0 {
		t.Errorf("the pasted picture went into the editor's text too (%d elements)", n)
	}
	eval[bool](ada, composerFieldJS+`.focus(), true`)
	ada.typeKeys("\n")

	bo.waitUntil("the pasted picture, live", `(() => {
		const img = document.querySelector("#messages .message:not(.message--pending) .message__attachment img");
		return !!img && img.getAttribute("width") === "300" && img.alt === "pasted.png" && img.complete && img.naturalWidth === 300;
	})()`)
	if msgs := a.messages(room); len(msgs) != 1 || msgs[0].HTML != "" || msgs[0].Plain != "pasted.png" {
		t.Fatalf("stored %+v", msgs)
	}
}

// With JavaScript off, the plain form's file input posts the file
// (multipart) and the room shows it; another person downloads the PDF.
func TestJourneyAttachWithoutJavaScriptAndDownload(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)

	dir := t.TempDir()
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pdfPath := filepath.Join(dir, "minutes.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	bo.disableScripts()
	bo.signIn()
	if eval[bool](bo, `typeof window.htmx !== "undefined"`) {
		t.Fatal("htmx loaded: scripts are not disabled")
	}
	if enc := eval[string](bo, `document.getElementById("composer").enctype`); enc != "multipart/form-data" {
		t.Fatalf("the plain form posts %s", enc)
	}
	bo.do(chromedp.SetUploadFiles(chromedp.ID("composer_file"), []string{pdfPath}))
	bo.typeMessage("Minutes of Monday")
	if status := bo.submit(`#composer button[name="send"]`); status != 200 {
		t.Fatalf("posting answered %d", status)
	}
	if got := bo.path(); got != "/rooms/"+itoa(room) {
		t.Fatalf("after posting the page is %s", got)
	}
	card := eval[string](bo, `(document.querySelector("#messages .message__attachment--file") || {}).textContent || ""`)
	if !strings.Contains(card, "minutes.pdf") || !strings.Contains(card, "bytes") {
		t.Fatalf("file card %q", card)
	}

	// Ada downloads it from her tab.
	ada.signedIn()
	ada.openRoom(room)
	downloads := t.TempDir()
	ada.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		})
		return err
	}))
	ada.do(chromedp.Click(chromedp.CSS(`#messages .message__attachment--file`), chromedp.NodeVisible))
	got := filepath.Join(downloads, "minutes.pdf")
	deadline := time.Now().Add(waitTimeout)
	for {
		b, err := os.ReadFile(got)
		if err == nil && bytes.Equal(b, pdf) {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no downloaded minutes.pdf (read %d bytes, %v); folder has %v", len(b), err, entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A slow upload shows its progress and can be stopped: Cancel takes the
// pending message away and nothing is stored; the composer goes on working.
func TestJourneyCancelAnUpload(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	room := a.allTalk(ada.user)
	ada.signedIn()
	ada.openRoom(room)

	// 27 MB: more than the sockets between the browser and the server hold,
	// so the browser cannot hand the whole file over before Cancel.
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("campfire "), 3_000_000), 0o600); err != nil {
		t.Fatal(err)
	}
	// The server takes uploads at 256 KB/s, as over a slow uplink. (Chromium's
	// own upload throttling did not hold: on an idle machine the file went up
	// whole before Cancel.)
	a.slowReads(256 << 10)
	ada.do(chromedp.SetUploadFiles(chromedp.CSS(`#composer input[type=file]`), []string{big}))
	ada.waitUntil("the file waiting", `!!document.querySelector("#composer .composer__file-chip")`)
	eval[bool](ada, composerFieldJS+`.focus(), true`)
	ada.typeKeys("\n")
	ada.waitUntil("the upload under way", `(() => {
		const bar = document.querySelector("#messages .message--pending .message__upload progress");
		return !!bar && bar.value > 0 && bar.value < 100;
	})()`)
	ada.do(chromedp.Click(chromedp.CSS(`#messages .message--pending .message__cancel`), chromedp.NodeVisible))
	ada.waitUntil("the pending message gone", `document.querySelectorAll("#messages .message").length === 0`)

	a.slowReads(0)
	ada.typeMessage("after the cancel\n")
	ada.waitForMessage("after the cancel")
	if msgs := a.messages(room); len(msgs) != 1 || msgs[0].Attachment != nil {
		t.Fatalf("stored %+v, want only the text message", msgs)
	}
	// The server dropped the half-received file.
	deadline := time.Now().Add(waitTimeout)
	for {
		var left []string
		filepath.WalkDir(a.srv.Files.Dir(), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				left = append(left, path)
			}
			return err
		})
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("files left in the storage folder after the cancel: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
