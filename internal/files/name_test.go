package files

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCleanName(t *testing.T) {
	long := strings.Repeat("a", 1000) + ".pdf"
	for in, want := range map[string]string{
		"report.pdf":                     "report.pdf",
		"../../etc/passwd":               "passwd",
		`C:\Users\ada\photo.jpg`:         "photo.jpg",
		"a\x00b\nc\u202Egnp.exe":         "abcgnp.exe",
		"  .hidden  ":                    "hidden",
		"..":                             "file",
		"/":                              "file",
		"":                               "file",
		"\xff\xfe.txt":                   "\uFFFD.txt",
		"naïve résumé.docx":              "naïve résumé.docx",
		long:                             strings.Repeat("a", 251) + ".pdf",
		strings.Repeat("é", 300):         strings.Repeat("é", 127),
		"dir/" + strings.Repeat("x", 10): strings.Repeat("x", 10),
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCleanName: whatever a client sends, the name shown is short, valid
// text with no path in it and nothing invisible that could disguise it.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"report.pdf", "../../x", `a\b`, "\u202Etxt.exe", strings.Repeat("ab/", 400), "\x00", ". .", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanName(in)
		switch {
		case out == "" || out == "." || out == "..":
			t.Fatalf("CleanName(%q) = %q", in, out)
		case len(out) > maxNameBytes:
			t.Fatalf("CleanName(%q) is %d bytes", in, len(out))
		case !utf8.ValidString(out):
			t.Fatalf("CleanName(%q) = %q is not UTF-8", in, out)
		case strings.ContainsAny(out, `/\`):
			t.Fatalf("CleanName(%q) = %q holds a path separator", in, out)
		case strings.HasPrefix(out, ".") || strings.TrimSpace(out) != out:
			t.Fatalf("CleanName(%q) = %q starts with a dot or space", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("CleanName(%q) = %q holds %U", in, out, r)
			}
		}
		if CleanName(out) != out {
			t.Fatalf("CleanName is not stable on %q", out)
		}
	})
}
