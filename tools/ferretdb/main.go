// Command kring-ferretdb runs FerretDB 1.24 embedded as a library, so that the
// project needs neither Docker nor a MongoDB install on a developer machine.
//
// `go install .../cmd/ferretdb@v1.24.2` produces a binary that panics at start
// (it expects a generated version file), which is why we embed the package.
//
// It is built against a copy of FerretDB (packages/devstack/src/ferretdb-overlay.ts) that adds
// _overlay/pool/kring_maintenance.go to FerretDB's SQLite pool: checkpoints off the commit path and
// the `_id` index FerretDB's pushdown query can use.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	sqliteDir := flag.String("sqlite-dir", "", "directory for SQLite databases (handler=sqlite)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL (handler=postgresql)")
	sqliteSynchronous := flag.String("sqlite-synchronous", "normal", "SQLite synchronous pragma: normal (WAL fsynced at checkpoints) or full (fsync per commit)")
	flag.Parse()

	config := ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Handler:  *handler,
	}
	switch *handler {
	case "sqlite":
		if *sqliteDir == "" {
			log.Fatal("-sqlite-dir is required with -handler=sqlite")
		}
		if err := os.MkdirAll(*sqliteDir, 0o755); err != nil {
			log.Fatalf("cannot create %s: %v", *sqliteDir, err)
		}
		if *sqliteSynchronous != "normal" && *sqliteSynchronous != "full" {
			log.Fatalf("-sqlite-synchronous must be normal or full, got %q", *sqliteSynchronous)
		}
		// FerretDB opens every database in WAL mode and leaves synchronous at SQLite's default, FULL:
		// an fsync of the WAL on every commit, and commits take one write lock in turn, so writes
		// queue behind the disk (~2-7 ms per fsync here). NORMAL in WAL mode still survives a crash of
		// this process or of Kring (a commit is in the WAL file when it returns); a power loss or an
		// OS crash may lose the last commits before the next checkpoint: the same promise as
		// MongoDB's default write concern, whose journal is flushed every 100 ms. FerretDB keeps
		// its own busy_timeout/journal_mode/auto_vacuum defaults, as it adds them to this URL.
		// See ARCHITECTURE.md, "The database".
		//
		// wal_autocheckpoint: checkpoints run off the commit path, in a loop inside FerretDB's pool
		// (_overlay/pool/kring_maintenance.go); a connection checkpoints in its commit only if the log
		// passes 10,000 pages (~40 MB). journal_size_limit: once the log starts over, a -wal file grown
		// past 64 MB is cut back.
		config.SQLiteURL = "file:" + *sqliteDir + "/?_pragma=synchronous(" + *sqliteSynchronous + ")" +
			"&_pragma=wal_autocheckpoint(10000)&_pragma=journal_size_limit(67108864)"
	case "postgresql":
		if *postgresURL == "" {
			log.Fatal("-postgresql-url is required with -handler=postgresql")
		}
		config.PostgreSQLURL = *postgresURL
	default:
		log.Fatalf("unknown handler %q (use sqlite or postgresql)", *handler)
	}

	db, err := ferretdb.New(&config)
	if err != nil {
		log.Fatalf("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The launcher waits for this line (and then pings) before it starts the server.
	fmt.Printf("ferretdb listening %s\n", db.MongoDBURI())
	db.Run(ctx)
}
