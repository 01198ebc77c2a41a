package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/campfire-go/campfire/internal/model"
)

const pushColumns = `id, user_id, endpoint, p256dh_key, auth_key, user_agent, created_at`

func scanPush(row interface{ Scan(...any) error }) (model.PushSubscription, error) {
	var p model.PushSubscription
	var created int64
	err := row.Scan(&p.ID, &p.UserID, &p.Endpoint, &p.P256dh, &p.Auth, &p.UserAgent, &created)
	p.CreatedAt = Time(created)
	return p, err
}

// ErrEndpointTaken means the endpoint is another person's subscription and
// the keys sent with it are not that subscription's.
var ErrEndpointTaken = errors.New("db: push endpoint belongs to someone else")

// ErrTooManySubscriptions means the person already has the most
// subscriptions allowed.
var ErrTooManySubscriptions = errors.New("db: too many push subscriptions")

// SavePushSubscription stores a subscription for the user, who may have at
// most limit of them (ErrTooManySubscriptions; 0 for no limit). An endpoint is one
// browser profile, so the same endpoint again is the same subscription. It
// passes to another person only with the keys it already has: the browser
// hands them to whoever is signed in there, while someone who merely learned
// the endpoint cannot know its auth secret and would otherwise silence its
// owner's notifications (ErrEndpointTaken). created reports whether the row is new.
func (s *Store) SavePushSubscription(ctx context.Context, p model.PushSubscription, limit int) (sub model.PushSubscription, created bool, err error) {
	if limit <= 0 {
		limit = math.MaxInt32
	}
	var existing int64
	_ = s.w.QueryRowContext(ctx, `SELECT id FROM push_subscriptions WHERE endpoint = ?`, p.Endpoint).Scan(&existing)
	sub, err = scanPush(s.w.QueryRowContext(ctx, `
		INSERT INTO push_subscriptions (user_id, endpoint, p256dh_key, auth_key, user_agent, created_at)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6
		WHERE (SELECT count(*) FROM push_subscriptions WHERE user_id = ?1) < ?7
			OR EXISTS (SELECT 1 FROM push_subscriptions WHERE endpoint = ?2)
		ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh_key = excluded.p256dh_key,
			auth_key = excluded.auth_key, user_agent = excluded.user_agent
		WHERE push_subscriptions.user_id = excluded.user_id
			OR (push_subscriptions.p256dh_key = excluded.p256dh_key AND push_subscriptions.auth_key = excluded.auth_key)
		RETURNING `+pushColumns, p.UserID, p.Endpoint, p.P256dh, p.Auth, truncate(p.UserAgent, 512), now(), limit))
	if errors.Is(err, sql.ErrNoRows) {
		if existing != 0 {
			return model.PushSubscription{}, false, ErrEndpointTaken
		}
		return model.PushSubscription{}, false, ErrTooManySubscriptions
	}
	if err != nil {
		return model.PushSubscription{}, false, fmt.Errorf("db: save push subscription: %w", err)
	}
	return sub, existing == 0, nil
}

// PushSubscriptions lists the user's subscriptions, oldest first.
func (s *Store) PushSubscriptions(ctx context.Context, userID int64) ([]model.PushSubscription, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+pushColumns+` FROM push_subscriptions WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: push subscriptions: %w", err)
	}
	defer rows.Close()
	var out []model.PushSubscription
	for rows.Next() {
		p, err := scanPush(rows)
		if err != nil {
			return nil, fmt.Errorf("db: push subscriptions: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// UserPushSubscription returns one of the user's subscriptions.
func (s *Store) UserPushSubscription(ctx context.Context, userID, id int64) (model.PushSubscription, error) {
	p, err := scanPush(s.r.QueryRowContext(ctx,
		`SELECT `+pushColumns+` FROM push_subscriptions WHERE id = ? AND user_id = ?`, id, userID))
	if err != nil {
		return model.PushSubscription{}, fmt.Errorf("db: push subscription: %w", notFound(err))
	}
	return p, nil
}

// DeleteUserPushSubscription removes one of the user's subscriptions.
func (s *Store) DeleteUserPushSubscription(ctx context.Context, userID, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("db: delete push subscription: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeletePushSubscription removes a subscription the push service said is gone.
func (s *Store) DeletePushSubscription(ctx context.Context, id int64) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("db: delete push subscription: %w", err)
	}
	return nil
}

// PushTarget is a subscription of a room member who might be notified of a
// new message, with what decides it.
type PushTarget struct {
	Subscription model.PushSubscription
	Involvement  model.Involvement
	// Unread is how many of the user's rooms are unread: the app badge.
	Unread int
}

// PushTargets lists the subscriptions of the room's members other than the
// author whose involvement can ask for a push at all.
func (s *Store) PushTargets(ctx context.Context, roomID, authorID int64) ([]PushTarget, error) {
	rows, err := s.r.QueryContext(ctx, pushTargetsSQL, roomID, authorID)
	if err != nil {
		return nil, fmt.Errorf("db: push targets: %w", err)
	}
	defer rows.Close()
	var out []PushTarget
	for rows.Next() {
		var t PushTarget
		var created int64
		sub := &t.Subscription
		if err := rows.Scan(&sub.ID, &sub.UserID, &sub.Endpoint, &sub.P256dh, &sub.Auth, &sub.UserAgent, &created,
			&t.Involvement, &t.Unread); err != nil {
			return nil, fmt.Errorf("db: push targets: %w", err)
		}
		sub.CreatedAt = Time(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// pushTargetsSQL runs on every post, so its join order is fixed: the room's
// memberships, then each member's subscriptions by index, then the user. Left
// to itself, with statistics of a real account, the planner scanned every
// user for each post.
const pushTargetsSQL = `
	SELECT p.id, p.user_id, p.endpoint, p.p256dh_key, p.auth_key, p.user_agent, p.created_at, m.involvement,
	       (SELECT count(*) FROM memberships um
	        WHERE um.user_id = m.user_id AND um.unread_at IS NOT NULL AND um.involvement != 'invisible')
	FROM memberships m
	CROSS JOIN push_subscriptions p ON p.user_id = m.user_id
	CROSS JOIN users u ON u.id = m.user_id
	WHERE m.room_id = ? AND m.user_id != ? AND m.involvement IN ('everything', 'mentions')
	  AND u.status = 'active'
	ORDER BY p.id`

// UnreadRoomCount is how many of the user's rooms are unread.
func (s *Store) UnreadRoomCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `
		SELECT count(*) FROM memberships WHERE user_id = ? AND unread_at IS NOT NULL AND involvement != 'invisible'`,
		userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: unread rooms: %w", err)
	}
	return n, nil
}
