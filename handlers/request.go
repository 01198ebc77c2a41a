package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/campfire-go/campfire/internal/model"
)

type contextKey int

const (
	userKey contextKey = iota
	nonceKey
)

func withUser(ctx context.Context, u model.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// currentUser is the signed-in person of the request, if any.
func currentUser(ctx context.Context) (model.User, bool) {
	u, ok := ctx.Value(userKey).(model.User)
	return u, ok
}

// mustUser is the signed-in person of a request that passed requireUser.
// Without one the handler was mounted outside requireUser: it panics (a 500
// from recoverPanics) rather than act for a zero user, id 0.
func mustUser(r *http.Request) model.User {
	u, ok := currentUser(r.Context())
	if !ok {
		panic("handlers: no signed-in person on " + r.URL.Path + "; route it behind requireUser")
	}
	return u
}

func nonceFrom(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey).(string)
	return n
}

var errBadID = errors.New("bad id")

// pathID reads a positive integer id from the route.
func pathID(r *http.Request, name string) (int64, error) {
	return parseID(chi.URLParam(r, name))
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errBadID
	}
	return id, nil
}

// queryID reads an optional positive id from the query string: 0 when absent.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	return parseID(v)
}

func contextWithNonce(ctx context.Context, nonce string) context.Context {
	return context.WithValue(ctx, nonceKey, nonce)
}
