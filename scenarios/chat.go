package scenarios

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The chat server of section 8.10. One broadcaster goroutine owns the set
// of clients and selects over three channels: entering and leaving, which
// carry a client's outgoing channel, and messages, which carries every line
// to broadcast. Each connection gets a handleConn goroutine, which reads
// the client's lines and sends them on messages, and a clientWriter
// goroutine, which writes to the connection what arrives on the client's
// own channel. That channel is named "client ADDR" after the client's
// address, and entering and leaving show it by that name.
//
// Scripted clients replace the book's terminals: client i joins i pauses
// after the first, says -says lines a pause apart, leaves a pause later and
// then prints all it has read. The server accepts -clients connections and,
// once every client has left, closes messages, which ends the broadcaster;
// the book's server runs forever. clientWriter, not handleConn, closes the
// connection, once its channel is closed: in the book, handleConn may close
// it while clientWriter still has a message to write. -pause is at most
// 250ms so that a cancelled run ends within the probe's grace period.
func init() {
	register(Scenario{
		Name:    "chat",
		Section: "8.10",
		Summary: "a chat server: a broadcaster selects over entering, leaving and messages",
		Setup: func(fs *flag.FlagSet) Main {
			clients := fs.Int("clients", 3, "how many scripted clients join, one after another")
			says := fs.Int("says", 2, "how many lines each client says")
			pause := fs.Duration("pause", 200*time.Millisecond,
				"pause between two steps of a client (at most 250ms)")
			return func(ctx context.Context, out io.Writer) error {
				switch {
				case *clients < 1 || *clients > 100:
					return fmt.Errorf("chat: -clients must be between 1 and 100")
				case *says < 0:
					return fmt.Errorf("chat: -says must not be negative")
				case *pause < 0 || *pause > 250*time.Millisecond:
					return fmt.Errorf("chat: -pause must be between 0 and 250ms")
				}
				return chat{
					entering: probe.NewChan[client]("entering", 0),
					leaving:  probe.NewChan[client]("leaving", 0),
					messages: probe.NewChan[string]("messages", 0),
					wg:       new(sync.WaitGroup),
					out:      &lockedWriter{w: out},
					says:     *says,
					pause:    *pause,
				}.main(ctx, *clients)
			}
		},
	})
}

// A client is an outgoing message channel, chan<- string in the book. It
// prints as the channel's name, so that the values entering and leaving
// carry in the trace say whose channel they are.
type client struct {
	probe.Sender[string]
	name string
}

// String returns the name of the client's channel.
func (cli client) String() string { return cli.name }

// chat is one run of the chat scenario.
type chat struct {
	entering, leaving *probe.Chan[client]
	messages          *probe.Chan[string] // all incoming client messages
	wg                *sync.WaitGroup     // handleConns, clientWriters, netcats

	out   *lockedWriter // shared by the scripted clients
	says  int
	pause time.Duration
}

// main starts the broadcaster and the scripted clients, and accepts the
// clients' connections.
func (c chat) main(ctx context.Context, clients int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("chat: listen: %w", err)
	}
	defer ln.Close()
	defer context.AfterFunc(ctx, func() { ln.Close() })()

	var stopped sync.WaitGroup
	stopped.Add(1)
	go c.broadcaster(&stopped)

	errs := make([]error, clients+1)
	for i := range clients {
		c.wg.Add(1)
		go c.netcat(ctx, i, ln.Addr().String(), &errs[i])
	}

	// Accept the clients' connections. Closing the listener on an error
	// resets those it has not accepted, so that their clients give up.
	for range clients {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				errs[clients] = fmt.Errorf("chat: accept: %w", err)
			}
			ln.Close()
			break
		}
		c.wg.Add(1)
		go c.handleConn(ctx, conn)
	}

	// Once every client has left, nobody sends on messages any more:
	// closing it stops the broadcaster.
	c.wg.Wait()
	c.messages.Close()
	stopped.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

// broadcaster keeps the set of clients and sends every message to each of
// them, until messages is closed.
func (c chat) broadcaster(stopped *sync.WaitGroup) {
	defer stopped.Done()
	clients := make(map[client]bool) // all connected clients
	for open := true; open; {
		probe.Select(
			c.messages.RecvCase(func(msg string, ok bool) {
				if open = ok; !ok {
					return
				}
				for cli := range clients {
					cli.Send(msg)
				}
			}),
			c.entering.RecvCase(func(cli client, _ bool) {
				clients[cli] = true
			}),
			c.leaving.RecvCase(func(cli client, _ bool) {
				delete(clients, cli)
				cli.Close()
			}),
		)
	}
}

// handleConn announces the client, passes on every line it says, and
// announces its departure when it hangs up.
func (c chat) handleConn(ctx context.Context, conn net.Conn) {
	defer c.wg.Done()
	defer context.AfterFunc(ctx, func() { conn.Close() })()

	who := conn.RemoteAddr().String()
	ch := probe.NewChan[string]("client "+who, 0) // outgoing client messages
	c.wg.Add(1)
	go c.clientWriter(conn, ch)

	cli := client{ch, ch.Name()}
	ch.Send("You are " + who)
	c.messages.Send(who + " has arrived")
	c.entering.Send(cli)

	// Once cancelled, stop early: the lines already read ahead would keep
	// the broadcaster busy past the probe's grace period.
	input := bufio.NewScanner(conn)
	for input.Scan() && ctx.Err() == nil {
		c.messages.Send(who + ": " + input.Text())
	}
	// NOTE: ignoring input.Err(), as the book does.

	c.leaving.Send(cli)
	c.messages.Send(who + " has left")
}

// clientWriter writes every message on ch to conn, and closes conn once
// ch is closed.
func (c chat) clientWriter(conn net.Conn, ch probe.Receiver[string]) {
	defer c.wg.Done()
	defer conn.Close()
	for msg := range ch.All() {
		fmt.Fprintln(conn, msg) // NOTE: ignoring network errors
	}
}

// netcat is scripted client i: it joins i pauses after the first client,
// says its lines a pause apart, hangs up its side a pause later, and
// prints what it has read until the server closes the connection. It
// stores in *err why it could not.
func (c chat) netcat(ctx context.Context, i int, addr string, err *error) {
	defer c.wg.Done()
	name := fmt.Sprintf("nc%d", i+1)
	if !c.sleep(ctx, i) {
		return
	}
	var d net.Dialer
	conn, e := d.DialContext(ctx, "tcp", addr)
	if e != nil {
		*err = fmt.Errorf("chat: %s: %w", name, e)
		return
	}
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { conn.Close() })()

	// Say the lines, then hang up this side only, so as to read on.
	for j := 0; j < c.says && e == nil && c.sleep(ctx, 1); j++ {
		_, e = fmt.Fprintf(conn, "%s says hi %d\n", name, j+1)
	}
	if e == nil && c.sleep(ctx, 1) {
		e = conn.(*net.TCPConn).CloseWrite()
	}

	// Print what the server said, in one piece, as the client's screen.
	var screen strings.Builder
	input := bufio.NewScanner(conn)
	for input.Scan() {
		fmt.Fprintf(&screen, "%s %s\n", name, input.Text())
	}
	io.WriteString(c.out, screen.String())
	if e = cmp.Or(e, input.Err()); e != nil && ctx.Err() == nil {
		*err = fmt.Errorf("chat: %s: %w", name, e)
	}
}

// sleep waits n pauses, stopping early if ctx is cancelled, and reports
// whether ctx is still live.
func (c chat) sleep(ctx context.Context, n int) bool {
	for ; n > 0 && ctx.Err() == nil; n-- {
		time.Sleep(c.pause)
	}
	return ctx.Err() == nil
}
