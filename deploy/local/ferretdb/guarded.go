package main

// Guarded single-document updates, answered by _id.
//
// FerretDB 1.24 pushes down only filters that are exactly {_id: v}; an update
// filtered by {_id: X, version: 7} (a compare-and-set) reads the whole
// collection. The front holds X's document lock for such an update anyway, so
// it can read X by _id, check the scalar guards itself, and then send the
// update filtered by _id alone, or answer "matched nothing" at once: the same
// outcome, since no other writer of X runs meanwhile, in constant time.
// Anything else (operators in the filter, upserts, multi updates, several
// statements) is forwarded as it came. One difference from MongoDB's matching,
// which no caller of ours relies on: a guard never matches an array field that
// merely contains the value.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// guardedUpdate is one update statement filtered by _id plus scalar equalities.
type guardedUpdate struct {
	body   bsoncore.Document // the command document (updates may have come out of line)
	stmt   bsoncore.Document // the single statement
	id     bsoncore.Value
	guards []bsoncore.Element
}

var innerRequestID atomic.Int32

func init() { innerRequestID.Store(1 << 30) } // apart from drivers' own small ids

// guardedUpdateOf recognises an update the front can answer by _id; nil otherwise.
func guardedUpdateOf(body bsoncore.Document, statements []bsoncore.Document) *guardedUpdate {
	if len(statements) != 1 {
		return nil
	}
	stmt := statements[0]
	if truthy(stmt.Lookup("multi")) || truthy(stmt.Lookup("upsert")) {
		return nil
	}
	if _, err := stmt.LookupErr("collation"); err == nil {
		return nil // the guards would compare strings by another rule than bytes
	}
	if _, err := stmt.LookupErr("u"); err != nil {
		return nil
	}
	q, ok := stmt.Lookup("q").DocumentOK()
	if !ok {
		return nil
	}
	id, guards, ok := idAndGuards(q)
	if !ok || len(guards) == 0 {
		return nil
	}
	return &guardedUpdate{body: body, stmt: stmt, id: id, guards: guards}
}

// idAndGuards splits {_id: <string|ObjectId>, field: scalar, ...}; false for any other filter.
func idAndGuards(filter bsoncore.Document) (bsoncore.Value, []bsoncore.Element, bool) {
	elems, err := filter.Elements()
	if err != nil {
		return bsoncore.Value{}, nil, false
	}
	var id bsoncore.Value
	var guards []bsoncore.Element
	for _, e := range elems {
		key, v := e.Key(), e.Value()
		if key == "_id" {
			if v.Type != bsontype.String && v.Type != bsontype.ObjectID {
				return bsoncore.Value{}, nil, false
			}
			id = v
			continue
		}
		if key == "" || key[0] == '$' || bytes.IndexByte([]byte(key), '.') >= 0 || !comparableScalar(v.Type) {
			return bsoncore.Value{}, nil, false
		}
		guards = append(guards, e)
	}
	return id, guards, id.Type != 0
}

func comparableScalar(t bsontype.Type) bool {
	switch t {
	case bsontype.String, bsontype.Int32, bsontype.Int64, bsontype.Double, bsontype.Boolean, bsontype.ObjectID:
		return true
	}
	return false
}

func truthy(v bsoncore.Value) bool {
	b, ok := v.BooleanOK()
	return ok && b
}

// sameScalar is MongoDB's equality for the guard types: numbers compare by value across types.
func sameScalar(a, b bsoncore.Value) bool {
	if an, aok := number(a); aok {
		bn, bok := number(b)
		return bok && an == bn
	}
	return a.Type == b.Type && bytes.Equal(a.Data, b.Data)
}

func number(v bsoncore.Value) (float64, bool) {
	switch v.Type {
	case bsontype.Int32:
		return float64(v.Int32()), true
	case bsontype.Int64:
		n := v.Int64()
		if n > 1<<53 || n < -(1<<53) {
			return math.NaN(), true // beyond exact doubles: never equal, so the update is not applied
		}
		return float64(n), true
	case bsontype.Double:
		return v.Double(), true
	}
	return 0, false
}

var errUnexpectedReply = errors.New("unexpected reply from FerretDB")

// answer runs the guarded update by _id on backend and returns the reply for the client;
// false (and nothing sent) when the command is not in a shape it rewrites.
func (g *guardedUpdate) answer(backend net.Conn, br *bufio.Reader, clientRequestID int32) ([]byte, bool, error) {
	db, dbOK := g.body.Lookup("$db").StringValueOK()
	command, err := g.body.IndexErr(0)
	if err != nil {
		return nil, false, nil
	}
	coll, collOK := command.Value().StringValueOK()
	rewritten, ok := g.byID()
	if !dbOK || !collOK || !ok {
		return nil, false, nil
	}
	find := bsoncore.BuildDocument(nil,
		bsoncore.AppendStringElement(nil, "find", coll),
		bsoncore.AppendDocumentElement(nil, "filter", g.idFilter()),
		bsoncore.AppendInt64Element(nil, "limit", 1),
		bsoncore.AppendBooleanElement(nil, "singleBatch", true),
		bsoncore.AppendStringElement(nil, "$db", db),
	)
	found, err := exchange(backend, br, innerRequestID.Add(1), find)
	if err != nil {
		return nil, false, err
	}
	batch, ok := found.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return nil, false, fmt.Errorf("%w: find without a cursor: %s", errUnexpectedReply, found)
	}
	first, err := batch.IndexErr(0)
	if doc, present := first.DocumentOK(); err != nil || !present || !g.matches(doc) {
		none := bsoncore.BuildDocument(nil,
			bsoncore.AppendInt32Element(nil, "n", 0),
			bsoncore.AppendInt32Element(nil, "nModified", 0),
			bsoncore.AppendDoubleElement(nil, "ok", 1),
		)
		return replyFrame(clientRequestID, none), true, nil
	}
	if _, err := backend.Write(requestFrame(clientRequestID, rewritten)); err != nil {
		return nil, false, err
	}
	reply, err := readMessage(br)
	if err != nil {
		return nil, false, err
	}
	if responseTo(reply) != clientRequestID {
		return nil, false, fmt.Errorf("%w: reply to %d, expected %d", errMalformed, responseTo(reply), clientRequestID)
	}
	return reply, true, nil
}

func (g *guardedUpdate) idFilter() bsoncore.Document {
	return bsoncore.BuildDocument(nil, bsoncore.AppendValueElement(nil, "_id", g.id))
}

// byID is the command again with its statement filtered by _id alone, all in the body.
func (g *guardedUpdate) byID() (bsoncore.Document, bool) {
	stmtElems, err := g.stmt.Elements()
	if err != nil {
		return nil, false
	}
	bodyElems, err := g.body.Elements()
	if err != nil {
		return nil, false
	}
	var stmt []byte
	for _, e := range stmtElems {
		if e.Key() == "q" {
			stmt = bsoncore.AppendDocumentElement(stmt, "q", g.idFilter())
		} else {
			stmt = append(stmt, e...)
		}
	}
	var elems []byte
	for _, e := range bodyElems {
		if e.Key() != "updates" {
			elems = append(elems, e...)
		}
	}
	statement := bsoncore.Value{Type: bsontype.EmbeddedDocument, Data: bsoncore.BuildDocument(nil, stmt)}
	elems = bsoncore.AppendArrayElement(elems, "updates", bsoncore.BuildArray(nil, statement))
	return bsoncore.BuildDocument(nil, elems), true
}

func (g *guardedUpdate) matches(doc bsoncore.Document) bool {
	for _, guard := range g.guards {
		v, err := doc.LookupErr(guard.Key())
		if err != nil || !sameScalar(v, guard.Value()) {
			return false
		}
	}
	return true
}

// exchange sends one command of the front's own and returns the reply's body.
func exchange(backend net.Conn, br *bufio.Reader, id int32, body bsoncore.Document) (bsoncore.Document, error) {
	if _, err := backend.Write(requestFrame(id, body)); err != nil {
		return nil, err
	}
	reply, err := readMessage(br)
	if err != nil {
		return nil, err
	}
	if responseTo(reply) != id || opCode(reply) != opMsg || len(reply) < headerLen+5 {
		return nil, fmt.Errorf("%w: to request %d", errUnexpectedReply, id)
	}
	doc, _, err := opMsgSections(reply[headerLen+4:])
	return doc, err
}

// requestFrame and replyFrame frame one body as an OP_MSG sent as, or answering, request id.
func requestFrame(id int32, body bsoncore.Document) []byte { return frame(id, 0, body) }
func replyFrame(to int32, body bsoncore.Document) []byte {
	return frame(innerRequestID.Add(1), to, body)
}

func frame(id, to int32, body bsoncore.Document) []byte {
	msg := make([]byte, headerLen+4+1, headerLen+4+1+len(body))
	binary.LittleEndian.PutUint32(msg[4:8], uint32(id))
	binary.LittleEndian.PutUint32(msg[8:12], uint32(to))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	msg = append(msg, body...) // flags 0, then section kind 0 (the zero byte before it)
	binary.LittleEndian.PutUint32(msg[0:4], uint32(len(msg)))
	return msg
}
