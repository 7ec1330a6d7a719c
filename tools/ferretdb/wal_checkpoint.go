package main

// SQLite in WAL mode copies the log back into the database file ("checkpoints") from inside a commit:
// by default the commit that takes the log past 1,000 pages does it, and the client waiting for that
// commit waits for the copy and two fsyncs. On a large file the copy writes pages scattered over
// the file (every circle's place in the `_id` indexes), and about one send in a hundred met such a
// commit: a send's p99 at the database was 10-13.5 ms with 1,000,000 stored messages against
// 7.3-7.8 ms with none, and 3.5-4 ms at both sizes once checkpoints left the commit path
// (docs/performance.md, "Checkpoints off the commit path").
//
// So FerretDB's connections checkpoint only as a fallback (main.go raises wal_autocheckpoint), and
// this loop checkpoints every database in the data directory from its own connection, in PASSIVE
// mode: it never blocks a writer or a reader. While a database is being written it runs every
// 20 ms; each run then copies a few dozen pages, and often enough it finds the log fully copied, so
// the next writer starts the log over from the beginning and the -wal file stays small. The pace is
// measured (200 sends/s on 1,000,000 stored messages, 35 s): every 5 ms, 1,389 restarts and at most
// 534 pages of log; every 20 ms, 391 and 647; every 50 ms, 100 and 3,241; every 100 ms, 14 and 9,955,
// at the fallback's door (a log can only restart when a checkpoint has caught up with the last
// commit). A send's p99 was the same at every pace; fewer runs mean fewer fsyncs. An idle database
// is looked at less and less often, down to twice a second. RESTART and TRUNCATE checkpoints, which force the
// log to start over, are not used: tried from this loop, they held FerretDB's writers back for
// seconds and some writes failed with SQLITE_BUSY.

import (
	"context"
	"database/sql"
	"log"
	"net/url"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite"
)

const (
	// checkpointBusyEvery is the pace while a database is being written.
	checkpointBusyEvery = 20 * time.Millisecond
	// checkpointIdleMax is the slowest pace, for a database nobody writes.
	checkpointIdleMax = 500 * time.Millisecond
	// checkpointSweepEvery is how often the data directory is listed for new or dropped databases.
	checkpointSweepEvery = time.Second
	// walWarnFrames is a log the loop cannot keep short (~100 MB of 4 KiB pages): worth a line.
	walWarnFrames = 25_000
)

type walDatabase struct {
	db       *sql.DB
	inode    uint64
	next     time.Time
	pause    time.Duration
	lastLog  int
	warned   bool
	failures int
}

func runCheckpointer(ctx context.Context, dir string) {
	databases := map[string]*walDatabase{}
	defer func() {
		for _, d := range databases {
			_ = d.db.Close()
		}
	}()
	var lastSweep time.Time
	for {
		now := time.Now()
		if now.Sub(lastSweep) >= checkpointSweepEvery {
			sweepCheckpointDatabases(dir, databases)
			lastSweep = now
		}
		next := lastSweep.Add(checkpointSweepEvery)
		for path, d := range databases {
			if !now.Before(d.next) {
				checkpointOnce(path, d)
			}
			if d.next.Before(next) {
				next = d.next
			}
		}
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// sweepCheckpointDatabases opens a connection to each new database and closes the ones whose file
// was dropped or replaced (a dropped database's space is freed only once every handle is closed).
func sweepCheckpointDatabases(dir string, databases map[string]*walDatabase) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return
	}
	present := map[string]bool{}
	for _, path := range files {
		inode, ok := inodeOf(path)
		if !ok {
			continue
		}
		present[path] = true
		if d, open := databases[path]; open {
			if d.inode == inode {
				continue
			}
			_ = d.db.Close()
			delete(databases, path)
		}
		// mode=rw: never create a database FerretDB has just dropped.
		uri := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=rw&_pragma=busy_timeout(1000)&_pragma=journal_mode(wal)"
		db, err := sql.Open("sqlite", uri)
		if err != nil {
			continue
		}
		db.SetMaxOpenConns(1)
		databases[path] = &walDatabase{db: db, inode: inode, next: time.Now(), pause: checkpointBusyEvery}
	}
	for path, d := range databases {
		if !present[path] {
			_ = d.db.Close()
			delete(databases, path)
		}
	}
}

func checkpointOnce(path string, d *walDatabase) {
	var busy, logFrames, copied int
	if err := d.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied); err != nil {
		d.failures++
		if d.failures == 1 || d.failures%1000 == 0 {
			log.Printf("kring checkpoint: %s: %v (%d failures; SQLite's own checkpoints take over)", filepath.Base(path), err, d.failures)
		}
		d.pause = checkpointIdleMax
		d.next = time.Now().Add(d.pause)
		return
	}
	d.failures = 0
	if busy != 0 {
		// Another checkpoint (a FerretDB connection's fallback) holds the lock: try again soon.
		d.pause = checkpointBusyEvery
		d.next = time.Now().Add(d.pause)
		return
	}
	if logFrames >= walWarnFrames && !d.warned {
		d.warned = true
		log.Printf("kring checkpoint: %s: the write-ahead log holds %d pages; it starts over once the writes pause", filepath.Base(path), logFrames)
	} else if logFrames < walWarnFrames/2 {
		d.warned = false
	}
	// logFrames is 0 once the log has started over and nothing was written since; an unchanged,
	// fully copied log means no commit since the last run either.
	idle := logFrames <= 0 || (logFrames == d.lastLog && copied == logFrames)
	if idle {
		d.pause = min(d.pause*2, checkpointIdleMax)
	} else {
		d.pause = checkpointBusyEvery
	}
	d.lastLog = logFrames
	d.next = time.Now().Add(d.pause)
}
