// Command ferretdb runs FerretDB (MongoDB wire protocol over SQLite) for local runs and tests.
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
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "./data", "SQLite data directory")
	flag.Parse()

	if err := os.MkdirAll(*dataDir, 0o750); err != nil {
		log.Fatal(err)
	}

	socketDir, err := os.MkdirTemp("", "ferretdb-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(socketDir)
	socket := filepath.Join(socketDir, "ferretdb.sock")

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{Unix: socket},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a commit survives a crash of any process; only a power
		// loss may drop the last ones. A write then costs no fsync, which local runs can afford.
		SQLiteURL: "file:" + *dataDir + "/?_pragma=synchronous(normal)",
	})
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
		if err := (&gate{upstream: socket}).serve(listener); err != nil && ctx.Err() == nil {
			log.Fatal(err)
		}
	}()

	log.Printf("ferretdb listening on %s, data in %s", *listen, *dataDir)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
	listener.Close()
}
