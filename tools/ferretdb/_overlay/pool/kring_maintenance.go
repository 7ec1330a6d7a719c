// Kring's addition to FerretDB 1.24.2's SQLite connection pool, compiled into FerretDB's own
// package (internal/backends/sqlite/metadata/pool): the build copies the module, adds this file and
// the two calls listed in patches.json beside it, and builds against the copy
// (packages/devstack/src/ferretdb-overlay.ts). The directory starts with "_", so the Go tool never
// builds it as a package of ours.
//
// Why inside the pool: both jobs below need a connection to each database file. A connection of our
// own, outside the pool, outlives FerretDB's dropDatabase (the pool closes its connections and
// deletes the .sqlite file, but our connection keeps the -wal and -shm files), and a database created
// again under the same name then read the old log: "no such table" in CI (docs/performance.md,
// "Checkpoints off the commit path"). Here every statement runs on the pool's own connections, under
// the pool's read lock, and re-checks that the database is still the pool's: Drop, which takes the
// write lock, waits for a running statement and is never raced.
//
// 1. Checkpoints off the commit path. In WAL mode SQLite copies the log back into the database file
//    from inside the commit that takes the log past 1,000 pages, and the client waiting for that
//    commit waits for the copy and two fsyncs. On a large file the copied pages are scattered (every
//    circle has its place in the `_id` indexes): a send's p99 at the database was 10-13.5 ms with
//    1,000,000 stored messages against 7.3-7.8 ms with none, and 3.5-4.2 ms at both sizes with
//    checkpoints run apart from the commits. So this loop checkpoints each database in PASSIVE mode
//    (it never waits for, or blocks, a reader or a writer) every 20 ms while the database is being
//    written; SQLite's own checkpoints stay as a fallback at 10,000 pages (main.go). Each run copies a
//    few dozen pages and often finds the log fully copied, so the next writer starts the log over and
//    the -wal file stays at a few MB. Measured pace (200 sends/s, 1,000,000 stored, 35 s): every 5 ms,
//    1,389 restarts and at most 534 pages of log; every 20 ms, 391 and 647; every 100 ms, 14 and
//    9,955. An idle database is looked at less and less often, down to twice a second.
//
// 2. The `_id` index FerretDB forgot. FerretDB pushes a `{_id: value}` filter down as
//    `WHERE _ferretdb_sjson->'$._id' = ?` but builds its `_id_` index on `_ferretdb_sjson->"_id"`, and
//    SQLite uses an expression index only for the same expression: every `_id` point read, update and
//    delete scanned the table. Once a second this loop adds `<table>__id_pushdown ON <table>
//    (_ferretdb_sjson->'$._id')` to every collection table that lacks it (EXPLAIN: "SEARCH … USING
//    INDEX"). FerretDB keeps its index list in its own metadata table, so clients never see it.

package pool

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/internal/util/fsql"
)

const (
	// kringBusyEvery is the checkpoint pace while a database is being written.
	kringBusyEvery = 20 * time.Millisecond
	// kringIdleMax is the slowest checkpoint pace, for a database nobody writes.
	kringIdleMax = 500 * time.Millisecond
	// kringIndexEvery is how often new collection tables get their `_id` index.
	kringIndexEvery = time.Second
	// kringWarnFrames is a log this loop cannot keep short (~100 MB of 4 KiB pages): worth a line.
	kringWarnFrames = 25_000
	// kringStatementTimeout bounds a checkpoint or the list of collections (a PASSIVE checkpoint
	// does not wait for locks). CREATE INDEX has none: on a large table made by a FerretDB without
	// this loop it takes long once, and cut short it would start again every second.
	kringStatementTimeout = 10 * time.Second
	// kringMetadataTable is FerretDB's list of collections (metadata.metadataTableName).
	kringMetadataTable = "_ferretdb_collections"
)

type kringLoop struct {
	stop chan struct{}
	done chan struct{}
}

// kringLoops holds each pool's loop; a package map keeps FerretDB's Pool struct as it is.
var kringLoops sync.Map // *Pool → *kringLoop

type kringDatabase struct {
	next     time.Time
	pause    time.Duration
	lastLog  int
	warned   bool
	failures int
	indexed  map[string]bool
}

// kringStart starts the loop for a pool of files (New calls it; not for in-memory databases).
func kringStart(p *Pool) {
	if p.memory() {
		return
	}
	loop := &kringLoop{stop: make(chan struct{}), done: make(chan struct{})}
	kringLoops.Store(p, loop)
	go loop.run(p)
}

// kringStop stops the loop and waits for it (Close calls it before taking the write lock).
func kringStop(p *Pool) {
	value, ok := kringLoops.LoadAndDelete(p)
	if !ok {
		return
	}
	loop := value.(*kringLoop)
	close(loop.stop)
	<-loop.done
}

func (loop *kringLoop) run(p *Pool) {
	defer close(loop.done)
	databases := map[*fsql.DB]*kringDatabase{}
	var lastIndex time.Time
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-loop.stop:
			return
		case <-timer.C:
		}
		now := time.Now()
		isIndexTime := now.Sub(lastIndex) >= kringIndexEvery
		if isIndexTime {
			lastIndex = now
		}
		next := lastIndex.Add(kringIndexEvery)

		p.rw.RLock()
		current := make(map[string]*fsql.DB, len(p.dbs))
		for name, db := range p.dbs {
			current[name] = db
		}
		p.rw.RUnlock()

		live := make(map[*fsql.DB]bool, len(current))
		for name, db := range current {
			live[db] = true
			d := databases[db]
			if d == nil {
				d = &kringDatabase{next: now, pause: kringBusyEvery, indexed: map[string]bool{}}
				databases[db] = d
			}
			if isIndexTime {
				p.kringWithDatabase(name, db, func() { kringIndex(p.l, name, db, d) })
			}
			if !now.Before(d.next) {
				p.kringWithDatabase(name, db, func() { kringCheckpoint(p.l, name, db, d) })
			}
			if d.next.Before(next) {
				next = d.next
			}
		}
		for db := range databases {
			if !live[db] {
				delete(databases, db) // dropped
			}
		}
		timer.Reset(time.Until(next))
	}
}

// kringWithDatabase runs f under the pool's read lock if name is still this open database (not
// dropped, nor dropped and created again meanwhile).
func (p *Pool) kringWithDatabase(name string, db *fsql.DB, f func()) {
	p.rw.RLock()
	defer p.rw.RUnlock()
	if p.dbs[name] != db {
		return
	}
	f()
}

func kringCheckpoint(l *slog.Logger, name string, db *fsql.DB, d *kringDatabase) {
	ctx, cancel := context.WithTimeout(context.Background(), kringStatementTimeout)
	defer cancel()
	var busy, logFrames, copied int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
		d.failures++
		if d.failures == 1 || d.failures%1000 == 0 {
			l.Warn("kring checkpoint failed; SQLite's own checkpoints take over",
				slog.String("db", name), slog.Int("failures", d.failures), slog.String("error", err.Error()))
		}
		d.pause = kringIdleMax
		d.next = time.Now().Add(d.pause)
		return
	}
	d.failures = 0
	if busy != 0 {
		// Another checkpoint (a connection's fallback) holds the lock: try again soon.
		d.pause = kringBusyEvery
		d.next = time.Now().Add(d.pause)
		return
	}
	if logFrames >= kringWarnFrames && !d.warned {
		d.warned = true
		l.Warn("kring checkpoint: the write-ahead log is long; it starts over once the writes pause",
			slog.String("db", name), slog.Int("pages", logFrames))
	} else if logFrames < kringWarnFrames/2 {
		d.warned = false
	}
	// logFrames is 0 once the log has started over and nothing was written since; an unchanged,
	// fully copied log means no commit since the last run either.
	idle := logFrames <= 0 || (logFrames == d.lastLog && copied == logFrames)
	if idle {
		d.pause = min(d.pause*2, kringIdleMax)
	} else {
		d.pause = kringBusyEvery
	}
	d.lastLog = logFrames
	d.next = time.Now().Add(d.pause)
}

func kringIndex(l *slog.Logger, name string, db *fsql.DB, d *kringDatabase) {
	ctx, cancel := context.WithTimeout(context.Background(), kringStatementTimeout)
	defer cancel()
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT table_name FROM %q`, kringMetadataTable))
	if err != nil {
		if !strings.Contains(err.Error(), "no such table") { // a database FerretDB is still creating
			l.Warn("kring id index: cannot list collections", slog.String("db", name), slog.String("error", err.Error()))
		}
		return
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			break
		}
		if !d.indexed[table] {
			tables = append(tables, table)
		}
	}
	_ = rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"__id_pushdown", table)
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			if !strings.Contains(err.Error(), "no such table") { // dropped meanwhile
				l.Warn("kring id index: cannot create", slog.String("db", name), slog.String("table", table), slog.String("error", err.Error()))
			}
			continue
		}
		d.indexed[table] = true
	}
}
