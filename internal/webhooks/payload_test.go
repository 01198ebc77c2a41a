package webhooks

import (
	"encoding/json"
	"testing"
)

func TestBuildPayloadSharedRoom(t *testing.T) {
	name := "All Talk"
	b, err := BuildPayload(Event{
		UserID: 3, UserName: "Ann",
		RoomID: 5, RoomName: &name,
		MessageID: 99,
		HTML:      `<div>@Deployer ship it &amp; <b>now</b></div>`,
		Plain:     " @Deployer ship it & now, @Deployer \n",
		BotName:   "Deployer", BotKey: "12-abcDEF123456",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"user": map[string]any{"id": 3.0, "name": "Ann"},
		"room": map[string]any{"id": 5.0, "name": "All Talk", "path": "/rooms/5/12-abcDEF123456/messages"},
		"message": map[string]any{
			"id":         99.0,
			"body":       map[string]any{"html": `<div>@Deployer ship it &amp; <b>now</b></div>`, "plain": "ship it & now,"},
			"path":       "/rooms/5/@99",
			"attachment": nil,
		},
	}
	if gs, ws := mustJSON(t, got), mustJSON(t, want); gs != ws {
		t.Fatalf("got  %s\nwant %s", gs, ws)
	}
}

func TestBuildPayloadDirectRoomHasNullName(t *testing.T) {
	b, err := BuildPayload(Event{UserID: 1, UserName: "Ann", RoomID: 2, MessageID: 3, Plain: "hi", BotName: "B", BotKey: "9-k"})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Room map[string]json.RawMessage `json:"room"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if n, ok := got.Room["name"]; !ok || string(n) != "null" {
		t.Fatalf("room.name = %s (present %v), want null", n, ok)
	}
}

func TestStripMention(t *testing.T) {
	for _, c := range []struct{ plain, name, want string }{
		{"@Bot hello", "Bot", "hello"},
		{"hello @Bot and @Bot", "Bot", "hello  and"},
		{"\u00a0@Bot\u3000", "Bot", ""},
		{"@Botany is not me", "Bot", "any is not me"}, // same as the original's plain gsub
		{"mail bot@Bot.example", "", "mail bot@Bot.example"},
	} {
		if got := StripMention(c.plain, c.name); got != c.want {
			t.Errorf("StripMention(%q, %q) = %q, want %q", c.plain, c.name, got, c.want)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
