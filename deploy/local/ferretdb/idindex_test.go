package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeFerretDBFile lays out a database file the way FerretDB 1.24's sqlite backend does:
// its collections table and, per collection, a table with the unique _id index it creates.
func fakeFerretDBFile(t *testing.T, dir, db string, tables ...string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db+".sqlite")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	statements := []string{`CREATE TABLE IF NOT EXISTS _ferretdb_collections (name TEXT NOT NULL UNIQUE, table_name TEXT NOT NULL UNIQUE, settings TEXT NOT NULL)`}
	for _, table := range tables {
		statements = append(statements,
			`CREATE TABLE "`+table+`" (_ferretdb_sjson TEXT NOT NULL)`,
			`CREATE UNIQUE INDEX "`+table+`__id_" ON "`+table+`" (_ferretdb_sjson->"_id")`,
			`INSERT INTO _ferretdb_collections VALUES ('`+table+`', '`+table+`', '{}')`,
		)
	}
	for _, s := range statements {
		if _, err := conn.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
}

// lookupPlan asks a new connection (EXPLAIN does not notice a schema another connection changed;
// statements that run do, and are prepared again) how SQLite finds a row by FerretDB's _id expression.
func lookupPlan(t *testing.T, dir, db, table string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db+".sqlite")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE _ferretdb_sjson->'$._id' = ?`, `"x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestFerretDBsOwnIndexLeavesLookupsByIDScanning(t *testing.T) {
	dir := t.TempDir()
	fakeFerretDBFile(t, dir, "shop", "purchases_1")
	if plan := lookupPlan(t, dir, "shop", "purchases_1"); !strings.HasPrefix(plan, "SCAN") {
		t.Fatalf("expected FerretDB's index to be useless for its own lookup, plan: %s", plan)
	}
}

func TestIndexerMakesLookupsByIDUseAnIndexInEveryCollection(t *testing.T) {
	dir := t.TempDir()
	fakeFerretDBFile(t, dir, "shop", "purchases_1", "ledger_2")
	x := newIDIndexer(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))

	if err := x.index("shop"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"purchases_1", "ledger_2"} {
		if plan := lookupPlan(t, dir, "shop", table); !strings.Contains(plan, table+"_c360_id") {
			t.Fatalf("%s: lookup by _id does not use our index, plan: %s", table, plan)
		}
	}
	if err := x.index("shop"); err != nil { // again: nothing to do, no error
		t.Fatal(err)
	}
	if err := x.index("missing"); err != nil { // no such database file yet
		t.Fatal(err)
	}
}

func TestIndexerIndexesExistingDatabasesAtStartAndNewCollectionsWhenTouched(t *testing.T) {
	dir := t.TempDir()
	fakeFerretDBFile(t, dir, "shop", "purchases_1")
	x := newIDIndexer(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go x.run(ctx)
	waitFor(t, func() bool { return strings.Contains(lookupPlan(t, dir, "shop", "purchases_1"), "c360_id") })

	fakeFerretDBFile(t, dir, "shop", "coupons_3")
	x.touched("shop", "coupons_3")
	waitFor(t, func() bool { return strings.Contains(lookupPlan(t, dir, "shop", "coupons_3"), "c360_id") })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

func TestIndexerLooksOnlyForCollectionsItHasNotIndexed(t *testing.T) {
	dir := t.TempDir()
	fakeFerretDBFile(t, dir, "shop", "purchases_1")
	x := newIDIndexer(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := x.index("shop"); err != nil {
		t.Fatal(err)
	}
	x.touched("shop", "purchases_1") // indexed already: nothing to look at
	if len(x.pending) != 0 {
		t.Fatalf("pending after touching an indexed collection: %v", x.pending)
	}
	x.touched("shop", "coupons_3") // new: the database is looked at again
	if !x.pending["shop"] {
		t.Fatal("a new collection did not make its database pending")
	}
	x.dropping("shop", func() {}) // dropped: forgotten, looked at again when touched
	x.touched("shop", "purchases_1")
	if !x.pending["shop"] {
		t.Fatal("a dropped database's collection was still taken for indexed")
	}
}
