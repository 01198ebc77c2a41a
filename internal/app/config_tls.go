package app

import (
	"fmt"
	"strconv"
	"strings"
)

// loadTLSConfig reads the built-in HTTPS settings.
func loadTLSConfig(c *Config, getenv func(string) string) error {
	for _, d := range strings.FieldsFunc(getenv("CAMPFIRE_TLS_DOMAIN"), func(r rune) bool { return r == ',' || r == ' ' }) {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if !validDomain(d) {
			return fmt.Errorf("CAMPFIRE_TLS_DOMAIN: %q is not a domain name like chat.example.com", d)
		}
		c.TLSDomains = append(c.TLSDomains, d)
	}
	for key, port := range map[string]*int{"CAMPFIRE_HTTPS_PORT": &c.HTTPSPort, "CAMPFIRE_HTTP_PORT": &c.HTTPPort} {
		if v := getenv(key); v != "" {
			p, err := strconv.Atoi(v)
			if err != nil || p < 0 || p > 65535 {
				return fmt.Errorf("%s %q is not a port number", key, v)
			}
			*port = p
		}
	}
	c.ACMEDirectory = getenv("CAMPFIRE_ACME_DIRECTORY")
	if c.ACMEDirectory != "" && !strings.HasPrefix(c.ACMEDirectory, "https://") {
		return fmt.Errorf("CAMPFIRE_ACME_DIRECTORY %q: ACME directories are https:// URLs", c.ACMEDirectory)
	}
	c.ACMERootCA = getenv("CAMPFIRE_ACME_ROOT_CA")
	c.ACMEEmail = getenv("CAMPFIRE_ACME_EMAIL")
	return nil
}

// validDomain accepts a fully qualified host name: letters, digits and
// hyphens in dot-separated labels, at least two of them.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
