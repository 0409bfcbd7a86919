package scenarios

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The echo server of section 8.3 and its client, netcat3, of section 8.4.1.
// The reverb server answers each shout in its own goroutine (go echo(...)),
// so that the fading echoes of one shout overlap those of the next. The
// client's main goroutine sends the shouts while a background goroutine
// copies the echoes to out; once it has no more to say, main waits on done
// until the background copy has seen the end of the connection.
//
// The scripted client sends -shouts shouts, one every -pause, in place of
// typed lines; out shows only what the server says. The client
// half-closes the connection when done, as exercise 8.3 suggests, and
// handleConn waits for its echoes before closing, as exercise 8.4 asks: with
// the book's plain Close, echoes still on their way would be lost. The
// server accepts until the client is done. -delay and -pause are at most
// 250ms so that a cancelled run ends within the probe's grace period.
func init() {
	register(Scenario{
		Name:    "echo",
		Section: "8.3",
		Summary: "a reverb server with a goroutine per shout; netcat3 waits on done",
		Setup: func(fs *flag.FlagSet) Main {
			shouts := fs.Int("shouts", 5, "how many shouts the client sends")
			pause := fs.Duration("pause", 150*time.Millisecond,
				"pause between two shouts (at most 250ms)")
			delay := fs.Duration("delay", 200*time.Millisecond,
				"pause between two echoes of a shout (at most 250ms)")
			return func(ctx context.Context, out io.Writer) error {
				switch {
				case *shouts < 1:
					return fmt.Errorf("echo: -shouts must be at least 1")
				case *pause < 0 || *pause > 250*time.Millisecond:
					return fmt.Errorf("echo: -pause must be between 0 and 250ms")
				case *delay < 0 || *delay > 250*time.Millisecond:
					return fmt.Errorf("echo: -delay must be between 0 and 250ms")
				}
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return fmt.Errorf("echo: listen: %w", err)
				}
				rv := reverb{delay: *delay, wg: new(sync.WaitGroup)}
				rv.wg.Add(1)
				go rv.serve(ctx, ln)
				err = netcat3(ctx, out, ln.Addr().String(), *shouts, *pause)

				// Closing the listener ends serve; every handleConn has
				// ended once the client saw its connection close.
				ln.Close()
				rv.wg.Wait()
				return err
			}
		},
	})
}

// shoutTexts are what the scripted client shouts, in turn.
var shoutTexts = []string{
	"Hello?", "Is anybody there?", "Over here!", "Anyone home?", "Yoo-hoo!",
}

// reverb is the echo server.
type reverb struct {
	delay time.Duration   // between two echoes of a shout
	wg    *sync.WaitGroup // serve and every handleConn
}

// serve accepts connections and handles each in its own goroutine until
// the listener is closed.
func (rv reverb) serve(ctx context.Context, ln net.Listener) {
	defer rv.wg.Done()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return // the listener was closed
		}
		rv.wg.Add(1)
		go rv.handleConn(ctx, conn)
	}
}

// handleConn echoes every line it reads, each in its own goroutine, and
// closes the connection once the client has stopped and every echo is done.
func (rv reverb) handleConn(ctx context.Context, c net.Conn) {
	defer rv.wg.Done()
	defer c.Close()
	defer context.AfterFunc(ctx, func() { c.Close() })()
	var echoes sync.WaitGroup
	input := bufio.NewScanner(c)
	for input.Scan() {
		echoes.Add(1)
		go rv.echo(c, input.Text(), &echoes)
	}
	// NOTE: ignoring input.Err(), as the book does.
	echoes.Wait()
}

// echo writes shout three times, loud to soft, rv.delay apart; it stops
// early if the connection is closed.
func (rv reverb) echo(c net.Conn, shout string, wg *sync.WaitGroup) {
	defer wg.Done()
	for i, s := range []string{strings.ToUpper(shout), shout, strings.ToLower(shout)} {
		if i > 0 {
			time.Sleep(rv.delay)
		}
		if _, err := fmt.Fprintln(c, "\t", s); err != nil {
			return
		}
	}
}

// netcat3 is the client: it shouts while printEchoes copies the replies to
// out, then half-closes the connection and waits on done for the copy to
// finish.
func netcat3(ctx context.Context, out io.Writer, addr string,
	shouts int, pause time.Duration) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("echo: dial: %w", err)
	}
	defer conn.Close()
	defer context.AfterFunc(ctx, func() { conn.Close() })()

	done := probe.NewChan[struct{}]("done", 0)
	go printEchoes(out, conn, done)

	// Shout, one line at a time, as the user would type.
	var werr error
	for i := 0; i < shouts && werr == nil && ctx.Err() == nil; i++ {
		if i > 0 {
			time.Sleep(pause)
		}
		_, werr = fmt.Fprintln(conn, shoutTexts[i%len(shoutTexts)])
	}
	if werr == nil {
		werr = conn.(*net.TCPConn).CloseWrite()
	}

	// Wait for the background goroutine to finish.
	done.Recv()
	if werr != nil && ctx.Err() == nil {
		return fmt.Errorf("echo: shout: %w", werr)
	}
	return nil
}

// printEchoes copies what the server says to out until the connection
// ends, then signals done.
func printEchoes(out io.Writer, conn net.Conn, done probe.Sender[struct{}]) {
	io.Copy(out, conn) // NOTE: ignoring errors, as the book does
	fmt.Fprintln(out, "done")
	done.Send(struct{}{})
}
