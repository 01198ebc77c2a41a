package importer

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var (
	userGID = regexp.MustCompile(`gid://campfire/User/(\d+)`)
	// A Rails message verifier may wrap the payload once more as base64 in
	// a JSON "message" (Rails 6) field.
	innerMessage = regexp.MustCompile(`"message":"([A-Za-z0-9+/=_-]+)"`)
)

// sgidUserID reads the user id out of a signed global id without checking its
// signature: the signing key stays with the old install, and Campfire itself
// accepts user sgids whose signature no longer verifies. Every encoding Rails
// has used puts the global id in the base64 payload before "--": as JSON
// (Rails 7.1 and later), JSON around base64 (Rails 6), or a Marshal dump in
// which the string appears as is (Rails 7.0).
func sgidUserID(sgid string) (int64, bool) {
	if u, err := url.QueryUnescape(sgid); err == nil {
		sgid = u
	}
	payload := sgid
	if i := strings.LastIndex(sgid, "--"); i > 0 {
		payload = sgid[:i]
	}
	for range 3 {
		data, ok := decodeBase64(payload)
		if !ok {
			return 0, false
		}
		if m := userGID.FindSubmatch(data); m != nil {
			id, err := strconv.ParseInt(string(m[1]), 10, 64)
			return id, err == nil && id > 0
		}
		inner := innerMessage.FindSubmatch(data)
		if inner == nil {
			return 0, false
		}
		payload = string(inner[1])
	}
	return 0, false
}

func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}
