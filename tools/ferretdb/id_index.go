package main

// FerretDB 1.24.2's SQLite backend pushes a `{_id: value}` filter down as
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// but builds the `_id_` index on a different expression, `_ferretdb_sjson->"_id"`. SQLite only
// uses an expression index for the same expression, so every `_id` point read, update and delete
// scans the whole table (EXPLAIN QUERY PLAN: "SCAN"): a miss costs ~10 µs per stored document.
// Kring's storage addresses everything by `_id`, so we add the index the query can use,
// `<table>__id_pushdown ON <table> (_ferretdb_sjson->'$._id')` (EXPLAIN: "SEARCH … USING INDEX"),
// to every collection table, sweeping the data directory every second for new collections.
// FerretDB does not list it (its index metadata is its own table), so clients never see it.

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// collectionsTable is FerretDB's metadata table (backends.ReservedPrefix + "collections").
const collectionsTable = "_ferretdb_collections"

type indexedTable struct {
	path  string
	inode uint64
	table string
}

func runIDIndexer(ctx context.Context, dir string, every time.Duration) {
	done := map[indexedTable]bool{}
	for {
		sweepIDIndexes(dir, done)
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func inodeOf(path string) (uint64, bool) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	stat, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return stat.Ino, true
}

func sweepIDIndexes(dir string, done map[indexedTable]bool) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, path := range files {
		if err := indexDatabase(path, done); err != nil && !os.IsNotExist(err) {
			log.Printf("kring id index: %s: %v", filepath.Base(path), err)
		}
	}
}

func indexDatabase(path string, done map[indexedTable]bool) error {
	inode, ok := inodeOf(path)
	if !ok {
		return nil // dropped meanwhile
	}
	// mode=rw: never create a database FerretDB has just dropped. Same pragmas as FerretDB's pool.
	uri := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=rw&_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)"
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.Query(fmt.Sprintf(`SELECT table_name FROM %q`, collectionsTable))
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB is still creating
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()

	for _, table := range tables {
		key := indexedTable{path: path, inode: inode, table: table}
		if done[key] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"__id_pushdown", table)
		if _, err := db.Exec(q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
		done[key] = true
	}
	return nil
}
