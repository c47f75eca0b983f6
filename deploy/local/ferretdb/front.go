package main

// The front: a per-connection relay in front of FerretDB that serializes
// FerretDB's non-atomic read-modify-write commands per collection (per document
// where the command names its documents by _id).
//
// Why: FerretDB 1.24's update/findAndModify/delete read the matching documents,
// change them in Go and write them back by _id without re-checking the filter,
// so concurrent compare-and-set updates all "win" and concurrent $inc's are
// lost. Our services rely on MongoDB's single-document atomicity, so the front
// runs those commands one at a time per document they name by _id, and one at a
// time per collection otherwise; reads and inserts stay concurrent.
//
// Each client connection gets its own backend connection. Drivers keep one
// request in flight per connection and FerretDB answers every message with
// exactly one reply, so the relay is a simple loop: read a request, forward it,
// read the reply, pass it on (unless the client set moreToCome).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"sync"
	"time"
)

type front struct {
	dial  func() (net.Conn, error) // a new connection to FerretDB
	log   *slog.Logger
	locks writeLocks
	slow  time.Duration // log commands slower than this; 0 logs none
	// noRewrite forwards guarded updates as they came (guarded.go), e.g. to compare.
	noRewrite bool
	// ids adds the _id index FerretDB's lookups can use to new tables (idindex.go); nil: none.
	ids *idIndexer

	mu     sync.Mutex
	conns  map[net.Conn]struct{} // client and backend connections, closed on shutdown
	closed bool
	wg     sync.WaitGroup // one per relay goroutine
}

func newFront(dial func() (net.Conn, error), log *slog.Logger) *front {
	return &front{dial: dial, log: log, conns: make(map[net.Conn]struct{})}
}

// serve accepts clients on ln until ctx is done, then closes every connection
// and returns once all relays have finished.
func (f *front) serve(ctx context.Context, ln net.Listener) error {
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		_ = ln.Close()
		f.closeAll()
	}()
	defer func() {
		close(stopped)
		f.wg.Wait()
	}()

	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("accept: %w", err)
			}
			// E.g. out of file descriptors: back off rather than stop serving.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			f.log.Warn("accept failed; retrying", "err", err, "delay", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if !f.track(c, true) {
			_ = c.Close()
			return nil
		}
		go func() {
			defer f.wg.Done()
			f.relay(c)
		}()
	}
}

// track registers a connection for shutdown; false once shutdown began.
// With relay set it also accounts for the relay goroutine about to start.
func (f *front) track(c net.Conn, relay bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.conns[c] = struct{}{}
	if relay {
		f.wg.Add(1)
	}
	return true
}

func (f *front) release(c net.Conn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
	_ = c.Close()
}

func (f *front) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for c := range f.conns {
		_ = c.Close() // unblocks the relay's pending read; it then returns
	}
}

// relay serves one client until either side closes or misbehaves; closing one
// side closes the other.
func (f *front) relay(client net.Conn) {
	defer f.release(client)
	defer func() {
		if r := recover(); r != nil { // a bug of ours costs this client its connection, not the server
			f.log.Error("relay failed; closing the client connection", "panic", r, "remote", client.RemoteAddr())
		}
	}()
	backend, err := f.dial()
	if err != nil {
		f.log.Error("cannot reach FerretDB", "err", err)
		return
	}
	if !f.track(backend, false) {
		_ = backend.Close()
		return
	}
	defer f.release(backend)

	cr := bufio.NewReaderSize(client, 64<<10)
	br := bufio.NewReaderSize(backend, 64<<10)
	for {
		msg, err := readMessage(cr)
		if err != nil {
			f.logClosed("client", client, err)
			return
		}
		req, err := parseRequest(msg)
		if err != nil {
			f.log.Warn("closing client connection", "remote", client.RemoteAddr(), "err", err)
			return
		}
		reply, err := f.roundTrip(backend, br, msg, req)
		if err != nil {
			f.logClosed("backend", client, err)
			return
		}
		if !req.expectsReply() {
			continue
		}
		if _, err = client.Write(reply); err != nil {
			f.logClosed("client", client, err)
			return
		}
	}
}

// roundTrip forwards one request and reads FerretDB's reply, holding the
// command's write locks throughout for serialized commands. The lock is released
// before the reply goes to the client, so a slow client cannot hold it.
func (f *front) roundTrip(backend net.Conn, br *bufio.Reader, msg []byte, req request) (reply []byte, err error) {
	if f.slow > 0 {
		defer f.logIfSlow(req, time.Now())
	}
	if f.ids != nil && req.opCode == opMsg {
		if droppingCommands[req.command] {
			f.ids.dropping(req.db, func() { reply, err = f.forward(backend, br, msg, req) })
			f.ids.touched(req.db, "")
			return reply, err
		}
		if creatingCommands[req.command] {
			defer f.ids.touched(req.db, req.collection)
		}
	}
	return f.forward(backend, br, msg, req)
}

func (f *front) forward(backend net.Conn, br *bufio.Reader, msg []byte, req request) ([]byte, error) {
	if req.serialized() {
		unlock := f.locks.lock(req.db, req.collection, req.docIDs)
		defer unlock()
	}
	if req.guarded != nil && !f.noRewrite {
		reply, handled, err := req.guarded.answer(backend, br, requestID(msg))
		if err != nil || handled {
			return reply, err
		}
	}
	if _, err := backend.Write(msg); err != nil {
		return nil, err
	}
	reply, err := readMessage(br)
	if err != nil {
		return nil, err
	}
	if responseTo(reply) != requestID(msg) {
		// Replies no longer line up with requests; the connection is useless.
		return nil, fmt.Errorf("%w: reply to %d, expected %d", errMalformed, responseTo(reply), requestID(msg))
	}
	return reply, nil
}

// logIfSlow reports a command that took longer than the slow threshold (lock wait included),
// so the queries that make a FerretDB scan its collections can be found.
func (f *front) logIfSlow(req request, start time.Time) {
	if took := time.Since(start); took >= f.slow {
		f.log.Warn("slow command", "command", req.command, "collection", req.collection, "db", req.db, "ms", took.Milliseconds())
	}
}

func (f *front) logClosed(side string, client net.Conn, err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		f.log.Debug("connection closed", "side", side, "remote", client.RemoteAddr())
		return
	}
	f.log.Debug("connection closed", "side", side, "remote", client.RemoteAddr(), "err", err)
}

// writeLocks serializes FerretDB's read-modify-write commands per collection.
// A command whose every statement is confined to one document by _id holds the
// collection shared and those documents exclusively, so writes to different
// documents still run side by side; any other holds the whole collection.
// Entries are reference-counted and dropped when unused, because test runs
// create many short-lived databases.
type writeLocks struct {
	mu    sync.Mutex
	colls map[string]*collectionLock
}

type collectionLock struct {
	sync.RWMutex
	refs int // holders plus waiters, guarded by writeLocks.mu
	docs map[string]*documentLock
}

type documentLock struct {
	sync.Mutex
	refs int // guarded by writeLocks.mu
}

// lock blocks until the command may run and returns its unlock function;
// ids nil means the whole collection.
func (l *writeLocks) lock(db, collection string, ids []string) (unlock func()) {
	key := db + "\x00" + collection
	if ids != nil {
		ids = sortedUnique(ids) // one order for every holder: no two wait on each other
	}
	l.mu.Lock()
	if l.colls == nil {
		l.colls = make(map[string]*collectionLock)
	}
	c := l.colls[key]
	if c == nil {
		c = &collectionLock{docs: make(map[string]*documentLock)}
		l.colls[key] = c
	}
	c.refs++
	docs := make([]*documentLock, len(ids))
	for i, id := range ids {
		d := c.docs[id]
		if d == nil {
			d = &documentLock{}
			c.docs[id] = d
		}
		d.refs++
		docs[i] = d
	}
	l.mu.Unlock()

	if ids == nil {
		c.Lock()
	} else {
		c.RLock()
		for _, d := range docs {
			d.Lock()
		}
	}
	return func() {
		if ids == nil {
			c.Unlock()
		} else {
			for i := len(docs) - 1; i >= 0; i-- {
				docs[i].Unlock()
			}
			c.RUnlock()
		}
		l.mu.Lock()
		for i, d := range docs {
			if d.refs--; d.refs == 0 {
				delete(c.docs, ids[i])
			}
		}
		if c.refs--; c.refs == 0 {
			delete(l.colls, key)
		}
		l.mu.Unlock()
	}
}

func sortedUnique(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return slices.Compact(out)
}
