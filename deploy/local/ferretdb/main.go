// Command c360-ferretdb runs embedded FerretDB v1.24 with the SQLite backend.
//
// It exists because `go install .../cmd/ferretdb@v1.24.2` panics at start
// (build/version/version.txt is not part of the module), while the embeddable
// package skips that check when it is not the main module. The Customer 360
// local launcher (deploy/local/ferretdb.py) builds and runs this binary.
//
// FerretDB itself listens on a private loopback port; clients reach it through
// the front (front.go), which runs FerretDB's read-modify-write commands one at
// a time per document (per collection when they do not name it by _id), so that
// single-document updates are atomic, as on MongoDB.
//
// Flags fall back to environment variables so the Python launcher and a human
// can both drive it:
//
//	-listen-addr  C360_FERRETDB_LISTEN_ADDR  (default 127.0.0.1:27017)
//	-data-dir     C360_FERRETDB_DATA_DIR     (default ./ferretdb-data)
//	-log-level    C360_FERRETDB_LOG_LEVEL    (debug|info|warn|error, default info)
//	-slow-ms      C360_FERRETDB_SLOW_MS      (log commands at least this slow; default 0, none)
//	-no-guarded-rewrite  C360_FERRETDB_NO_GUARDED_REWRITE  (forward compare-and-sets unchanged)
//	-no-id-index  C360_FERRETDB_NO_ID_INDEX  (leave lookups by _id scanning; see idindex.go)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

// ferretDBVersion is reported to clients (buildInfo); keep in sync with go.mod.
const ferretDBVersion = "v1.24.2"

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(strings.ToUpper(s)))
	return l, err
}

// sqliteURL turns a directory into the "file:" URI FerretDB wants
// (absolute, trailing slash, escaped).
func sqliteURL(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}
	return u.String(), nil
}

func run() error {
	listenAddr := flag.String("listen-addr", envOr("C360_FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"),
		"TCP address for the MongoDB wire protocol")
	dataDir := flag.String("data-dir", envOr("C360_FERRETDB_DATA_DIR", "ferretdb-data"),
		"directory for SQLite database files (created if missing)")
	logLevel := flag.String("log-level", envOr("C360_FERRETDB_LOG_LEVEL", "info"),
		"log level: debug, info, warn, error")
	slowMS := flag.Int("slow-ms", envInt("C360_FERRETDB_SLOW_MS", 0),
		"log commands that take at least this many milliseconds (0: none)")
	noRewrite := flag.Bool("no-guarded-rewrite", os.Getenv("C360_FERRETDB_NO_GUARDED_REWRITE") != "",
		"forward compare-and-set updates as they came instead of answering them by _id")
	noIDIndex := flag.Bool("no-id-index", os.Getenv("C360_FERRETDB_NO_ID_INDEX") != "",
		"do not add the _id index FerretDB's lookups by _id can use (idindex.go), e.g. to compare")
	pprofAddr := flag.String("pprof-addr", os.Getenv("C360_FERRETDB_PPROF_ADDR"),
		"serve Go's profiler (net/http/pprof) on this address, e.g. to see where the store spends its CPU (empty: off)")
	showVersion := flag.Bool("version", false, "print version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println("c360-ferretdb (embedded FerretDB " + ferretDBVersion + ", sqlite)")
		return nil
	}

	level, err := parseLevel(*logLevel)
	if err != nil {
		return fmt.Errorf("bad -log-level %q: %w", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	if err = os.MkdirAll(*dataDir, 0o755); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	sqlite, err := sqliteURL(*dataDir)
	if err != nil {
		return err
	}

	// The embedded package reports "unknown"; give clients a real version.
	version.Get().Version = ferretDBVersion

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqlite,
	})
	if err != nil {
		return err
	}

	if *pprofAddr != "" {
		go servePprof(*pprofAddr, logger)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("starting c360-ferretdb", "version", ferretDBVersion, "listen", *listenAddr, "sqlite", sqlite, "pid", os.Getpid())

	done := make(chan error, 2)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI blocks until FerretDB's own listener is bound.
	backend, err := url.Parse(f.MongoDBURI())
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listenAddr)
	if err != nil {
		stop()
		<-done
		return err
	}
	fr := newFront(func() (net.Conn, error) { return net.Dial("tcp", backend.Host) }, logger)
	fr.slow = time.Duration(*slowMS) * time.Millisecond
	fr.noRewrite = *noRewrite
	if !*noIDIndex {
		dataAbs, err := filepath.Abs(*dataDir)
		if err != nil {
			return err
		}
		fr.ids = newIDIndexer(dataAbs, logger)
		go fr.ids.run(ctx)
	}
	go func() { done <- fr.serve(ctx, ln) }()
	logger.Info("listening", "uri", "mongodb://"+ln.Addr().String()+"/", "ferretdb", backend.Host)

	// Either side stopping (a signal, or a failure) stops the other.
	err = <-done
	stop()
	if second := <-done; err == nil || errors.Is(err, context.Canceled) {
		err = second
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "c360-ferretdb:", err)
		os.Exit(1)
	}
}
