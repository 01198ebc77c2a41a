package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/app"
	"golang.org/x/crypto/bcrypt"
)

// resetPassword gives a person a new random password and prints it.
func resetPassword(ctx context.Context, cfg app.Config, email string, stdout io.Writer) error {
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.ActiveUserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no active person with email %s", email)
	}
	password := rand.Text()
	digest, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	if err := store.SetPassword(ctx, u.ID, string(digest)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New password for %s: %s\n", u.Email, password)
	return nil
}
