package db

import "testing"

func TestPublicIP(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.9":          "203.0.113.9", // documentation ranges stand in for public addresses
		"198.51.100.7":         "198.51.100.7",
		"8.8.8.8":              "8.8.8.8",
		"2606:4700::1111":      "2606:4700::1111",
		"::ffff:93.184.216.34": "93.184.216.34", // mapped: stored as the IPv4 address
		"10.0.0.1":             "",
		"172.16.5.4":           "",
		"192.168.1.1":          "",
		"127.0.0.1":            "",
		"::1":                  "",
		"169.254.169.254":      "",
		"fe80::1%eth0":         "",
		"fd00::1":              "",
		"::ffff:10.0.0.1":      "",
		"100.64.0.1":           "", // carrier-grade NAT: many people behind one address
		"0.0.0.0":              "",
		"::":                   "",
		"224.0.0.1":            "",
		"255.255.255.255":      "",
		"":                     "",
		"not-an-ip":            "",
		"203.0.113.9:443":      "",
	} {
		got, ok := PublicIP(ip)
		if got != want || ok != (want != "") {
			t.Errorf("PublicIP(%q) = %q, %v; want %q", ip, got, ok, want)
		}
	}
}
