package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"

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

// backup writes a consistent copy of the database, safe while the server runs.
func backup(ctx context.Context, cfg app.Config, dest string, stdout io.Writer) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", dest)
	}
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, dest); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s\n", cfg.DBPath, dest)
	return nil
}
