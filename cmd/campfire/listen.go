package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/campfire-go/campfire/internal/botlisten"
)

const listenUsage = `usage: campfire listen URL [--exec CMD] [--cursor FILE] [--timeout 1m]

URL is the bot's event stream, as its page under /account/bots shows it:
https://chat.example.com/bots/KEY/events. Every event is printed as one JSON
line. With --exec, CMD runs (with /bin/sh) for every message that mentions the
bot or is in one of its direct rooms, one at a time per room, with the message
JSON on its standard input; what it prints is posted as the bot's reply.
--cursor keeps the last event handled in FILE, so a restarted listener picks
up where it stopped.
`

// listen runs `campfire listen`. Flags may come before or after the URL.
func listen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o botlisten.Options
	fs.StringVar(&o.Exec, "exec", "", "command answering messages addressed to the bot")
	fs.StringVar(&o.CursorFile, "cursor", "", "file keeping the last event handled")
	fs.DurationVar(&o.Timeout, "timeout", time.Minute, "longest one run of the command may take")
	var urls []string
	for {
		if err := fs.Parse(args); err != nil {
			return fmt.Errorf("%v\n\n%s", err, listenUsage)
		}
		if fs.NArg() == 0 {
			break
		}
		urls = append(urls, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(urls) != 1 {
		return errors.New(listenUsage)
	}
	o.URL, o.Out = urls[0], stdout
	o.Log = slog.New(slog.NewTextHandler(stderr, nil))
	return botlisten.Run(ctx, o)
}
