package scenarios

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// The clock server of section 8.2: it listens on loopback and writes the
// time to each client every tick. By default it serves each connection in
// its own goroutine (go handleConn(conn)), so that all clients get the time
// together; with -sequential it calls handleConn itself, as the book's first
// version does, and a client that connects while another is served reads
// nothing until that one has left.
//
// There are no channels here: the picture is goroutines blocked in network
// I/O and in time.Sleep. Scripted clients, each reading -ticks lines as nc
// would, stand in for the book's terminals; they all dial at once.
//
// Left out on purpose: the server runs forever in the book; here it accepts
// -clients connections and returns when they are done. The time carries
// milliseconds because the tick is short. -tick is at most 200ms so that a
// cancelled run ends within the probe's grace period: a server sleeping in
// handleConn only sees the cancellation at its next write.
func init() {
	register(Scenario{
		Name:    "clock",
		Section: "8.2",
		Summary: "a clock server on loopback: a goroutine per client, or one client at a time",
		Setup: func(fs *flag.FlagSet) Main {
			clients := fs.Int("clients", 2, "how many clients connect at once")
			ticks := fs.Int("ticks", 10, "how many times each client reads the time")
			tick := fs.Duration("tick", 100*time.Millisecond,
				"pause between two writes of the time (at most 200ms)")
			sequential := fs.Bool("sequential", false, "serve one client at a time, without go")
			return func(ctx context.Context, out io.Writer) error {
				switch {
				case *clients < 1 || *clients > 100:
					return fmt.Errorf("clock: -clients must be between 1 and 100")
				case *ticks < 1:
					return fmt.Errorf("clock: -ticks must be at least 1")
				case *tick < time.Millisecond || *tick > 200*time.Millisecond:
					return fmt.Errorf("clock: -tick must be between 1ms and 200ms")
				}
				return clock{
					tick:  *tick,
					ticks: *ticks,
					out:   &lockedWriter{w: out},
					wg:    new(sync.WaitGroup),
				}.main(ctx, *clients, *sequential)
			}
		},
	})
}

// clock is one run of the clock scenario.
type clock struct {
	tick  time.Duration
	ticks int
	out   *lockedWriter   // shared by the clients
	wg    *sync.WaitGroup // every handleConn and netcat
}

// main starts the clients, then accepts their connections and serves them.
func (c clock) main(ctx context.Context, clients int, sequential bool) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("clock: listen: %w", err)
	}
	defer ln.Close()
	defer context.AfterFunc(ctx, func() { ln.Close() })()

	// The clients dial at once, like nc started in several terminals.
	errs := make([]error, clients)
	for i := range clients {
		c.wg.Add(1)
		go c.netcat(ctx, fmt.Sprintf("nc%d", i+1), ln.Addr().String(), &errs[i])
	}

	// Serve each connection, in its own goroutine unless sequential. Closing
	// the listener on an error resets the connections it has not accepted,
	// so that their clients stop waiting.
	var acceptErr error
	for range clients {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				acceptErr = fmt.Errorf("clock: accept: %w", err)
			}
			ln.Close()
			break
		}
		c.wg.Add(1)
		if sequential {
			c.handleConn(ctx, conn)
		} else {
			go c.handleConn(ctx, conn)
		}
	}
	c.wg.Wait()

	if ctx.Err() != nil {
		return nil
	}
	return errors.Join(append(errs, acceptErr)...)
}

// handleConn writes the time to conn every tick until a write fails, which
// happens once the client has hung up.
func (c clock) handleConn(ctx context.Context, conn net.Conn) {
	defer c.wg.Done()
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	for {
		_, err := io.WriteString(conn, time.Now().Format("15:04:05.000\n"))
		if err != nil {
			return // the client is gone
		}
		time.Sleep(c.tick)
	}
}

// netcat is a scripted client: it connects, prints the first c.ticks lines
// it reads, and hangs up. It stores in *err why it could not.
func (c clock) netcat(ctx context.Context, name, addr string, err *error) {
	defer c.wg.Done()
	var d net.Dialer
	conn, e := d.DialContext(ctx, "tcp", addr)
	if e != nil {
		*err = fmt.Errorf("clock: %s: %w", name, e)
		return
	}
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { conn.Close() })()

	// Read the lines one by one, as a terminal shows them.
	in := bufio.NewScanner(conn)
	for range c.ticks {
		if !in.Scan() {
			e := in.Err()
			if e == nil {
				e = io.ErrUnexpectedEOF
			}
			*err = fmt.Errorf("clock: %s: read: %w", name, e)
			return
		}
		fmt.Fprintf(c.out, "%s %s\n", name, in.Text())
	}
}
