package main

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestStreamParsesFramesAndSendTimes(t *testing.T) {
	long := strings.Repeat("x", 10_000) // longer than the read buffer
	raw := ": hb\n\n" +
		"id: 41\ndata: <hx-partial><article id=\"message_t1700000000123456789x7\">\ndata: " + long + "\nevent: message\n\n" +
		"id: 42\nevent: sidebar\ndata: <li>room</li>\n\n"
	s := &stream{body: bufio.NewReaderSize(strings.NewReader(raw), 4096)}
	var ev event
	if err := s.next(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.id != 41 || ev.name != "message" || !strings.HasSuffix(string(ev.data), long) {
		t.Fatalf("first event: id %d name %q data %d bytes", ev.id, ev.name, len(ev.data))
	}
	if at, ok := sentAt(ev.data); !ok || at != 1700000000123456789 {
		t.Fatalf("sentAt = %d, %v", at, ok)
	}
	if err := s.next(&ev); err != nil || ev.id != 42 || ev.name != "sidebar" || string(ev.data) != "<li>room</li>" {
		t.Fatalf("second event: %v %d %q %q", err, ev.id, ev.name, ev.data)
	}
	if _, ok := sentAt(ev.data); ok {
		t.Fatal("a fragment without a timed message id has no send time")
	}
	if err := s.next(&ev); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestPercentiles(t *testing.T) {
	var us []int64
	for i := int64(1); i <= 100; i++ {
		us = append(us, i*1000)
	}
	d := summarize(us)
	if d.N != 100 || d.P50 != 50 || d.P99 != 99 || d.Max != 100 {
		t.Fatalf("summary %+v", d)
	}
	if summarize(nil).N != 0 {
		t.Fatal("empty summary")
	}
}
