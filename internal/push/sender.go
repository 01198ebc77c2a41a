package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// TTL is how long (seconds) the push service keeps a notification for an
// offline device. Zero would let it drop pushes to sleeping phones.
const TTL = 86400

// ErrGone means the subscription will never accept another push (the push
// service answered 404/410, or its keys are unusable). Sender has already
// called onGone for it; callers only need it for logging or tests.
var ErrGone = errors.New("push: subscription gone")

// StatusError is a non-2xx answer other than 404/410, e.g. 413 or 429.
type StatusError struct {
	StatusCode int
	Body       string // the first few hundred bytes, for logs
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("push: push service answered %d: %s", e.StatusCode, e.Body)
}

// Subscription is one browser's PushSubscription as stored by the app.
type Subscription struct {
	ID int64
	// UserID is whose it is: the queue serves people in turn.
	UserID   int64
	Endpoint string
	P256dh   string
	Auth     string
}

// Sender signs, encrypts and posts notifications. It is safe for concurrent use.
type Sender struct {
	keys       Keys
	subscriber string
	client     *http.Client
	logger     *slog.Logger
	onGone     func(subID int64)
}

// NewSender returns a Sender. subscriber is the VAPID contact, an e-mail
// address (with or without "mailto:") or an https URL. client may be nil; in
// production pass NewClient(false) so endpoints can't reach private hosts.
// onGone, which may be nil, is called (from whichever goroutine sent) for
// every subscription that must be deleted.
func NewSender(keys Keys, subscriber string, client *http.Client, logger *slog.Logger, onGone func(subID int64)) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if onGone == nil {
		onGone = func(int64) {}
	}
	// webpush-go prefixes "mailto:" to anything that isn't https:, so a
	// caller-supplied "mailto:" would otherwise become "mailto:mailto:".
	subscriber = strings.TrimPrefix(subscriber, "mailto:")
	return &Sender{keys: keys, subscriber: subscriber, client: client, logger: logger, onGone: onGone}
}

// Send delivers p to one subscription. It returns ErrGone (after calling
// onGone) when the subscription is dead, a *StatusError for other refusals.
func (s *Sender) Send(ctx context.Context, sub Subscription, p Payload) error {
	msg, err := p.encode()
	if err != nil {
		return err
	}
	return s.send(ctx, sub, msg, p.Topic)
}

// send posts an already-encoded message. msg may be shared between
// goroutines: it is never written to.
func (s *Sender) send(ctx context.Context, sub Subscription, msg []byte, topic string) error {
	if err := ValidKeys(sub.P256dh, sub.Auth); err != nil {
		s.gone(sub, err.Error())
		return fmt.Errorf("%w: %v", ErrGone, err)
	}

	// webpush-go v1.4.0 pads by appending to the slice it is given, which
	// would scribble over (and race on) a message shared by several sends.
	own := append(make([]byte, 0, len(msg)), msg...)

	opts := &webpush.Options{
		HTTPClient:      s.client,
		Subscriber:      s.subscriber,
		VAPIDPublicKey:  s.keys.Public,
		VAPIDPrivateKey: s.keys.Private,
		TTL:             TTL,
		Urgency:         webpush.UrgencyHigh,
	}
	if validTopic(topic) {
		opts.Topic = topic
	}
	resp, err := webpush.SendNotificationWithContext(ctx, own, &webpush.Subscription{
		Endpoint: sub.Endpoint,
		Keys:     webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth},
	}, opts)
	if err != nil {
		return fmt.Errorf("push: send to subscription %d: %w", sub.ID, err)
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused and logs say why.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		s.gone(sub, resp.Status)
		return ErrGone
	default:
		return &StatusError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
	}
}

func (s *Sender) gone(sub Subscription, reason string) {
	s.logger.Info("push subscription gone", "subscription", sub.ID, "reason", reason)
	s.onGone(sub.ID)
}

// validTopic applies RFC 8030 §5.4: at most 32 characters of the URL-safe
// base64 alphabet. Anything else would make strict push services reject the
// whole message, so a bad topic is dropped rather than sent.
func validTopic(t string) bool {
	if t == "" || len(t) > 32 {
		return false
	}
	for _, c := range []byte(t) {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}
