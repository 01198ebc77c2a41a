package live

import (
	"bufio"
	"bytes"
	"net/http"
	"slices"
	"testing"
)

func TestResponseHeadKeepsTheHandlersFieldsAndSetsTheStreams(t *testing.T) {
	hd := http.Header{}
	hd.Set("Content-Security-Policy", "default-src 'self'")
	hd.Add("Set-Cookie", "a=1")
	hd.Add("Set-Cookie", "b=2")
	hd.Set("X-Evil", "x\r\nInjected: yes")
	hd.Set("Content-Type", "text/html")
	hd.Set("Content-Length", "12")
	hd.Set("Cache-Control", "max-age=60")
	head := responseHead(hd)
	if !bytes.HasSuffix(head, []byte("\r\n\r\n")) || bytes.Count(head, []byte("\r\n\r\n")) != 1 {
		t.Fatalf("head does not end once with an empty line: %q", head)
	}
	res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Proto != "HTTP/1.1" {
		t.Fatalf("status %s %s", res.Proto, res.Status)
	}
	for k, want := range map[string]string{
		"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
		"Content-Security-Policy": "default-src 'self'", "X-Evil": "x  Injected: yes",
	} {
		if got := res.Header.Values(k); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if got := res.Header.Values("Set-Cookie"); !slices.Equal(got, []string{"a=1", "b=2"}) {
		t.Errorf("Set-Cookie: %q", got)
	}
	if res.Header.Get("Injected") != "" || res.Header.Get("Content-Length") != "" || res.Header.Get("Date") == "" || !res.Close {
		t.Errorf("header %v (close %v)", res.Header, res.Close)
	}
	if _, err := http.ParseTime(res.Header.Get("Date")); err != nil {
		t.Errorf("Date: %v", err)
	}
	if hd.Get("Content-Type") != "text/html" {
		t.Error("the handler's header map was changed")
	}
}
