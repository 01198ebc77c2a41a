package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// The page an anonymous visitor asked for waits for the sign-in in a cookie,
// not in a server-side session: a visitor who is not signed in costs the
// server nothing to store, however many requests or however long the URL.
const (
	returnToCookie = "return_to"
	// maxReturnTo bounds the page a sign-in returns to; a longer address is
	// not kept (the sign-in then goes home).
	maxReturnTo    = 2048
	returnToMaxAge = 3600 // seconds: long enough to find a password
)

// rememberReturnTo keeps the requested page in a signed cookie for the
// sign-in. The cookie is signed so that only this server's own redirects
// choose where a sign-in lands.
func (h *Handler) rememberReturnTo(w http.ResponseWriter, r *http.Request) error {
	p := r.URL.RequestURI()
	if p == "/" || !validReturnTo(p) {
		return nil
	}
	key, err := h.transfer.get(r.Context(), h.store.SetSettingIfAbsent)
	if err != nil {
		return err
	}
	enc := base64.RawURLEncoding.EncodeToString([]byte(p))
	http.SetCookie(w, &http.Cookie{
		Name: returnToCookie, Value: enc + "." + returnToMAC(key, enc), Path: "/session",
		MaxAge: returnToMaxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.cfg.SecureCookies,
	})
	return nil
}

// takeReturnTo reads and clears the remembered page; "" when there is none
// or it does not verify.
func (h *Handler) takeReturnTo(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(returnToCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: returnToCookie, Path: "/session", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: h.cfg.SecureCookies})
	key, err := h.transfer.get(r.Context(), h.store.SetSettingIfAbsent)
	if err != nil {
		return ""
	}
	enc, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(returnToMAC(key, enc))) {
		return ""
	}
	p, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || !validReturnTo(string(p)) {
		return ""
	}
	return string(p)
}

// returnToMAC signs with the server's link secret, under its own label so a
// signature made here is never a valid sign-in link's, or the reverse.
func returnToMAC(key []byte, enc string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("return-to:" + enc))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validReturnTo accepts only short local paths, so a crafted return address
// can't send someone to another site after signing in.
func validReturnTo(p string) bool {
	return len(p) > 0 && len(p) <= maxReturnTo && p[0] == '/' && (len(p) == 1 || (p[1] != '/' && p[1] != '\\')) &&
		!strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
