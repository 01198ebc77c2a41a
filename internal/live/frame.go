package live

import (
	"bytes"
	"strconv"
)

// frame is one event encoded for the wire once, and shared by every stream it
// goes to: a message fanned out to a thousand tabs is formatted once.
type frame struct {
	// id is the event's durable id; zero for ephemeral events and comments,
	// which replay never repeats and so are never deduplicated.
	id int64
	b  []byte
}

// heartbeat keeps idle streams open through proxies and finds dead peers.
var heartbeat = frame{b: []byte(": hb\n\n")}

// encode formats an event as Server-Sent Events lines. Every event carries an
// id: one without would reset the browser's cursor.
func encode(id int64, event string, data []byte) []byte {
	data = clean(data)
	b := make([]byte, 0, len(data)+len(event)+48+6*bytes.Count(data, []byte("\n")))
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, "\nevent: "...)
	b = append(b, event...)
	b = append(b, '\n')
	for {
		line, rest, more := bytes.Cut(data, []byte("\n"))
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
		if !more {
			break
		}
		data = rest
	}
	return append(b, '\n')
}

// clean drops carriage returns: the SSE parser treats them as line ends, so a
// stray one would split a data line.
func clean(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	return bytes.ReplaceAll(b, []byte("\r"), nil)
}
