package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func openSearchStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The search must let the full-text index drive, newest first, and stop at
// the limit: no scan of messages, and no sort of every match.
func TestSearchQueryPlanIsDrivenByFTS(t *testing.T) {
	s := openSearchStore(t)
	plan, err := s.SearchPlan(context.Background(), 1, "running fast")
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(plan, "\n")
	t.Logf("plan:\n%s", joined)
	if !strings.Contains(plan[0], "messages_fts VIRTUAL TABLE INDEX") {
		t.Errorf("the outer loop is not the FTS index:\n%s", joined)
	}
	if strings.Contains(joined, "TEMP B-TREE") {
		t.Errorf("the plan sorts the matches in a temp B-tree:\n%s", joined)
	}
	for _, line := range plan {
		if scansMessages.MatchString(line) {
			t.Errorf("the plan scans messages:\n%s", joined)
		}
	}
	// FTS5 encodes "ORDER BY rowid DESC is consumed" as bits 0x40|0x80 of
	// the index number (fts5_main.c, FTS5_BI_ORDER_ROWID and _DESC).
	m := ftsIndex.FindStringSubmatch(plan[0])
	if m == nil {
		t.Fatalf("no FTS index number in %q", plan[0])
	}
	if n, _ := strconv.Atoi(m[1]); n&0xC0 != 0xC0 {
		t.Errorf("FTS does not deliver rowid DESC itself (idxNum %d)", n)
	}
}

var (
	scansMessages = regexp.MustCompile(`^SCAN (m|messages)( |$)`)
	ftsIndex      = regexp.MustCompile(`VIRTUAL TABLE INDEX (\d+):`)
)

func TestSearchTerms(t *testing.T) {
	cases := map[string]string{
		`"unbalanced`:           "unbalanced",
		`NEAR(a b, 3)`:          "NEAR a b 3",
		`-x AND y* OR z:w ^q`:   "x AND y OR z w q",
		"caf\u00e9 na\u0308ive": "caf\u00e9 na\u0308ive",
		"bad \xff\xfe utf8":     "bad utf8",
		"\u0000\u001b[31m red":  "31m red",
		"日本語のテキスト":              "日本語のテキスト",
		"  ":                    "",
		"\ue000mark\ue001":      "mark",
	}
	for in, want := range cases {
		if got := CleanQuery(in); got != want {
			t.Errorf("CleanQuery(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(SearchTerms(strings.Repeat("word ", 1000))); n != maxQueryTerms {
		t.Errorf("%d terms kept, want %d", n, maxQueryTerms)
	}
}

// BenchmarkSearch measures a search over a large table where the words are
// common and the user is in only some of the rooms: the case where FTS must
// stop early rather than sort every match. SEARCH_BENCH_MESSAGES sets the size.
func BenchmarkSearch(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("SEARCH_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	s := openSearchStore(b)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO users (id, name, created_at, updated_at) VALUES (1, 'Ann', 0, 0), (2, 'Bo', 0, 0)`); err != nil {
			return err
		}
		for r := 1; r <= 10; r++ {
			if _, err := tx.Exec(`INSERT INTO rooms (id, kind, name, creator_id, created_at, updated_at) VALUES (?, 'open', 'r', 1, 0, 0)`, r); err != nil {
				return err
			}
			if r%2 == 0 {
				if _, err := tx.Exec(`INSERT INTO memberships (room_id, user_id, created_at) VALUES (?, 1, 0)`, r); err != nil {
					return err
				}
			}
		}
		stmt, err := tx.Prepare(`INSERT INTO messages (room_id, creator_id, client_message_id, body_html, body_plain, created_at, updated_at)
			VALUES (?, 2, ?, '', ?, 0, 0)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		words := []string{"deploy", "running", "lunch", "review", "release", "coffee", "build", "tests"}
		for i := range n {
			body := fmt.Sprintf("%s the %s after %s number %d", words[i%8], words[(i/8)%8], words[(i/64)%8], i)
			if _, err := stmt.Exec(1+i%10, fmt.Sprint("c", i), body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := s.SearchMessages(ctx, 1, "runs")
		if err != nil {
			b.Fatal(err)
		}
		if len(res) != model.SearchLimit {
			b.Fatalf("%d results", len(res))
		}
	}
}
