// Package e2e holds the browser journeys: the real server on 127.0.0.1 with a
// real SQLite file, driven through Debian's Chromium by chromedp. The tests
// carry the build tag e2e; run them with `make e2e`. See README.md.
package e2e
