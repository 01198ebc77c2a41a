// Command campfire is the chat server and its administrative subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/campfire-go/campfire/internal/app"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "campfire:", err)
		os.Exit(1)
	}
}

const usage = `usage: campfire [command]

commands:
  serve                  run the server (the default)
  reset-password EMAIL   set a new password for a person and print it
  backup FILE            write a consistent copy of the database to FILE
  import STORAGE_DIR     move a ONCE Campfire install into an empty database
                         (or: import --db FILE [--files DIR])
  listen URL [--exec CMD] follow a bot's event stream (campfire listen --help)
  doctor                 check the deployment (storage, database, disk, clock, domain) and say what to fix
  version                print the version
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout)
	case "reset-password":
		if len(args) != 1 {
			return fmt.Errorf("reset-password takes one email address\n\n%s", usage)
		}
		return resetPassword(ctx, cfg, args[0], stdout)
	case "backup":
		if len(args) != 1 {
			return fmt.Errorf("backup takes one file name\n\n%s", usage)
		}
		return backup(ctx, cfg, args[0], stdout)
	case "import":
		return importOnce(ctx, cfg, args, stdout)
	case "listen":
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, listenUsage)
			return nil
		}
		return listen(ctx, args, stdout, os.Stderr)
	case "doctor":
		return doctor(ctx, cfg, stdout)
	case "version":
		fmt.Fprintln(stdout, "campfire", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
}
