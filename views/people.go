package views

import (
	"context"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/a-h/templ"

	"github.com/campfire-go/campfire/internal/model"
)

func lower(s string) string { return strings.ToLower(s) }

// styleEnd finds what could close a <style> element early: the HTML parser
// ends raw text at "</style" in any letter case.
var styleEnd = regexp.MustCompile(`(?i)</(style)`)

// StyleText makes CSS safe to place inside a <style> element: "</style" can
// not end it early and let markup or scripts follow. The backslash is a CSS
// escape of "/", so rules and strings keep their meaning.
func StyleText(css string) string {
	return styleEnd.ReplaceAllString(css, `<\/$1`)
}

func passwordDescribedBy(err string) string {
	if err != "" {
		return "user_password_hint user_password_error"
	}
	return "user_password_hint"
}

// involvementLabel says in words what a room's notification setting does.
func involvementLabel(involvement model.Involvement) string {
	switch involvement {
	case model.InvolvementEverything:
		return "All messages"
	case model.InvolvementMentions:
		return "Mentions only"
	case model.InvolvementNothing:
		return "No notifications"
	case model.InvolvementInvisible:
		return "Hidden"
	}
	return string(involvement)
}

// customStyles is the account's CSS in a <style> element allowed by the
// page's CSP nonce. templ keeps the inside of a <style> literal, so the
// element is written here.
func customStyles(nonce, css string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if strings.TrimSpace(css) == "" {
			return nil
		}
		_, err := io.WriteString(w, `<style nonce="`+html.EscapeString(nonce)+`">`+StyleText(css)+`</style>`)
		return err
	})
}
