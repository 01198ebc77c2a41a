package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the deployment: everything the operator may set, read from the
// environment by LoadConfig and nowhere else. The README's configuration
// table lists the same variables; keep the two together.
type Config struct {
	// Port to listen on (PORT, default 3000; 0 picks a free one).
	Port int
	// DBPath is the SQLite file (CAMPFIRE_DB); its folder is created when
	// missing.
	DBPath string
	// StoragePath is the folder of uploaded files (CAMPFIRE_STORAGE), by
	// default "files" beside the database file.
	StoragePath string
	// MaxUpload is the largest file one upload may carry, in bytes
	// (CAMPFIRE_MAX_UPLOAD, like 100MiB or 512KiB; default 100 MiB).
	MaxUpload int64
	// TrustProxy (CAMPFIRE_TRUST_PROXY) believes the reverse proxy in front
	// about the client: its address (X-Forwarded-For) and whether it used TLS
	// (X-Forwarded-Proto). Off, anyone could claim any address.
	TrustProxy bool
	// SecureCookies (CAMPFIRE_SECURE_COOKIES) marks cookies Secure always,
	// not only on requests that came over TLS.
	SecureCookies bool
	// VAPIDPublic and VAPIDPrivate are the Web Push keys (VAPID_PUBLIC_KEY,
	// VAPID_PRIVATE_KEY); when empty, keys are generated once and kept in the
	// database.
	VAPIDPublic, VAPIDPrivate string
	// PushAllowLocal (CAMPFIRE_PUSH_ALLOW_LOCAL) lets push subscriptions point
	// at http and private addresses: tests and development only.
	PushAllowLocal bool
	// AllowLocalFetch (CAMPFIRE_ALLOW_LOCAL_FETCH) lets link previews fetch
	// pages on this host and the local networks: tests and development only.
	AllowLocalFetch bool
	// LogLevel is the least severe level logged (CAMPFIRE_LOG_LEVEL).
	LogLevel slog.Level
	// PostLimit posts per PostWindow per person (CAMPFIRE_POST_LIMIT, like
	// 60/10s); zero keeps the handlers' default.
	PostLimit  int
	PostWindow time.Duration
	// BotPostLimit posts per BotPostWindow per bot (CAMPFIRE_BOT_POST_LIMIT,
	// like 300/1m); zero keeps the handlers' default.
	BotPostLimit  int
	BotPostWindow time.Duration
	// Synchronous is SQLite's sync level (CAMPFIRE_SYNCHRONOUS): NORMAL (the
	// default) or FULL.
	Synchronous string
	// SessionLifetime is how long an unused sign-in lasts
	// (CAMPFIRE_SESSION_LIFETIME, like 365d or 12h); each use renews it. Zero
	// keeps the handlers' default, a year.
	SessionLifetime time.Duration
	// Litestream (CAMPFIRE_LITESTREAM) says Litestream replicates the
	// database: the server then leaves checkpoints to it (db.Options).
	Litestream bool
	// PprofAddr, when set (CAMPFIRE_PPROF_ADDR), serves Go's profiler there;
	// meant for a loopback address.
	PprofAddr string
	// BaseURL (CAMPFIRE_URL), like https://chat.example.com, is the address
	// people and bots reach the app at, used for every absolute link the app
	// makes (bot JSON, curl lines, join and sign-in links). Unset, links use
	// the host each request names, which any client can write.
	BaseURL string
	// TLSDomains (CAMPFIRE_TLS_DOMAIN, names separated by commas or spaces)
	// make the server get its own certificate over ACME and serve HTTPS on
	// HTTPSPort (CAMPFIRE_HTTPS_PORT, 443), redirecting plain HTTP on
	// HTTPPort (CAMPFIRE_HTTP_PORT, 80). PORT is then unused.
	TLSDomains []string
	HTTPSPort  int
	HTTPPort   int
	// ACMEDirectory (CAMPFIRE_ACME_DIRECTORY) is the ACME server; empty is
	// Let's Encrypt. ACMERootCA (CAMPFIRE_ACME_ROOT_CA) is a PEM file of the
	// roots to trust for it (a test server); empty trusts the system's.
	ACMEDirectory string
	ACMERootCA    string
	// ACMEEmail (CAMPFIRE_ACME_EMAIL) is the contact for certificate notices.
	ACMEEmail string
	// MetricsAddr, when set (CAMPFIRE_METRICS_ADDR), turns the Prometheus
	// metrics on and serves them at /metrics there, apart from the app.
	MetricsAddr string
	// StreamsPerUser and StreamsPerAddress cap event streams
	// (CAMPFIRE_STREAMS_PER_USER, CAMPFIRE_STREAMS_PER_ADDRESS); zero keeps
	// the defaults, 32 and 512. The total follows from the open-file limit,
	// unless MaxStreams (CAMPFIRE_MAX_STREAMS) sets it (connguard.WithStreams).
	StreamsPerUser, StreamsPerAddress, MaxStreams int
}

// LoadConfig reads the Config from the environment through getenv
// (os.Getenv, or a map in tests). Nothing has to be set: every variable has a
// default. A value that cannot be read is an error naming the variable, never
// silently the default.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{Port: 3000, DBPath: "storage/campfire.db", LogLevel: slog.LevelInfo, HTTPSPort: 443, HTTPPort: 80}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return c, fmt.Errorf("PORT %q is not a port number", v)
		}
		c.Port = p
	}
	if v := getenv("CAMPFIRE_DB"); v != "" {
		c.DBPath = v
	}
	c.StoragePath = getenv("CAMPFIRE_STORAGE")
	if c.StoragePath == "" {
		c.StoragePath = filepath.Join(filepath.Dir(c.DBPath), "files")
	}
	c.MaxUpload = DefaultMaxUpload
	if v := getenv("CAMPFIRE_MAX_UPLOAD"); v != "" {
		n, err := ParseSize(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("CAMPFIRE_MAX_UPLOAD %q: use a size like 100MiB, 512KiB or 2GiB", v)
		}
		c.MaxUpload = n
	}
	c.PprofAddr = getenv("CAMPFIRE_PPROF_ADDR")
	c.MetricsAddr = getenv("CAMPFIRE_METRICS_ADDR")
	if err := loadTLSConfig(&c, getenv); err != nil {
		return c, err
	}
	var err error
	if c.TrustProxy, err = envBool(getenv, "CAMPFIRE_TRUST_PROXY"); err != nil {
		return c, err
	}
	if c.SecureCookies, err = envBool(getenv, "CAMPFIRE_SECURE_COOKIES"); err != nil {
		return c, err
	}
	if c.PushAllowLocal, err = envBool(getenv, "CAMPFIRE_PUSH_ALLOW_LOCAL"); err != nil {
		return c, err
	}
	if c.AllowLocalFetch, err = envBool(getenv, "CAMPFIRE_ALLOW_LOCAL_FETCH"); err != nil {
		return c, err
	}
	if c.Litestream, err = envBool(getenv, "CAMPFIRE_LITESTREAM"); err != nil {
		return c, err
	}
	c.VAPIDPublic, c.VAPIDPrivate = getenv("VAPID_PUBLIC_KEY"), getenv("VAPID_PRIVATE_KEY")
	if (c.VAPIDPublic == "") != (c.VAPIDPrivate == "") {
		return c, fmt.Errorf("set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither")
	}
	if v := getenv("CAMPFIRE_POST_LIMIT"); v != "" {
		if c.PostLimit, c.PostWindow, err = parseRate(v); err != nil {
			return c, fmt.Errorf("CAMPFIRE_POST_LIMIT %q: use posts/duration, like 60/10s", v)
		}
	}
	if v := getenv("CAMPFIRE_BOT_POST_LIMIT"); v != "" {
		if c.BotPostLimit, c.BotPostWindow, err = parseRate(v); err != nil {
			return c, fmt.Errorf("CAMPFIRE_BOT_POST_LIMIT %q: use posts/duration, like 300/1m", v)
		}
	}
	if v := getenv("CAMPFIRE_SESSION_LIFETIME"); v != "" {
		if c.SessionLifetime, err = parseLifetime(v); err != nil {
			return c, fmt.Errorf("CAMPFIRE_SESSION_LIFETIME %q: use a duration of at least an hour, like 365d, 30d or 12h", v)
		}
	}
	for _, lim := range []struct {
		key string
		to  *int
	}{{"CAMPFIRE_STREAMS_PER_USER", &c.StreamsPerUser}, {"CAMPFIRE_STREAMS_PER_ADDRESS", &c.StreamsPerAddress},
		{"CAMPFIRE_MAX_STREAMS", &c.MaxStreams}} {
		if v := getenv(lim.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return c, fmt.Errorf("%s=%q: use a positive number", lim.key, v)
			}
			*lim.to = n
		}
	}
	switch v := strings.ToUpper(getenv("CAMPFIRE_SYNCHRONOUS")); v {
	case "", "NORMAL", "FULL":
		c.Synchronous = v
	default:
		return c, fmt.Errorf("CAMPFIRE_SYNCHRONOUS=%q: use normal or full", getenv("CAMPFIRE_SYNCHRONOUS"))
	}
	if v := getenv("CAMPFIRE_URL"); v != "" {
		if c.BaseURL, err = parseBaseURL(v); err != nil {
			return c, fmt.Errorf("CAMPFIRE_URL %q: %w", v, err)
		}
	}
	if v := getenv("CAMPFIRE_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("CAMPFIRE_LOG_LEVEL %q: use debug, info, warn or error", v)
		}
	}
	if len(c.TLSDomains) > 0 {
		// Every request comes over TLS: cookies never travel in clear.
		c.SecureCookies = true
		if c.BaseURL == "" {
			// The certificate names the app's address, so links need not
			// trust the Host header, which any client can write.
			c.BaseURL = "https://" + c.TLSDomains[0]
			if c.HTTPSPort != 443 {
				c.BaseURL += ":" + strconv.Itoa(c.HTTPSPort)
			}
		}
	}
	return c, nil
}

// DefaultMaxUpload is the largest upload when CAMPFIRE_MAX_UPLOAD is unset.
const DefaultMaxUpload = 100 << 20

// ParseSize reads a size in bytes: a whole number with an optional unit,
// B, KiB, MiB or GiB (KB, MB and GB are taken as the same powers of two, as
// people mean them for files), like "100MiB", "512 KiB" or "1048576".
func ParseSize(v string) (int64, error) {
	v = strings.TrimSpace(v)
	i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	num, unit := v, ""
	if i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: %w", v, err)
	}
	var shift uint
	switch strings.ToLower(unit) {
	case "", "b":
	case "k", "kb", "kib":
		shift = 10
	case "m", "mb", "mib":
		shift = 20
	case "g", "gb", "gib":
		shift = 30
	default:
		return 0, fmt.Errorf("size %q: unknown unit %q", v, unit)
	}
	if n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: too large", v)
	}
	return n << shift, nil
}

// parseBaseURL reads the app's address: http or https, a host, and nothing
// after it but an optional "/". It returns it without the slash.
func parseBaseURL(v string) (string, error) {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return "", err
	case u.Scheme != "http" && u.Scheme != "https":
		return "", errors.New("use http:// or https://")
	case u.Host == "" || u.User != nil:
		return "", errors.New("give a host, like https://chat.example.com")
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", errors.New("give only the scheme and host, without a path")
	}
	return u.Scheme + "://" + u.Host, nil
}

// parseRate reads "N/duration", like "60/10s".
func parseRate(v string) (int, time.Duration, error) {
	n, d, ok := strings.Cut(v, "/")
	if !ok {
		return 0, 0, fmt.Errorf("no /")
	}
	limit, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || limit <= 0 {
		return 0, 0, fmt.Errorf("bad count")
	}
	window, err := time.ParseDuration(strings.TrimSpace(d))
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("bad duration")
	}
	return limit, window, nil
}

// parseLifetime reads a Go duration or a whole number of days ("365d"). Less
// than an hour would sign people out while they read.
func parseLifetime(v string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 100*365 {
			return 0, fmt.Errorf("bad days")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, err
		}
	}
	if d < time.Hour {
		return 0, fmt.Errorf("too short")
	}
	return d, nil
}

func envBool(getenv func(string) string, key string) (bool, error) {
	switch strings.ToLower(getenv(key)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: use true or false", key, getenv(key))
	}
}
