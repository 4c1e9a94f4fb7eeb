// A local S3-compatible object server for runs without containers: gofakes3 over a bbolt file,
// so stored documents survive a restart. Loopback only; production runs MinIO or SeaweedFS.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3bolt"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8333", "address of the S3 API")
	dbFile := flag.String("db", "objects.db", "bbolt file holding buckets and objects")
	buckets := flag.String("bucket", "", "bucket to create at start if missing")
	flag.Parse()

	backend, err := s3bolt.NewFile(*dbFile)
	if err != nil {
		log.Fatalf("open %s: %v", *dbFile, err)
	}
	if *buckets != "" {
		if err := backend.CreateBucket(*buckets); err != nil && !gofakes3.IsAlreadyExists(err) {
			log.Fatalf("create bucket %s: %v", *buckets, err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(false))
	server := &http.Server{Addr: *listen, Handler: faker.Server(), ReadHeaderTimeout: 10 * time.Second}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	log.Printf("S3 API on http://%s, data in %s", *listen, *dbFile)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
