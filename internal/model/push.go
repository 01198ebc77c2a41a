package model

import "time"

// PushSubscription is one browser's Web Push subscription. Its keys are the
// browser's secrets: only the push sender sees them, views get a PushDevice.
type PushSubscription struct {
	ID        int64
	UserID    int64
	Endpoint  string
	P256dh    string
	Auth      string
	UserAgent string
	CreatedAt time.Time
}

// PushDevice is a subscription as its owner's list of devices shows it.
type PushDevice struct {
	ID        int64
	UserAgent string
	CreatedAt time.Time
}

// Device is the subscription without its endpoint and keys.
func (p PushSubscription) Device() PushDevice {
	return PushDevice{ID: p.ID, UserAgent: p.UserAgent, CreatedAt: p.CreatedAt}
}
