package views

import "fmt"

// viewerStyle is the page's own CSS that reveals the controls meant for the
// person looking: edit and delete on their own messages (on every message for
// an administrator), removing a link preview from their own messages, and
// the remove button on their own boosts. A message is
// rendered once for all viewers, so these controls are in every copy and
// hidden by default; the server still refuses anyone else. It is plain CSS,
// so it works without scripts, and holds only integers, never user text.
func viewerStyle(userID int64, admin bool) string {
	css := fmt.Sprintf(".message[data-user-id=\"%d\"] .message__own-action{display:inline-block}"+
		".message[data-user-id=\"%d\"] .message__creator-action{display:inline-block}"+
		".boost[data-user-id=\"%d\"] .boost__remove{display:inline-block}"+
		// Messages that mention the reader stand out (an own message that
		// mentions oneself is no news).
		".message:not([data-user-id=\"%d\"]):has(.message__body a[data-mention=\"%d\"]){background:var(--ember-soft);box-shadow:inset 3px 0 var(--ember)}",
		userID, userID, userID, userID, userID)
	if admin {
		css += ":root .message .message__own-action{display:inline-block}"
	}
	return css
}

// pageStyle is the one nonce'd style element of a page: the viewer's rules,
// then the account's custom CSS (last, so it can restyle anything).
func pageStyle(p Page) string {
	if p.CurrentUserID == 0 {
		return p.CustomStyles
	}
	return viewerStyle(p.CurrentUserID, p.CurrentUserAdmin) + focusStyle(p.FocusMessageID) + "\n" + p.CustomStyles
}

func withRichText(p Page) Page {
	p.RichText = true
	return p
}

// focusStyle highlights the message a permalink points at, as a link to its
// fragment (.message:target in app.css) does, so the page shows it without
// scripts too.
func focusStyle(messageID int64) string {
	if messageID == 0 {
		return ""
	}
	return fmt.Sprintf(".message[data-message-id=\"%d\"]{background:var(--accent-soft);box-shadow:inset 3px 0 var(--focus)}", messageID)
}
