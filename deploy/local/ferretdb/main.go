// Command ferretdb runs FerretDB (MongoDB wire protocol over PostgreSQL or SQLite) for local runs
// and tests.
//
// It embeds github.com/FerretDB/FerretDB/ferretdb instead of `go install`-ing the upstream
// command, whose binary panics at start without a generated version file. FerretDB itself listens
// on a private Unix socket; clients reach it through the gate (gate.go) on the TCP address.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // CPU profiles for the benchmark, only when -profile-addr is given
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	backend := flag.String("backend", "sqlite", "storage: postgresql or sqlite")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL (backend postgresql)")
	dataDir := flag.String("data", "./data", "SQLite data directory (backend sqlite)")
	writeTimeout := flag.Duration("write-timeout", 30*time.Second,
		"how long a write may wait for its collection's gate, and for FerretDB's answer")
	profileAddr := flag.String("profile-addr", "",
		"serve Go's CPU profiles (/debug/pprof/) on this local address; off when empty")
	flag.Parse()

	if *profileAddr != "" {
		go func() { log.Print(http.ListenAndServe(*profileAddr, nil)) }()
	}

	config := &ferretdb.Config{Handler: *backend, PostgreSQLURL: *postgresURL}
	switch *backend {
	case "postgresql":
		if *postgresURL == "" {
			log.Fatal("-postgresql-url is required with -backend postgresql")
		}
	case "sqlite":
		if err := os.MkdirAll(*dataDir, 0o750); err != nil {
			log.Fatal(err)
		}
		// WAL with synchronous=NORMAL: a commit survives a crash of any process; only a power
		// loss may drop the last ones. A write then costs no fsync, which local runs can afford.
		config.SQLiteURL = "file:" + *dataDir + "/?_pragma=synchronous(normal)"
	default:
		log.Fatalf("unknown backend %q", *backend)
	}

	socketDir, err := os.MkdirTemp("", "ferretdb-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(socketDir)
	socket := filepath.Join(socketDir, "ferretdb.sock")

	config.Listener = ferretdb.ListenerConfig{Unix: socket}
	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		if err := newGate(socket, *writeTimeout).serve(listener); err != nil && ctx.Err() == nil {
			log.Fatal(err)
		}
	}()

	log.Printf("ferretdb listening on %s, backend %s", *listen, *backend)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
	listener.Close()
}
