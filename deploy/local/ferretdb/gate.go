package main

// FerretDB 1.x applies an update by reading the matching documents and writing them back in a
// separate step, so two concurrent updates of one document can lose one of them, even when both
// are guarded by a version filter (a version-guarded compare-and-set "wins" twice). MongoDB
// applies each single-document update atomically, and Motcua's optimistic concurrency relies on
// that. The gate restores it for local runs: it sits between clients and FerretDB and lets only one
// command that may write to a collection run at a time; writes to different collections, and all
// reads, run side by side.
//
// The gate is held only while FerretDB works on the write: the request is read from the client
// before the gate is taken, and the reply is returned to the client after it is released, so a
// slow, stopped or killed client never holds other writers. A writer that cannot get the gate
// within the timeout, or whose write FerretDB does not answer within it, gets a clear error
// (MaxTimeMSExpired) instead of waiting for ever; the gate of an unanswered write stays held until
// FerretDB answers it, so a late write still never races another.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const (
	opMsg        = 2013
	headerLength = 16
	maxMessage   = 48 * 1024 * 1024
	moreToCome   = 1 << 1
	// MongoDB's code for an operation that ran out of time: drivers surface it as a timeout.
	codeTimedOut = 50
)

// readOnly lists the commands that never change data; every other command goes through the gate,
// so an unknown or new command errs on the safe side.
var readOnly = map[string]bool{
	"find": true, "getMore": true, "aggregate": true, "count": true, "distinct": true,
	"listCollections": true, "listDatabases": true, "listIndexes": true, "killCursors": true,
	"ping": true, "hello": true, "isMaster": true, "ismaster": true, "buildInfo": true,
	"buildinfo": true, "getParameter": true, "serverStatus": true, "dbStats": true,
	"collStats": true, "endSessions": true, "saslStart": true, "saslContinue": true,
	"connectionStatus": true, "getLog": true, "whatsmyuri": true, "explain": true,
	"getCmdLineOpts": true, "hostInfo": true, "getFreeMonitoringStatus": true,
}

type gate struct {
	upstream string
	timeout  time.Duration

	mu    sync.Mutex
	slots map[string]*slot // one per collection with a write in flight or waiting
}

// slot serialises the writes to one collection; a buffered channel so that waiting can time out.
type slot struct {
	held  chan struct{}
	users int
}

func newGate(upstream string, timeout time.Duration) *gate {
	return &gate{upstream: upstream, timeout: timeout, slots: map[string]*slot{}}
}

func (g *gate) serve(l net.Listener) error {
	for {
		client, err := l.Accept()
		if err != nil {
			return err
		}
		go g.handle(client)
	}
}

// upstreamConn is the client's own connection to FerretDB; it is replaced when an unanswered write
// leaves it behind.
type upstreamConn struct{ net.Conn }

func (g *gate) handle(client net.Conn) {
	defer client.Close()
	server := &upstreamConn{}
	defer func() {
		if server.Conn != nil {
			server.Close()
		}
	}()
	for {
		request, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				log.Printf("gate: reading request: %v", err)
			}
			return
		}
		if server.Conn == nil {
			if server.Conn, err = net.Dial("unix", g.upstream); err != nil {
				log.Printf("gate: cannot reach FerretDB: %v", err)
				return
			}
		}
		if err := g.exchange(request, client, server); err != nil {
			log.Printf("gate: %v", err)
			return
		}
	}
}

// exchange forwards one request and returns its replies; a command that may write runs under its
// collection's gate, which covers only FerretDB's part of the exchange.
func (g *gate) exchange(request []byte, client net.Conn, server *upstreamConn) error {
	name, flags, key := command(request)
	if name == "" || readOnly[name] {
		replies, err := forward(request, flags, server.Conn, time.Time{})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return send(client, replies, name)
	}
	release, ok := g.acquire(key)
	if !ok {
		msg := fmt.Sprintf("write gate: %s on %s waited %s for an earlier write to the same "+
			"collection and gave up; nothing was written", name, key, g.timeout)
		return send(client, [][]byte{errorReply(request, msg)}, name)
	}
	replies, err := forward(request, flags, server.Conn, time.Now().Add(g.timeout))
	if err == nil {
		release()
		return send(client, replies, name)
	}
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		release()
		return fmt.Errorf("%s on %s: %w", name, key, err)
	}
	// FerretDB is still working on the write: keep the gate until it answers, on a connection
	// this client no longer uses, and tell the client now.
	abandoned := server.Conn
	server.Conn = nil
	go func() {
		defer release()
		defer abandoned.Close()
		abandoned.SetReadDeadline(time.Time{})
		if _, err := readReplies(abandoned); err != nil {
			log.Printf("gate: late reply to %s on %s: %v", name, key, err)
		}
	}()
	msg := fmt.Sprintf("write gate: FerretDB did not answer %s on %s within %s; the write may "+
		"still complete", name, key, g.timeout)
	return send(client, [][]byte{errorReply(request, msg)}, name)
}

// acquire takes the gate of one collection, waiting at most the gate's timeout.
func (g *gate) acquire(key string) (release func(), ok bool) {
	g.mu.Lock()
	s := g.slots[key]
	if s == nil {
		s = &slot{held: make(chan struct{}, 1)}
		g.slots[key] = s
	}
	s.users++
	g.mu.Unlock()
	done := func() {
		g.mu.Lock()
		if s.users--; s.users == 0 {
			delete(g.slots, key)
		}
		g.mu.Unlock()
	}
	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	select {
	case s.held <- struct{}{}:
		return func() { <-s.held; done() }, true
	case <-timer.C:
		done()
		return nil, false
	}
}

// forward sends a request upstream and reads its replies, none when the client expects none.
func forward(request []byte, flags uint32, server net.Conn, deadline time.Time) ([][]byte, error) {
	if err := server.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if _, err := server.Write(request); err != nil {
		return nil, fmt.Errorf("forwarding: %w", err)
	}
	if flags&moreToCome != 0 {
		return nil, nil // fire-and-forget request: no reply comes back
	}
	return readReplies(server)
}

func readReplies(server net.Conn) ([][]byte, error) {
	var replies [][]byte
	for {
		reply, err := readMessage(server)
		if err != nil {
			return nil, fmt.Errorf("reading reply: %w", err)
		}
		replies = append(replies, reply)
		if _, flags, _ := command(reply); flags&moreToCome == 0 {
			return replies, nil
		}
	}
}

func send(client net.Conn, replies [][]byte, name string) error {
	for _, reply := range replies {
		if _, err := client.Write(reply); err != nil {
			return fmt.Errorf("returning reply to %s: %w", name, err)
		}
	}
	return nil
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerLength)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	size := int(binary.LittleEndian.Uint32(header))
	if size < headerLength || size > maxMessage {
		return nil, fmt.Errorf("message length %d out of range", size)
	}
	message := make([]byte, size)
	copy(message, header)
	if _, err := io.ReadFull(r, message[headerLength:]); err != nil {
		return nil, err
	}
	return message, nil
}

// command returns the command name (the first key of the body section), the flag bits of an
// OP_MSG and the collection it addresses ("db.collection", or "db" for a command on a whole
// database); other opcodes (the legacy handshake) return an empty name.
func command(message []byte) (name string, flags uint32, key string) {
	if len(message) < headerLength+5 || binary.LittleEndian.Uint32(message[12:16]) != opMsg {
		return "", 0, ""
	}
	flags = binary.LittleEndian.Uint32(message[16:20])
	pos := headerLength + 4
	for pos < len(message) {
		kind := message[pos]
		pos++
		if kind == 0 {
			body, _, ok := bsoncore.ReadDocument(message[pos:])
			if !ok {
				return "", flags, ""
			}
			first, err := body.IndexErr(0)
			if err != nil {
				return "", flags, ""
			}
			name = first.Key()
			db, _ := body.Lookup("$db").StringValueOK()
			key = db
			if coll, ok := first.Value().StringValueOK(); ok {
				key = db + "." + coll
			}
			return name, flags, key
		}
		if pos+4 > len(message) {
			break
		}
		pos += int(binary.LittleEndian.Uint32(message[pos : pos+4])) // document sequence
	}
	return "", flags, ""
}

// errorReply builds the OP_MSG a server sends for a command that failed with errmsg.
func errorReply(request []byte, errmsg string) []byte {
	body, err := bson.Marshal(bson.D{
		{Key: "ok", Value: 0.0},
		{Key: "errmsg", Value: errmsg},
		{Key: "code", Value: int32(codeTimedOut)},
		{Key: "codeName", Value: "MaxTimeMSExpired"},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gate: encoding an error reply: %v\n", err)
		os.Exit(1)
	}
	reply := make([]byte, headerLength+4+1+len(body))
	binary.LittleEndian.PutUint32(reply[0:4], uint32(len(reply)))
	copy(reply[8:12], request[4:8]) // responseTo: the request's id
	binary.LittleEndian.PutUint32(reply[12:16], opMsg)
	reply[headerLength+4] = 0 // section kind 0: the body
	copy(reply[headerLength+5:], body)
	return reply
}
