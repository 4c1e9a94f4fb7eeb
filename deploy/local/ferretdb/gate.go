package main

// FerretDB 1.x applies an update by reading the matching documents and writing them back in a
// separate step, so two concurrent updates of one document can lose one of them, even when both
// are guarded by a version filter (a version-guarded compare-and-set "wins" twice). MongoDB
// applies each single-document update atomically, and Motcua's optimistic concurrency relies on
// that. The gate restores it for local runs: it sits between clients and FerretDB and lets only one
// command that may write run at a time. Reads are not held: a read racing a write sees the
// document before or after it, as on MongoDB; only write-write races lose updates.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
)

const (
	opMsg        = 2013
	headerLength = 16
	maxMessage   = 48 * 1024 * 1024
	moreToCome   = 1 << 1
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
	writes   sync.Mutex
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

func (g *gate) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("unix", g.upstream)
	if err != nil {
		log.Printf("gate: cannot reach FerretDB: %v", err)
		return
	}
	defer server.Close()
	for {
		request, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("gate: reading request: %v", err)
			}
			return
		}
		if err := g.exchange(request, client, server); err != nil {
			log.Printf("gate: %v", err)
			return
		}
	}
}

// exchange forwards one request and its replies, holding the gate for a command that may write.
func (g *gate) exchange(request []byte, client, server net.Conn) error {
	name, flags := command(request)
	if !readOnly[name] {
		g.writes.Lock()
		defer g.writes.Unlock()
	}
	if _, err := server.Write(request); err != nil {
		return fmt.Errorf("forwarding %s: %w", name, err)
	}
	if flags&moreToCome != 0 {
		return nil // fire-and-forget request: no reply comes back
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return fmt.Errorf("reply to %s: %w", name, err)
		}
		if _, err := client.Write(reply); err != nil {
			return fmt.Errorf("returning reply to %s: %w", name, err)
		}
		_, replyFlags := command(reply)
		if replyFlags&moreToCome == 0 {
			return nil
		}
	}
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

// command returns the command name (the first key of the body section) and the flag bits of an
// OP_MSG; other opcodes (the legacy handshake) return an empty name.
func command(message []byte) (string, uint32) {
	if binary.LittleEndian.Uint32(message[12:16]) != opMsg || len(message) < headerLength+5 {
		return "", 0
	}
	flags := binary.LittleEndian.Uint32(message[16:20])
	pos := headerLength + 4
	for pos < len(message) {
		kind := message[pos]
		pos++
		if kind == 0 {
			// BSON document: int32 length, then the first element's type byte and key.
			start := pos + 5
			for end := start; end < len(message); end++ {
				if message[end] == 0 {
					return string(message[start:end]), flags
				}
			}
			return "", flags
		}
		if pos+4 > len(message) {
			break
		}
		pos += int(binary.LittleEndian.Uint32(message[pos : pos+4])) // document sequence
	}
	return "", flags
}
