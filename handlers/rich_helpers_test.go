package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
)

// stored returns the message of a room with the client_message_id.
func (a *testApp) stored(roomID int64, cmid string) model.Message {
	a.t.Helper()
	msgs, err := a.store.Messages(context.Background(), roomID, db.Page{})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ClientMessageID == cmid {
			return m
		}
	}
	a.t.Fatalf("no message %q in room %d", cmid, roomID)
	return model.Message{}
}

// postOK posts a message as a plain form and returns it as stored.
func (c *client) postOK(roomID int64, body, cmid string) model.Message {
	c.app.t.Helper()
	wantStatus(c.app.t, c.post(roomID, body, cmid), http.StatusSeeOther)
	return c.app.stored(roomID, cmid)
}

func (c *client) boost(messageID int64, content string, headers ...string) *http.Response {
	c.app.t.Helper()
	return c.postForm(fmt.Sprintf("/messages/%d/boosts", messageID), url.Values{"boost[content]": {content}}, headers...)
}

func (c *client) unboost(messageID, boostID int64, headers ...string) *http.Response {
	c.app.t.Helper()
	return c.postForm(fmt.Sprintf("/messages/%d/boosts/%d", messageID, boostID), url.Values{"_method": {"delete"}}, headers...)
}

// fragment parses an SSE event's or a response's HTML fragment.
func fragment(t testing.TB, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// roomMessage finds a message on a room page as the client sees it.
func (c *client) roomMessage(roomID int64, cmid string) *goquery.Selection {
	c.app.t.Helper()
	res := c.get(fmt.Sprintf("/rooms/%d", roomID))
	wantStatus(c.app.t, res, http.StatusOK)
	return document(c.app.t, res).Find("#messages #message_" + cmid)
}
