package handlers

import (
	"net/http"
	"regexp"
)

// botKeyInPath finds the key of a bot API path (/rooms/{id}/{bot id}-{token}/…).
var botKeyInPath = regexp.MustCompile(`^(/rooms/[^/]*/)[0-9]+-[^/]*`)

// logPath is the request's path as logs may keep it: a bot's key is its only
// credential, so it is replaced; logs are read by more people, for longer,
// than the key is meant to be.
func logPath(r *http.Request) string {
	return botKeyInPath.ReplaceAllString(r.URL.Path, "${1}[bot-key]")
}
