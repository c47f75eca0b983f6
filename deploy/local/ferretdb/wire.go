package main

// Message framing and command detection for the MongoDB wire protocol.
//
// The front only needs to know where one message ends, whether the client
// expects a reply, and (for OP_MSG) which command on which database it is.
// Everything else is forwarded byte for byte.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const (
	headerLen = 16

	// maxMessageLen matches FerretDB's (and MongoDB's) maxMessageSizeBytes;
	// FerretDB drops the connection on anything larger, so do we, before allocating.
	maxMessageLen = 48_000_000

	opReply       = 1
	opUpdate      = 2001 // legacy, fire-and-forget
	opInsert      = 2002 // legacy, fire-and-forget
	opQuery       = 2004
	opGetMore     = 2005
	opDelete      = 2006 // legacy, fire-and-forget
	opKillCursors = 2007 // legacy, fire-and-forget
	opCompressed  = 2012
	opMsg         = 2013

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1
)

var errMalformed = errors.New("malformed wire message")

// readMessage reads one whole message (header included) from r.
func readMessage(r *bufio.Reader) ([]byte, error) {
	var hdr [headerLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int32(binary.LittleEndian.Uint32(hdr[0:4]))
	if n < headerLen || n > maxMessageLen {
		return nil, fmt.Errorf("%w: length %d", errMalformed, n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func requestID(msg []byte) int32  { return int32(binary.LittleEndian.Uint32(msg[4:8])) }
func responseTo(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[8:12])) }
func opCode(msg []byte) int32     { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

// request is what the front needs to know about one client message.
type request struct {
	opCode     int32
	moreToCome bool   // OP_MSG flag: the client expects no reply
	command    string // OP_MSG only: first key of the body document
	db         string // OP_MSG only, for serialized, creating and dropping commands: the $db field
	collection string // OP_MSG only, when the command's first value names one
	// For serialized commands: the _id keys of the documents they change when every
	// statement's filter is {_id: <string or ObjectId>}; nil means any document of
	// the collection (the whole collection is locked).
	docIDs []string
	// For an update filtered by _id and scalar equalities: how to answer it by _id alone.
	guarded *guardedUpdate
}

// serializedCommands are FerretDB 1.24's read-modify-write commands: each queries
// the filter, changes the documents in Go and writes them back by _id without
// re-checking the filter, so two of them on the same data can interleave and
// lose or double-apply writes. The front runs them one at a time per document
// (or per collection when their filters do not name the documents by _id).
var serializedCommands = map[string]bool{
	"update":        true,
	"findAndModify": true,
	"findandmodify": true, // old lowercase alias FerretDB still accepts
	"delete":        true,
}

// serialized reports whether the request must hold write locks (front.go's writeLocks).
func (r request) serialized() bool { return r.opCode == opMsg && serializedCommands[r.command] }

// expectsReply reports whether the client waits for a reply. FerretDB 1.24
// itself replies to every message (see its clientconn run loop), so the front
// always reads one reply per request and drops it when the client expects none.
func (r request) expectsReply() bool {
	switch r.opCode {
	case opMsg:
		return !r.moreToCome
	case opUpdate, opInsert, opDelete, opKillCursors:
		return false
	default:
		return true
	}
}

// parseRequest classifies one whole message. Only OP_MSG is looked into; other
// opcodes (OP_QUERY handshakes, OP_COMPRESSED, ...) pass through unserialized.
// OP_COMPRESSED never reaches us in practice: FerretDB 1.24 does not offer any
// compressor in its hello reply, so drivers do not compress.
func parseRequest(msg []byte) (request, error) {
	req := request{opCode: opCode(msg)}
	if req.opCode != opMsg {
		return req, nil
	}
	if len(msg) < headerLen+4+1 {
		return req, fmt.Errorf("%w: OP_MSG too short", errMalformed)
	}
	flags := binary.LittleEndian.Uint32(msg[headerLen : headerLen+4])
	req.moreToCome = flags&flagMoreToCome != 0
	end := len(msg)
	if flags&flagChecksumPresent != 0 {
		end -= 4 // CRC-32C trails the sections
	}
	body, sequences, err := opMsgSections(msg[headerLen+4 : end])
	if err != nil {
		return req, err
	}
	// The command name is the body's first key (MongoDB's rule, which FerretDB follows).
	first, _, ok := bsoncore.ReadElement(body[4:])
	if !ok {
		return req, fmt.Errorf("%w: OP_MSG body has no command", errMalformed)
	}
	req.command = first.Key()
	if coll, ok := first.Value().StringValueOK(); ok {
		req.collection = coll // find, update, aggregate, ...: the collection they work on
	}
	if !req.serialized() && !creatingCommands[req.command] && !droppingCommands[req.command] {
		return req, nil
	}
	val, err := bsoncore.Document(body).LookupErr("$db")
	if err != nil {
		return req, fmt.Errorf("%w: %s without $db", errMalformed, req.command)
	}
	db, ok := val.StringValueOK()
	if !ok {
		return req, fmt.Errorf("%w: %s with non-string $db", errMalformed, req.command)
	}
	req.db = db
	if !req.serialized() {
		return req, nil
	}
	var statements []bsoncore.Document // nil when unreadable: then nothing is confined to documents
	if req.command == "update" || req.command == "delete" {
		statements, _ = statementsOf(req.command, body, sequences)
	}
	req.docIDs = changedIDs(req.command, body, statements)
	if req.command == "update" && req.docIDs != nil {
		req.guarded = guardedUpdateOf(body, statements)
	}
	return req, nil
}

// changedIDs returns the _id keys every statement of a serialized command is
// confined to, or nil when any statement may touch other documents.
func changedIDs(command string, body bsoncore.Document, statements []bsoncore.Document) []string {
	var filters []bsoncore.Document
	switch command {
	case "findAndModify", "findandmodify":
		q, ok := body.Lookup("query").DocumentOK()
		if !ok {
			return nil
		}
		filters = append(filters, q)
	case "update", "delete":
		for _, st := range statements {
			q, ok := st.Lookup("q").DocumentOK()
			if !ok {
				return nil
			}
			filters = append(filters, q)
		}
	}
	if len(filters) == 0 {
		return nil
	}
	ids := make([]string, 0, len(filters))
	for _, q := range filters {
		id, _, ok := idAndGuards(q) // {_id: X, ...equalities} touches X at most
		if !ok {
			return nil
		}
		ids = append(ids, string(byte(id.Type))+string(id.Data))
	}
	return ids
}

// statementsOf returns an update's or delete's statements ("updates" / "deletes"),
// in the body or sent out of line as a document sequence.
func statementsOf(command string, body bsoncore.Document, sequences map[string][]bsoncore.Document) ([]bsoncore.Document, bool) {
	name := command + "s"
	statements := append([]bsoncore.Document(nil), sequences[name]...)
	if arr, ok := body.Lookup(name).ArrayOK(); ok {
		values, err := arr.Values()
		if err != nil {
			return nil, false
		}
		for _, v := range values {
			d, ok := v.DocumentOK()
			if !ok {
				return nil, false
			}
			statements = append(statements, d)
		}
	}
	return statements, true
}

// opMsgSections returns the single kind-0 section (the command document) of an
// OP_MSG and its kind-1 document sequences by identifier (e.g. the `updates`
// pymongo sends out of line), which may come before or after it.
func opMsgSections(sections []byte) (bsoncore.Document, map[string][]bsoncore.Document, error) {
	var body bsoncore.Document
	var sequences map[string][]bsoncore.Document
	for len(sections) > 0 {
		kind := sections[0]
		sections = sections[1:]
		if len(sections) < 4 {
			return nil, nil, fmt.Errorf("%w: truncated section", errMalformed)
		}
		size := int(int32(binary.LittleEndian.Uint32(sections[:4]))) // includes itself
		if size < 5 || size > len(sections) {
			return nil, nil, fmt.Errorf("%w: section size %d", errMalformed, size)
		}
		switch kind {
		case 0:
			if body != nil {
				return nil, nil, fmt.Errorf("%w: two body sections", errMalformed)
			}
			body = bsoncore.Document(sections[:size])
		case 1:
			id, docs, err := documentSequence(sections[4:size])
			if err != nil {
				return nil, nil, err
			}
			if sequences == nil {
				sequences = make(map[string][]bsoncore.Document)
			}
			sequences[id] = append(sequences[id], docs...)
		default:
			return nil, nil, fmt.Errorf("%w: section kind %d", errMalformed, kind)
		}
		sections = sections[size:]
	}
	if body == nil {
		return nil, nil, fmt.Errorf("%w: OP_MSG without body", errMalformed)
	}
	return body, sequences, nil
}

// documentSequence splits a kind-1 section's payload: a cstring identifier, then documents.
func documentSequence(payload []byte) (string, []bsoncore.Document, error) {
	nul := bytes.IndexByte(payload, 0)
	if nul < 0 {
		return "", nil, fmt.Errorf("%w: sequence without identifier", errMalformed)
	}
	id := string(payload[:nul])
	rest := payload[nul+1:]
	var docs []bsoncore.Document
	for len(rest) > 0 {
		doc, remaining, ok := bsoncore.ReadDocument(rest)
		if !ok {
			return "", nil, fmt.Errorf("%w: truncated document in sequence %q", errMalformed, id)
		}
		docs = append(docs, doc)
		rest = remaining
	}
	return id, docs, nil
}
