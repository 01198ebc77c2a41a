package handlers

import (
	"context"
	"time"
)

// sessionCheckInterval is how often open streams are checked against the
// sign-ins in the database, and the sessions and sign-ins the store
// remembers are read again. Sign-ins ended by this server close their
// streams and stop signing anyone in at once; this catches those ended
// elsewhere (`campfire reset-password`, run as another process on the same
// file).
const sessionCheckInterval = 10 * time.Second

// endRevokedStreams closes the streams whose sign-in no longer exists, and
// has the store read sessions and sign-ins again on their next use.
func (h *Handler) endRevokedStreams(ctx context.Context) error {
	h.store.ForgetRemembered()
	open := h.hub.Sessions()
	if len(open) == 0 {
		return nil
	}
	live, err := h.store.LiveSessions(ctx, open)
	if err != nil {
		return err
	}
	var ended []int64
	for _, id := range open {
		if !live[id] {
			ended = append(ended, id)
		}
	}
	if len(ended) > 0 {
		h.log.Info("streams of ended sign-ins closed", "sign_ins", len(ended))
		h.hub.DisconnectSessions(ended...)
	}
	return nil
}

// checkSessions runs endRevokedStreams until stop is closed.
func (h *Handler) checkSessions(every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), every)
			if err := h.endRevokedStreams(ctx); err != nil {
				h.log.Warn("checking the sign-ins of open streams", "error", err)
			}
			cancel()
		}
	}
}
