package handlers

import (
	"crypto/rand"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/internal/richtext"
)

// userForm is the name, email and password of the first-run and join forms.
type userForm struct {
	Name, Email, Password string
}

func parseUserForm(r *http.Request) (userForm, error) {
	if err := r.ParseForm(); err != nil {
		return userForm{}, err
	}
	return userForm{
		Name:     strings.TrimSpace(r.PostForm.Get("user[name]")),
		Email:    strings.TrimSpace(r.PostForm.Get("user[email_address]")),
		Password: r.PostForm.Get("user[password]"),
	}, nil
}

// problems returns a message per invalid field; empty when the form is valid.
func (f userForm) problems() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(f.Name); {
	case !utf8.ValidString(f.Name) || n == 0:
		errs["name"] = "Enter your name."
	case n > 100:
		errs["name"] = "Use at most 100 characters."
	default:
		if p := richtext.LineProblem(f.Name); p != "" {
			errs["name"] = p
		}
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		errs["email_address"] = "Enter an email address like name@example.com."
	}
	switch {
	case utf8.RuneCountInString(f.Password) < 8:
		errs["password"] = "Use at least 8 characters."
	case len(f.Password) > 72:
		errs["password"] = "Use at most 72 bytes."
	}
	return errs
}

// newJoinCode makes a code like "A7KQ-9XM2-PL4T" from letters and digits.
func newJoinCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [12]byte
	_, _ = rand.Read(b[:])
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
