package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"

	"github.com/campfire-go/campfire/internal/model"
)

// BanUser bans an active person: a ban row for each public address among
// their sign-ins, every sign-in ended, their devices forgotten, status banned.
// Addresses that are not public (a private network, loopback, link-local, a
// proxy's own address) are skipped: banning one would lock out everybody
// behind it. It returns the addresses banned. Removing the person's messages
// is the caller's next step, one published removal at a time.
func (s *Store) BanUser(ctx context.Context, userID int64) ([]string, error) {
	defer s.forgetSignIns()
	defer s.bannedIPs.reset()
	var banned []string
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var role model.Role
		err := tx.QueryRowContext(ctx, `
			SELECT role FROM users WHERE id = ? AND status IN ('active', 'banned') AND role != 'bot'`, userID).Scan(&role)
		if err != nil {
			return notFound(err)
		}
		if role == model.RoleAdministrator {
			if err := ensureOtherAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT ip_address FROM user_sessions WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		var ips []string
		for rows.Next() {
			var ip string
			if err := rows.Scan(&ip); err != nil {
				rows.Close()
				return err
			}
			ips = append(ips, ip)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		t := now()
		for _, raw := range ips {
			ip, ok := PublicIP(raw)
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO bans (user_id, ip_address, created_at)
				SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM bans WHERE user_id = ?1 AND ip_address = ?2)`,
				userID, ip, t); err != nil {
				return err
			}
			banned = append(banned, ip)
		}
		for _, q := range []string{
			`DELETE FROM user_sessions WHERE user_id = ?`,
			`DELETE FROM push_subscriptions WHERE user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET status = 'banned', updated_at = ? WHERE id = ?`, t, userID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrLastAdministrator) {
		return nil, fmt.Errorf("db: ban user: %w", err)
	}
	return banned, err
}

// UnbanUser lifts a ban: the addresses are free again and the person may sign
// in. Their removed messages stay removed. A person who is not banned is
// ErrNotFound.
func (s *Store) UnbanUser(ctx context.Context, userID int64) error {
	defer s.forgetSignIns()
	defer s.bannedIPs.reset()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE users SET status = 'active', updated_at = ? WHERE id = ? AND status = 'banned'`, now(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM bans WHERE user_id = ?`, userID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("db: unban user: %w", err)
	}
	return err
}

// IsBannedIP reports whether requests from the address are refused. Every
// request that changes something asks, so the answer is remembered per
// address (memo.go) until a ban or unban, or ForgetRemembered.
func (s *Store) IsBannedIP(ctx context.Context, ip string) (bool, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false, nil
	}
	key := addr.Unmap().String()
	if banned, ok := s.bannedIPs.get(key); ok {
		return banned, nil
	}
	gen := s.bannedIPs.begin()
	var banned bool
	err = s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM bans WHERE ip_address = ?)`, key).Scan(&banned)
	if err != nil {
		return false, fmt.Errorf("db: is banned ip: %w", err)
	}
	s.bannedIPs.put(key, banned, gen)
	return banned, nil
}

// BannedIPs lists the addresses banned because of a user.
func (s *Store) BannedIPs(ctx context.Context, userID int64) ([]string, error) {
	ips, err := scanStrings(s.r.QueryContext(ctx, `SELECT ip_address FROM bans WHERE user_id = ? ORDER BY ip_address`, userID))
	if err != nil {
		return nil, fmt.Errorf("db: banned ips: %w", err)
	}
	return ips, nil
}

// sharedPrefixes are ranges whose addresses stand for many people or for
// the network itself rather than for one visitor: carrier-grade NAT, "this
// network", reserved and broadcast.
var sharedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

// PublicIP parses an address and reports whether it may be banned, in its
// canonical form (IPv4-mapped IPv6 unmapped, zones dropped). Private,
// loopback, link-local, unspecified, multicast, carrier-grade NAT and reserved
// addresses are not public. The documentation ranges (192.0.2.0/24,
// 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as public: they never
// reach a real server, and RFC 5737 sets them aside for examples and tests.
func PublicIP(s string) (string, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	addr = addr.Unmap().WithZone("")
	if addr.IsPrivate() || addr.IsLoopback() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return "", false
	}
	for _, p := range sharedPrefixes {
		if p.Contains(addr) {
			return "", false
		}
	}
	return addr.String(), true
}

// MessagesByCreator returns every message a user wrote, oldest first, for
// removing them one by one when the user is banned.
func (s *Store) MessagesByCreator(ctx context.Context, userID int64) ([]model.Message, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+messageColumns+` FROM `+messageFrom+`
		WHERE m.creator_id = ? ORDER BY m.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: messages by creator: %w", err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("db: messages by creator: %w", err)
	}
	return msgs, nil
}
