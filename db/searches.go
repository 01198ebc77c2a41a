package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campfire-go/campfire/internal/model"
)

// Search limits: queries remembered per person, and how much of a query is
// looked at (a query is a few words; the rest is noise).
const (
	RecentSearchLimit = 10
	maxQueryTerms     = 16
	maxQueryRunes     = 256
)

// SearchTerms reduces a query to its words: letters, digits and combining
// marks survive, everything else (FTS syntax, punctuation, invalid UTF-8,
// control characters) separates words. The result is bounded in length.
func SearchTerms(q string) []string {
	q = strings.ToValidUTF8(q, " ")
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = string([]rune(q)[:maxQueryRunes])
	}
	words := strings.FieldsFunc(q, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
	})
	if len(words) > maxQueryTerms {
		words = words[:maxQueryTerms]
	}
	return words
}

// CleanQuery is the query as it is searched and remembered: its words,
// separated by single spaces.
func CleanQuery(q string) string { return strings.Join(SearchTerms(q), " ") }

// matchExpression quotes every word, so FTS5 reads each as a plain term (the
// tokenizer still stems it) and nothing a person types is syntax. Words are
// ANDed, as FTS5 does for terms side by side.
func matchExpression(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + t + `"`
	}
	return strings.Join(quoted, " ")
}

// searchSQL lets FTS5 drive: it walks the matches newest first (rowid order is
// id order is commit order), each is looked up by primary key and kept when
// its room is one of the user's, and SQLite stops after the limit. CROSS JOIN
// pins the full-text table as the outer loop. A message still queued for the
// indexer is left out: the index may hold its old text (an edit) or another
// message's under a reused id (a delete), and the statement reads the queue
// and the index in one snapshot.
const searchSQL = `
	SELECT ` + messageColumns + `, coalesce(r.name, ''), highlight(messages_fts, 0, '` + model.HighlightStart + `', '` + model.HighlightEnd + `')
	FROM messages_fts
	CROSS JOIN messages m ON m.id = messages_fts.rowid
	JOIN users u ON u.id = m.creator_id
	JOIN rooms r ON r.id = m.room_id
	LEFT JOIN attachments a ON a.message_id = m.id
	WHERE messages_fts MATCH ?1
	  AND m.room_id IN (SELECT room_id FROM memberships WHERE user_id = ?2)
	  AND NOT EXISTS (SELECT 1 FROM search_pending p WHERE p.message_id = m.id)
	ORDER BY messages_fts.rowid DESC
	LIMIT ?3`

// SearchMessages finds the newest messages matching the query's words in the
// rooms the user belongs to, newest first. A query with no words finds nothing.
// It first indexes what the background indexer has not reached yet (at most
// SearchIndexDelay of posts, usually nothing), so every message committed
// before the search is found as it is now. Should that fail, the search still
// answers from the index, without the messages still queued.
func (s *Store) SearchMessages(ctx context.Context, userID int64, query string) ([]model.SearchResult, error) {
	terms := SearchTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	_ = s.CatchUpSearch(ctx)
	return s.searchIndexed(ctx, userID, terms)
}

// searchIndexed is the search over the index as it stands.
func (s *Store) searchIndexed(ctx context.Context, userID int64, terms []string) ([]model.SearchResult, error) {
	rows, err := s.r.QueryContext(ctx, searchSQL, matchExpression(terms), userID, model.SearchLimit)
	if err != nil {
		return nil, fmt.Errorf("db: search: %w", err)
	}
	defer rows.Close()
	var out []model.SearchResult
	for rows.Next() {
		var sr model.SearchResult
		var created, updated int64
		var a attachmentRow
		dests := append([]any{&sr.ID, &sr.RoomID, &sr.CreatorID, &sr.ClientMessageID, &sr.HTML, &sr.Plain,
			&created, &updated, &sr.CreatorName, &sr.CreatorRole, &sr.CreatorAvatar}, a.dests()...)
		if err := rows.Scan(append(dests, &sr.RoomName, &sr.Highlighted)...); err != nil {
			return nil, fmt.Errorf("db: search: %w", err)
		}
		sr.CreatedAt, sr.UpdatedAt = Time(created), Time(updated)
		sr.Attachment = a.attachment()
		present(&sr.Message)
		out = append(out, sr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: search: %w", err)
	}
	return out, nil
}

// SearchPlan returns SQLite's plan for a search, one detail line per step, so
// a test can hold the query to its shape.
func (s *Store) SearchPlan(ctx context.Context, userID int64, query string) ([]string, error) {
	return queryPlan(ctx, s.r, searchSQL, matchExpression(SearchTerms(query)), userID, model.SearchLimit)
}

// queryPlan returns SQLite's plan for a query, one detail line per step.
func queryPlan(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: query plan: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}

// RecordSearch remembers a query for the user (again: it moves to the top)
// and forgets all but the most recent few.
func (s *Store) RecordSearch(ctx context.Context, userID int64, query string) error {
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		// Searches a millisecond apart must still come back in order, so the
		// newest is always stamped after the user's previous one.
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(updated_at), 0) FROM searches WHERE user_id = ?`,
			userID).Scan(&last); err != nil {
			return err
		}
		t := max(now(), last+1)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO searches (user_id, query, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, query) DO UPDATE SET updated_at = excluded.updated_at`,
			userID, query, t); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			DELETE FROM searches WHERE user_id = ?1 AND id NOT IN (
				SELECT id FROM searches WHERE user_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2)`,
			userID, RecentSearchLimit)
		return err
	})
	if err != nil {
		return fmt.Errorf("db: record search: %w", err)
	}
	return nil
}

// RecentSearches lists the user's remembered queries, most recent first.
func (s *Store) RecentSearches(ctx context.Context, userID int64) ([]string, error) {
	queries, err := scanStrings(s.r.QueryContext(ctx, `
		SELECT query FROM searches WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?`,
		userID, RecentSearchLimit))
	if err != nil {
		return nil, fmt.Errorf("db: recent searches: %w", err)
	}
	return queries, nil
}

// ClearSearches forgets every query the user made.
func (s *Store) ClearSearches(ctx context.Context, userID int64) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM searches WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("db: clear searches: %w", err)
	}
	return nil
}
