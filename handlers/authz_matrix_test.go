package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
)

// The authorization matrix: every route in routes.go, tried by an anonymous
// visitor, an outsider (signed in, not a member of the room), a member who
// did not write the message, and an administrator. Routes listed in
// authzExpect have an exact expected status per actor; a route added later
// without an entry still gets the rules every route must keep: anonymous
// visitors are sent to sign in, outsiders learn nothing of the room, nobody
// gets a 5xx. Add your route to authzExpect to pin it down. An outsider's GET
// of a room page is sent home with "Room not found or inaccessible", exactly
// as for a room that does not exist; other requests get 404.

const (
	anonActor     = "anonymous"
	outsiderActor = "outsider"
	memberActor   = "member"
	adminActor    = "administrator"
)

var authzActors = []string{anonActor, outsiderActor, memberActor, adminActor}

// Routes that anyone may use: every route declared in routes.go before
// requireUser is added, and these, which check their own credentials (list
// a bot-key route here, for example).
var publicRoutes = map[string]bool{}

// authzExpect: "METHOD pattern" → actor → status.
var authzExpect = map[string]map[string]int{
	"GET /":                                           {anonActor: 303, outsiderActor: 303, memberActor: 303, adminActor: 303},
	"GET /rooms/{roomID}":                             {anonActor: 303, outsiderActor: 303, memberActor: 200, adminActor: 200},
	"GET /rooms/{roomID}/@{messageID}":                {anonActor: 303, outsiderActor: 303, memberActor: 200, adminActor: 200},
	"GET /rooms/{roomID}/messages":                    {anonActor: 303, outsiderActor: 303, memberActor: 200, adminActor: 200},
	"POST /rooms/{roomID}/messages":                   {anonActor: 303, outsiderActor: 404, memberActor: 303, adminActor: 303},
	"GET /rooms/{roomID}/messages/{messageID}":        {anonActor: 303, outsiderActor: 303, memberActor: 303, adminActor: 303},
	"GET /rooms/{roomID}/messages/{messageID}/edit":   {anonActor: 303, outsiderActor: 303, memberActor: 403, adminActor: 200},
	"GET /rooms/{roomID}/messages/{messageID}/delete": {anonActor: 303, outsiderActor: 303, memberActor: 403, adminActor: 200},
	"GET /rooms/{roomID}/delete":                      {anonActor: 303, outsiderActor: 303, memberActor: 403, adminActor: 200},
	"PUT /rooms/{roomID}/messages/{messageID}":        {anonActor: 303, outsiderActor: 404, memberActor: 403, adminActor: 303},
	"PATCH /rooms/{roomID}/messages/{messageID}":      {anonActor: 303, outsiderActor: 404, memberActor: 403, adminActor: 303},
	"DELETE /rooms/{roomID}/messages/{messageID}":     {anonActor: 303, outsiderActor: 404, memberActor: 403, adminActor: 303},
	"GET /events":                                     {anonActor: 401, outsiderActor: 404, memberActor: 200, adminActor: 200},
	"GET /up":                                         {anonActor: 200, outsiderActor: 200, memberActor: 200, adminActor: 200},
	"GET /first_run":                                  {anonActor: 303, outsiderActor: 303, memberActor: 303, adminActor: 303},
	"GET /session/new":                                {anonActor: 200, outsiderActor: 200, memberActor: 200, adminActor: 200},
	"POST /session":                                   {anonActor: 401, outsiderActor: 401, memberActor: 401, adminActor: 401},
}

// Routes the matrix does not call, and why.
var authzSkip = map[string]string{
	"DELETE /session": "signs the actor out; session_lifecycle_test.go covers it",
	"POST /first_run": "first_run tests cover it; after setup it redirects",
	"* /static/*":     "public files; static tests cover them",
}

// The bot API's credential is the key in its path, not a session: its
// 401 (bad key), 404 (room not the bot's) and 403 (not its message) are
// checked route by route in bot_api_test.go.
func init() {
	const why = "bot API, authenticated by the key in the path; bot_api_test.go covers it"
	for _, route := range []string{
		"GET /rooms/{roomID}/{botKey}/messages",
		"POST /rooms/{roomID}/{botKey}/messages",
		"PUT /rooms/{roomID}/{botKey}/messages/{messageID}",
		"PATCH /rooms/{roomID}/{botKey}/messages/{messageID}",
		"DELETE /rooms/{roomID}/{botKey}/messages/{messageID}",
		"POST /rooms/{roomID}/{botKey}/messages/{messageID}/boosts",
		"DELETE /rooms/{roomID}/{botKey}/messages/{messageID}/boosts/{boostID}",
	} {
		authzSkip[route] = why
	}
}

var routePattern = regexp.MustCompile(`r\.(Get|Post|Put|Patch|Delete|Handle)\("([^"]+)"`)

// declaredRoutes reads "METHOD pattern" for every route in routes.go.
func declaredRoutes(t *testing.T) []string {
	t.Helper()
	out, _ := readRoutes(t)
	return out
}

// isPublic reports whether a route needs no sign-in.
func isPublic(t *testing.T, route string) bool {
	t.Helper()
	_, public := readRoutes(t)
	return public[route] || publicRoutes[route]
}

// readRoutes returns every route in routes.go and the set declared before
// requireUser applies.
func readRoutes(t *testing.T) ([]string, map[string]bool) {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	guard := strings.Index(string(src), "r.Use(h.requireUser)")
	if guard < 0 {
		t.Fatal("routes.go no longer uses requireUser; update the matrix")
	}
	var out []string
	public := map[string]bool{}
	for _, idx := range routePattern.FindAllStringSubmatchIndex(string(src), -1) {
		m := []string{string(src[idx[0]:idx[1]]), string(src[idx[2]:idx[3]]), string(src[idx[4]:idx[5]])}
		method := strings.ToUpper(m[1])
		if method == "HANDLE" {
			method = "*"
		}
		route := method + " " + m[2]
		out = append(out, route)
		if idx[0] < guard {
			public[route] = true
		}
	}
	if len(out) < 10 || len(public) < 4 {
		t.Fatalf("found only %d routes (%d public) in routes.go; has its style changed?", len(out), len(public))
	}
	return out, public
}

func TestAuthorizationMatrix(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	admin := a.admin()
	member := a.member("Mia Member")
	outsider := a.member("Otto Outsider")
	actors := map[string]*client{anonActor: a.anonymous(), outsiderActor: outsider, memberActor: member, adminActor: admin}

	var seq atomic.Int64
	// Each case gets its own closed room (some routes delete theirs) and a
	// fresh message in it written by someone other than the actor: the
	// administrator's own messages would prove nothing.
	setup := func(t *testing.T, actor string) (model.Room, model.Message) {
		t.Helper()
		room, err := a.store.CreateRoom(ctx, "closed", fmt.Sprintf("Inner circle %d", seq.Add(1)), admin.user.ID,
			[]int64{admin.user.ID, member.user.ID})
		if err != nil {
			t.Fatal(err)
		}
		author := admin
		if actor == adminActor {
			author = member
		}
		cmid := fmt.Sprintf("authz-%d", seq.Add(1))
		m, err := a.chat.Post(ctx, chat.PostParams{Room: model.SidebarRoom{Room: room}, Creator: author.user, Body: "target " + cmid, ClientMessageID: cmid})
		if err != nil {
			t.Fatal(err)
		}
		return room, m.Message
	}

	for _, route := range declaredRoutes(t) {
		if why, ok := authzSkip[route]; ok {
			t.Logf("skip %s: %s", route, why)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		if method == "*" {
			method = http.MethodGet
		}
		for _, actor := range authzActors {
			t.Run(route+" as "+actor, func(t *testing.T) {
				c := actors[actor]
				closed, m := setup(t, actor)
				path := strings.NewReplacer("{roomID}", fmt.Sprint(closed.ID), "{messageID}", fmt.Sprint(m.ID)).Replace(pattern)
				var status int
				var loc string
				switch {
				case path == "/events":
					status = c.tryStream(t, fmt.Sprintf("room_id=%d", closed.ID))
				default:
					form := url.Values{
						"message[body]":              {"changed by " + actor},
						"message[client_message_id]": {fmt.Sprintf("authz-post-%d", seq.Add(1))},
					}
					res := c.send(method, path, "application/x-www-form-urlencoded", form.Encode())
					status, loc = res.StatusCode, res.Header.Get("Location")
				}

				if status >= 500 {
					t.Fatalf("status %d", status)
				}
				if want, ok := authzExpect[route][actor]; ok {
					if status != want {
						t.Fatalf("status %d, want %d", status, want)
					}
				} else {
					// Rules for routes without an entry.
					switch {
					case actor == anonActor && !isPublic(t, route):
						if status != 401 && !(status == 303 && loc == "/session/new") {
							t.Fatalf("anonymous got %d (%s), want sign-in", status, loc)
						}
					case actor == outsiderActor && strings.Contains(pattern, "{roomID}"):
						if status != 404 && !(status == 303 && loc == "/") {
							t.Fatalf("outsider got %d (%s) on a closed room's route, want 404 or home", status, loc)
						}
					}
				}
				if actor == anonActor && status == 303 && !isPublic(t, route) && loc != "/session/new" {
					t.Fatalf("anonymous sent to %q, want /session/new", loc)
				}
				if actor == outsiderActor && status == 303 && strings.Contains(pattern, "{roomID}") && loc != "/" {
					t.Fatalf("outsider sent to %q, want / (as for a room that does not exist)", loc)
				}

				// Whoever was refused changed nothing.
				if status >= 400 && strings.Contains(pattern, "{messageID}") {
					got, err := a.store.Message(ctx, m.ID)
					if err != nil {
						t.Fatalf("refused %s deleted the message: %v", method, err)
					}
					if got.Plain != m.Plain {
						t.Fatalf("refused %s changed the message to %q", method, got.Plain)
					}
				}
			})
		}
	}
	for route := range authzExpect {
		found := false
		for _, r := range declaredRoutes(t) {
			found = found || r == route
		}
		if !found {
			t.Errorf("authzExpect lists %s, which routes.go no longer has", route)
		}
	}
}
