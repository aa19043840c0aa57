// Command ferretdb-embedded runs FerretDB v1 (MongoDB wire protocol on top of
// SQLite or PostgreSQL) by embedding the github.com/FerretDB/FerretDB/ferretdb
// package. Embedding avoids the generated build/version/version.txt file that
// `go install .../cmd/ferretdb` requires (it panics at start without it).
//
// Usage:
//
//	ferretdb --listen-addr 127.0.0.1:27017 --handler sqlite --sqlite-url file:./data/
//	ferretdb --listen-addr 127.0.0.1:27017 --handler postgresql --postgresql-url postgres://postgres@127.0.0.1:5432/app
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (host:port; port 0 = random)")
	handler := flag.String("handler", "sqlite", "backend handler: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite URI of a directory (must end with /)")
	postgresqlURL := flag.String("postgresql-url", "postgres://postgres@127.0.0.1:5432/ferretdb", "PostgreSQL connection URL")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error (warn dumps every error reply)")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "shut down when stdin is closed (lets a parent process that dies take this one with it)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fatal("invalid --log-level %q: %v", *logLevel, err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:   logger,
		Handler:  *handler,
	}

	switch *handler {
	case "sqlite":
		cfg.SQLiteURL = *sqliteURL
	case "postgresql":
		cfg.PostgreSQLURL = *postgresqlURL
	default:
		fatal("invalid --handler %q: want sqlite or postgresql", *handler)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fatal("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if *stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until the listener is bound, so this line means "ready".
	fmt.Fprintf(os.Stderr, "ferretdb: listening on %s (handler %s)\n", f.MongoDBURI(), *handler)

	if err = <-done; err != nil {
		fatal("%v", err)
	}

	fmt.Fprintln(os.Stderr, "ferretdb: stopped")
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
