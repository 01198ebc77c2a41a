package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"flag"
	"fmt"
	"time"
)

// botFanoutCmd is fanout for bots (SPEC §14): N bots in the Fanout room, each
// holding its own event stream, while members post at the rate. The bots are
// written into the database beside the running server (they are read when
// their streams connect), and kept for later runs.
func botFanoutCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("botfanout", flag.ExitOnError)
	var c common
	c.register(fs)
	dbPath := fs.String("db", "storage/bench.db", "the database the server runs on")
	n := fs.Int("conns", 1000, "bot streams on the Fanout room (one bot each)")
	rate := fs.Float64("rate", 10, "posts per second")
	dur := fs.Duration("duration", 30*time.Second, "how long to post")
	fs.Parse(args)
	if err := c.load(*n); err != nil {
		return err
	}
	keys, err := benchBots(ctx, *dbPath, c.lay.Fanout, *n)
	if err != nil {
		return err
	}
	conns := make([]connSpec, len(keys))
	for i, k := range keys {
		conns[i] = connSpec{Bot: k}
	}
	members := c.lay.FanoutMemberIDs(min(fanoutPosters, c.lay.Users-1))
	markBodies = true
	rep, err := deliver(ctx, &c, "botfanout", conns, members, *rate, *dur,
		func(i int) (int64, int64) { return members[i%len(members)], c.lay.Fanout },
		func(int) int { return len(conns) })
	if err != nil {
		return err
	}
	c.write(rep)
	return nil
}

// benchBots returns the keys of n bots in the room, making those missing.
func benchBots(ctx context.Context, path string, roomID int64, n int) ([]string, error) {
	d, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var keys []string
	rows, err := tx.QueryContext(ctx, `
		SELECT u.id, u.bot_token FROM users u JOIN memberships m ON m.user_id = u.id AND m.room_id = ?
		WHERE u.role = 'bot' AND u.status = 'active' AND u.name LIKE 'Bench Bot %' ORDER BY u.id LIMIT ?`, roomID, n)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var token string
		if err := rows.Scan(&id, &token); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, fmt.Sprintf("%d-%s", id, token))
	}
	rows.Close()
	now := time.Now().UnixMilli()
	for i := len(keys); i < n; i++ {
		token := benchToken()
		var id int64
		err := tx.QueryRowContext(ctx, `
			INSERT INTO users (name, role, bot_token, created_at, updated_at) VALUES (?, 'bot', ?, ?, ?) RETURNING id`,
			fmt.Sprintf("Bench Bot %d %s", i, token[:4]), token, now, now).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("make bench bot: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (room_id, user_id, created_at) VALUES (?, ?, ?)`,
			roomID, id, now); err != nil {
			return nil, fmt.Errorf("make bench bot: %w", err)
		}
		keys = append(keys, fmt.Sprintf("%d-%s", id, token))
	}
	return keys, tx.Commit()
}

// benchToken is a bot token: 12 letters and digits.
func benchToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
