package main

// The _id index FerretDB's own queries can use.
//
// FerretDB 1.24 (SQLite) answers a filter by _id with
//
//	SELECT ... WHERE _ferretdb_sjson->'$._id' = ?
//
// (and updates and deletes documents the same way), but the unique index it
// creates for _id is on the expression _ferretdb_sjson->"_id". SQLite uses an
// expression index only for the very expression it was built on, so each of
// those statements scans the whole table and parses every document: EXPLAIN
// QUERY PLAN says SCAN, and a lookup by _id costs time in proportion to the
// collection (measured: an update by _id took 9.5 ms of FerretDB's CPU at 300
// documents, 53 ms at 3,000).
//
// The launcher adds an index on FerretDB's query expression to each collection's
// table. FerretDB does not know about it (its metadata lists only its own
// indexes), and it changes no result: it only lets SQLite find the row by key.
// Tables are indexed at start and when the front sees a command that may have
// created one: one on a collection the launcher has not indexed yet.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the pure-Go SQLite FerretDB itself uses
)

// creatingCommands may create a collection (and so a table to index).
var creatingCommands = map[string]bool{
	"insert": true, "update": true, "findAndModify": true, "findandmodify": true,
	"create": true, "createIndexes": true,
}

// droppingCommands remove tables or database files: the indexer must not have
// the file open meanwhile (SQLite would treat a deleted file's successor as its
// own), and forgets what it indexed there.
var droppingCommands = map[string]bool{"drop": true, "dropDatabase": true}

type idIndexer struct {
	dataDir string
	log     *slog.Logger

	files   sync.RWMutex // held for reading by dropping commands, for writing while a file is open here
	mu      sync.Mutex
	indexed map[string]map[string]bool // database -> collections whose table has our index
	pending map[string]bool            // databases with a collection to look at
	wake    chan struct{}
}

func newIDIndexer(dataDir string, log *slog.Logger) *idIndexer {
	return &idIndexer{
		dataDir: dataDir,
		log:     log,
		indexed: make(map[string]map[string]bool),
		pending: make(map[string]bool),
		wake:    make(chan struct{}, 1),
	}
}

// run indexes every existing database, then each database a command may have
// added a collection to, until ctx is done.
func (x *idIndexer) run(ctx context.Context) {
	if files, err := filepath.Glob(filepath.Join(x.dataDir, "*.sqlite")); err == nil {
		for _, f := range files {
			x.touched(strings.TrimSuffix(filepath.Base(f), ".sqlite"), "")
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-x.wake:
		}
		x.mu.Lock()
		dbs := make([]string, 0, len(x.pending))
		for db := range x.pending {
			dbs = append(dbs, db)
		}
		clear(x.pending)
		x.mu.Unlock()
		for _, db := range dbs {
			if err := x.index(db); err != nil {
				x.log.Warn("could not add the _id lookup index", "db", db, "err", err)
			}
		}
	}
}

// touched asks for db's new tables to be indexed when collection (a command's
// target; "" for any) is not known to be indexed yet. Known ones cost a map lookup.
func (x *idIndexer) touched(db, collection string) {
	x.mu.Lock()
	if collection != "" && x.indexed[db][collection] {
		x.mu.Unlock()
		return
	}
	x.pending[db] = true
	x.mu.Unlock()
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// dropping runs a dropping command's round trip with no file open here; the
// database's tables are looked at again afterwards.
func (x *idIndexer) dropping(db string, roundTrip func()) {
	x.files.RLock()
	defer x.files.RUnlock()
	roundTrip()
	x.mu.Lock()
	delete(x.indexed, db)
	x.mu.Unlock()
}

func (x *idIndexer) index(db string) error {
	x.files.Lock()
	defer x.files.Unlock()
	path := filepath.Join(x.dataDir, db+".sqlite")
	if _, err := os.Stat(path); err != nil {
		return nil // not created yet, or dropped
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=rw&_pragma=busy_timeout(10000)"}
	conn, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	tables, err := collectionTables(conn)
	if err != nil {
		return err
	}
	for collection, table := range tables {
		x.mu.Lock()
		done := x.indexed[db][collection]
		x.mu.Unlock()
		if done {
			continue
		}
		if _, err = conn.Exec(idIndexStatement(table)); err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		x.mu.Lock()
		if x.indexed[db] == nil {
			x.indexed[db] = make(map[string]bool)
		}
		x.indexed[db][collection] = true
		x.mu.Unlock()
	}
	return nil
}

// collectionTables maps each collection of a FerretDB database file to its table
// (empty while the database has no collection).
func collectionTables(conn *sql.DB) (map[string]string, error) {
	var exists int
	if err := conn.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`).Scan(&exists); err != nil || exists == 0 {
		return nil, err
	}
	rows, err := conn.Query(`SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tables := make(map[string]string)
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			return nil, err
		}
		tables[name] = table
	}
	return tables, rows.Err()
}

// idIndexStatement indexes exactly the expression FerretDB's _id filter uses
// (metadata.IDColumn in its sqlite backend).
func idIndexStatement(table string) string {
	quoted := strings.ReplaceAll(table, `"`, `""`)
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%s_c360_id" ON "%s" (_ferretdb_sjson->'$._id')`, quoted, quoted)
}
