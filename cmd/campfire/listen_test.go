package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These run `campfire listen` as a bot's owner would: a separate process
// following a real server's stream, while the server or the listener itself
// is killed and started again.

// createBot makes a bot through the admin page and returns its key.
func (b *browser) createBot(t *testing.T, dbPath, name string) (key string, id int64) {
	t.Helper()
	res, body := b.must(http.MethodPost, "/account/bots", url.Values{"user[name]": {name}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create bot: %d\n%s", res.StatusCode, body)
	}
	var token string
	err := openDB(t, dbPath).QueryRow(`SELECT id, bot_token FROM users WHERE role = 'bot' AND name = ?`, name).Scan(&id, &token)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d-%s", id, token), id
}

// lastEventID is the newest event id issued, read from the file.
func lastEventID(t *testing.T, dbPath string) int64 {
	t.Helper()
	var id int64
	if err := openDB(t, dbPath).QueryRow(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// listenerProc is one `campfire listen` process.
type listenerProc struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	errs *lockedBuffer
	done chan struct{}
}

func startListener(t *testing.T, args ...string) *listenerProc {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"listen"}, args...)...)
	p := &listenerProc{cmd: cmd, out: &lockedBuffer{}, errs: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	return p
}

func (p *listenerProc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

type listenLine struct {
	ID    int64  `json:"id"`
	Event string `json:"event"`
	Data  struct {
		ID   int64 `json:"id"`
		Body struct {
			PlainText string `json:"plain_text"`
		} `json:"body"`
	} `json:"data"`
}

// lines parses what the listener printed so far; every line must be JSON.
func (p *listenerProc) lines(t *testing.T) []listenLine {
	t.Helper()
	var out []listenLine
	sc := bufio.NewScanner(strings.NewReader(p.out.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l listenLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not a JSON line: %q (%v)", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// eventually polls cond until it holds, failing after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 60s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestListenPrintsEveryMessageOnceAcrossServerRestarts: the server is killed
// and started again (on the same address) twice while messages are posted;
// the listener reconnects with Last-Event-ID and prints every message once,
// in order.
func TestListenPrintsEveryMessageOnceAcrossServerRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbPath := filepath.Join(t.TempDir(), "campfire.db")
	srv := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	admin, room := srv.firstRun()
	key, _ := admin.createBot(t, dbPath, "Printer")
	port := strings.TrimPrefix(srv.base, "http://127.0.0.1:")
	cursor := filepath.Join(t.TempDir(), "cursor")
	if err := os.WriteFile(cursor, []byte(strconv.FormatInt(lastEventID(t, dbPath), 10)), 0o600); err != nil {
		t.Fatal(err)
	}
	l := startListener(t, srv.base+"/bots/"+key+"/events", "--cursor", cursor)

	const n = 60
	for i := range n {
		if i == 20 || i == 40 {
			srv.kill()
			srv = startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s", "PORT="+port)
			admin.retarget(srv)
		}
		res, err := admin.post(room, fmt.Sprintf("message %02d", i), fmt.Sprintf("m-%02d", i))
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %d: %v %v", i, res, err)
		}
	}
	eventually(t, "the listener printed every message", func() bool {
		ls := l.lines(t)
		return len(ls) > 0 && ls[len(ls)-1].Data.Body.PlainText == fmt.Sprintf("message %02d", n-1)
	})
	var got []string
	var last int64
	for _, line := range l.lines(t) {
		if line.ID <= last {
			t.Errorf("event %d after %d", line.ID, last)
		}
		last = line.ID
		if line.Event != "message_created" {
			t.Errorf("unexpected %s event", line.Event)
		}
		got = append(got, line.Data.Body.PlainText)
	}
	if len(got) != n {
		t.Fatalf("printed %d messages, want %d: %v\n%s", len(got), n, got, l.errs.String())
	}
	for i, text := range got {
		if want := fmt.Sprintf("message %02d", i); text != want {
			t.Fatalf("line %d is %q, want %q", i, text, want)
		}
	}
}

// TestListenExecRepliesOncePerMention: with --exec a shell script answers
// every message that mentions the bot, and only those; the listener is
// killed (SIGKILL) and started again several times while it works, some
// times after the script ran and before the reply was posted, and still
// each mention gets exactly one reply.
func TestListenExecRepliesOncePerMention(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "campfire.db")
	srv := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	admin, room := srv.firstRun()
	key, botID := admin.createBot(t, dbPath, "Echo")
	cursor := filepath.Join(dir, "cursor")
	if err := os.WriteFile(cursor, []byte(strconv.FormatInt(lastEventID(t, dbPath), 10)), 0o600); err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(dir, "ran")
	// Reads the message JSON, notes that it ran, takes its time, answers.
	script := filepath.Join(dir, "echo.sh")
	if err := os.WriteFile(script, []byte(`#!/bin/sh
msg=$(cat)
echo "$CAMPFIRE_MESSAGE_ID" >> `+ran+`
sleep 0.2
printf 'echo: %s\n' "$(printf '%s' "$msg" | sed -n 's/.*"plain_text":"\([^"]*\)".*/\1/p')"
`), 0o700); err != nil {
		t.Fatal(err)
	}
	args := []string{srv.base + "/bots/" + key + "/events", "--exec", script, "--cursor", cursor}

	const n = 10
	for i := range n {
		if res, err := admin.post(room, fmt.Sprintf("@Echo ping %d", i), fmt.Sprintf("ping-%d", i)); err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %d: %v %v", i, res, err)
		}
	}
	if res, err := admin.post(room, "nobody is mentioned here", "plain"); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain post: %v %v", res, err)
	}

	runs := func() int {
		b, _ := os.ReadFile(ran)
		return strings.Count(string(b), "\n")
	}
	l := startListener(t, args...)
	// Killed as soon as the script has run for the 2nd, 5th and 8th time:
	// the run under way when the kill lands is cut short, its reply unposted.
	for _, at := range []int{2, 5, 8} {
		eventually(t, fmt.Sprintf("the script ran %d times", at), func() bool { return runs() >= at || l.fail(t) })
		l.kill()
		l = startListener(t, args...)
	}
	replies := func() map[string]int {
		rows, err := openDB(t, dbPath).Query(`SELECT body_plain FROM messages WHERE creator_id = ?`, botID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			out[s]++
		}
		return out
	}
	eventually(t, "every mention answered", func() bool { return len(replies()) >= n })
	// The plain message comes after the mentions: once the cursor passed
	// it, nothing more is on its way.
	eventually(t, "the listener caught up", func() bool {
		b, _ := os.ReadFile(cursor)
		c, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		return c >= lastEventID(t, dbPath)
	})
	got := replies()
	for i := range n {
		if c := got[fmt.Sprintf("echo: @Echo ping %d", i)]; c != 1 {
			t.Errorf("mention %d answered %d times (replies %v)", i, c, got)
		}
	}
	if len(got) != n {
		t.Errorf("replies %v, want one per mention and none to the plain message", got)
	}
	t.Logf("the script ran %d times for %d mentions", runs(), n)
}

// fail reports a listener that exited, with what it said.
func (p *listenerProc) fail(t *testing.T) bool {
	select {
	case <-p.done:
		t.Fatalf("the listener exited:\n%s\n%s", p.out.String(), p.errs.String())
	default:
	}
	return false
}
