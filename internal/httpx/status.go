// Package httpx holds what more than one HTTP layer of the app needs and the
// standard library lacks.
package httpx

import "net/http"

// StatusWriter remembers the status a handler answered with, for the request
// log and the request metrics. Unwrap lets http.ResponseController reach the
// connection underneath, so event streams still flush and hijack through it.
type StatusWriter struct {
	http.ResponseWriter
	// Status is 0 until the handler writes a header or a body.
	Status int
}

func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *StatusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
