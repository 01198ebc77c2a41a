package app

import (
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestConfig(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil || c.Port != 3000 || c.DBPath != "storage/campfire.db" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"PORT": "http"}, {"PORT": "70000"}, {"CAMPFIRE_TRUST_PROXY": "maybe"},
		{"VAPID_PUBLIC_KEY": "only-one"}, {"CAMPFIRE_LOG_LEVEL": "loud"},
		{"CAMPFIRE_POST_LIMIT": "60"}, {"CAMPFIRE_SYNCHRONOUS": "off"}, {"CAMPFIRE_POST_LIMIT": "0/10s"}, {"CAMPFIRE_POST_LIMIT": "5/soon"},
		{"CAMPFIRE_BOT_POST_LIMIT": "300"}, {"CAMPFIRE_BOT_POST_LIMIT": "-1/1m"},
		{"CAMPFIRE_URL": "chat.example.com"}, {"CAMPFIRE_URL": "ftp://chat.example.com"},
		{"CAMPFIRE_URL": "https://"}, {"CAMPFIRE_URL": "https://chat.example.com/campfire"},
		{"CAMPFIRE_URL": "https://chat.example.com/?x=1"}, {"CAMPFIRE_URL": "https://u:p@chat.example.com"},
		{"CAMPFIRE_TLS_DOMAIN": "localhost"}, {"CAMPFIRE_TLS_DOMAIN": "chat_room.example.com"}, {"CAMPFIRE_TLS_DOMAIN": "-a.example.com"},
		{"CAMPFIRE_HTTPS_PORT": "https"}, {"CAMPFIRE_HTTP_PORT": "99999"}, {"CAMPFIRE_ACME_DIRECTORY": "http://acme.example.com/dir"},
		{"CAMPFIRE_LITESTREAM": "sometimes"},
		{"CAMPFIRE_MAX_UPLOAD": "lots"}, {"CAMPFIRE_MAX_UPLOAD": "0"}, {"CAMPFIRE_MAX_UPLOAD": "-5MiB"},
		{"CAMPFIRE_MAX_UPLOAD": "10 parsecs"}, {"CAMPFIRE_MAX_UPLOAD": "99999999999GiB"},
		{"CAMPFIRE_SESSION_LIFETIME": "forever"}, {"CAMPFIRE_SESSION_LIFETIME": "10m"}, {"CAMPFIRE_SESSION_LIFETIME": "-3d"},
		{"CAMPFIRE_MAX_STREAMS": "many"}, {"CAMPFIRE_MAX_STREAMS": "0"}, {"CAMPFIRE_MAX_STREAMS": "-1"},
	} {
		if _, err := LoadConfig(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestStorageConfig(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{"CAMPFIRE_DB": "/var/lib/campfire/campfire.db"}))
	if err != nil || c.StoragePath != "/var/lib/campfire/files" || c.MaxUpload != 100<<20 {
		t.Fatalf("defaults beside the database: %q %d %v", c.StoragePath, c.MaxUpload, err)
	}
	for v, want := range map[string]int64{"100MiB": 100 << 20, "512KiB": 512 << 10, "512 KiB": 512 << 10,
		"2GiB": 2 << 30, "1048576": 1 << 20, "10mb": 10 << 20, "7B": 7} {
		c, err := LoadConfig(env(map[string]string{"CAMPFIRE_MAX_UPLOAD": v, "CAMPFIRE_STORAGE": "/srv/files"}))
		if err != nil || c.MaxUpload != want || c.StoragePath != "/srv/files" {
			t.Errorf("CAMPFIRE_MAX_UPLOAD=%q: %d %q %v, want %d", v, c.MaxUpload, c.StoragePath, err, want)
		}
	}
}

func TestPostLimitConfig(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{"CAMPFIRE_POST_LIMIT": "30 / 1m"}))
	if err != nil || c.PostLimit != 30 || c.PostWindow != time.Minute {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = LoadConfig(env(map[string]string{"CAMPFIRE_BOT_POST_LIMIT": "1000/5m"}))
	if err != nil || c.BotPostLimit != 1000 || c.BotPostWindow != 5*time.Minute || c.PostLimit != 0 {
		t.Fatalf("%+v %v", c, err)
	}
}

// TestBaseURLConfig: CAMPFIRE_URL is the scheme and host, kept without a
// trailing slash; unset, it is empty (links follow each request).
func TestBaseURLConfig(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "https://chat.example.com": "https://chat.example.com",
		"https://chat.example.com/": "https://chat.example.com", "http://10.0.0.5:3000": "http://10.0.0.5:3000",
	} {
		c, err := LoadConfig(env(map[string]string{"CAMPFIRE_URL": in}))
		if err != nil || c.BaseURL != want {
			t.Errorf("CAMPFIRE_URL=%q: %q %v, want %q", in, c.BaseURL, err, want)
		}
	}
}

func TestSessionLifetimeConfig(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour} {
		c, err := LoadConfig(env(map[string]string{"CAMPFIRE_SESSION_LIFETIME": v}))
		if err != nil || c.SessionLifetime != want {
			t.Errorf("%q: %v %v, want %v", v, c.SessionLifetime, err, want)
		}
	}
}

func TestTLSConfig(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil || len(c.TLSDomains) != 0 || c.HTTPSPort != 443 || c.HTTPPort != 80 || c.SecureCookies {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = LoadConfig(env(map[string]string{"CAMPFIRE_TLS_DOMAIN": "Chat.Example.com., chat2.example.com", "CAMPFIRE_HTTPS_PORT": "8443"}))
	if err != nil || len(c.TLSDomains) != 2 || c.TLSDomains[0] != "chat.example.com" || c.TLSDomains[1] != "chat2.example.com" ||
		c.HTTPSPort != 8443 || !c.SecureCookies {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestTLSDomainIsTheDefaultAddress(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"CAMPFIRE_TLS_DOMAIN": "chat.example.com, chat2.example.com"}, "https://chat.example.com"},
		{map[string]string{"CAMPFIRE_TLS_DOMAIN": "chat.example.com", "CAMPFIRE_HTTPS_PORT": "8443"}, "https://chat.example.com:8443"},
		{map[string]string{"CAMPFIRE_TLS_DOMAIN": "chat.example.com", "CAMPFIRE_URL": "https://campfire.example.org/"}, "https://campfire.example.org"},
		{map[string]string{}, ""},
	} {
		c, err := LoadConfig(env(tc.env))
		if err != nil || c.BaseURL != tc.want {
			t.Errorf("%v: BaseURL %q (%v), want %q", tc.env, c.BaseURL, err, tc.want)
		}
	}
}

func TestStreamLimitsConfig(t *testing.T) {
	c, err := LoadConfig(env(map[string]string{"CAMPFIRE_MAX_STREAMS": "19200", "CAMPFIRE_STREAMS_PER_USER": "40"}))
	if err != nil || c.MaxStreams != 19200 || c.StreamsPerUser != 40 || c.StreamsPerAddress != 0 {
		t.Fatalf("%+v %v", c, err)
	}
}
