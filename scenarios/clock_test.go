package scenarios

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

func TestClock(t *testing.T) {
	const clients, ticks = 3, 4
	base := []string{"-clients", "3", "-ticks", "4", "-tick", "50ms"}
	tests := []struct {
		name       string
		args       []string
		sequential bool
	}{
		{"concurrent", base, false},
		{"sequential", append(base, "-sequential"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tl := record(t, "clock", tt.args...)

			// Every client read the time ticks times.
			order := clockReaders(t, out)
			count := map[string]int{}
			for _, name := range order {
				count[name]++
			}
			if len(count) != clients {
				t.Errorf("got lines for %d clients, want %d:\n%s", len(count), clients, out)
			}
			for name, n := range count {
				if n != ticks {
					t.Errorf("%s read %d lines, want %d", name, n, ticks)
				}
			}

			// One client at a time, each client's lines come in one run:
			// the next client read nothing until the one before had hung
			// up. Served together, the clients' lines interleave.
			runs := 0
			for i, name := range order {
				if i == 0 || name != order[i-1] {
					runs++
				}
			}
			switch {
			case tt.sequential && runs != clients:
				t.Errorf("got %d runs of lines, want %d, one per client:\n%s", runs, clients, out)
			case !tt.sequential && runs == clients:
				t.Errorf("got %d runs of lines, want the clients' lines interleaved:\n%s", runs, out)
			}

			// With go handleConn, each connection has its own goroutine; one
			// at a time, main runs handleConn itself.
			handlers := goroutinesRunning(tl, ".clock.handleConn")
			want := clients
			if tt.sequential {
				want = 0
			}
			if len(handlers) != want {
				t.Errorf("got %d handleConn goroutines, want %d", len(handlers), want)
			}
			if ncs := goroutinesRunning(tl, ".clock.netcat"); len(ncs) != clients {
				t.Errorf("got %d netcat goroutines, want %d", len(ncs), clients)
			}

			// Every goroutine the scenario started has ended, blocked in
			// network I/O and sleep on the way, never on a channel.
			for _, g := range append(handlers, goroutinesRunning(tl, ".clock.netcat")...) {
				if g.Ended == tracer.NoTime {
					t.Errorf("goroutine %d (%s) has not ended", g.ID, g.Name)
				}
				for _, b := range g.Blocks.All() {
					if strings.HasPrefix(b.Reason, "chan") || b.Reason == "select" {
						t.Errorf("goroutine %d (%s) blocked on %q at %s, want no channel waits",
							g.ID, g.Name, b.Reason, b.Site)
					}
				}
			}
			for _, g := range handlers {
				if !clockSlept(g) {
					t.Errorf("handleConn goroutine %d never slept, want a sleep between writes", g.ID)
				}
			}
		})
	}
}

// TestNetCancel cancels the network scenarios in the middle of long runs,
// with their longest pauses: each must return without an error within the
// probe's grace period, and leave no goroutine behind (TestMain checks).
func TestNetCancel(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"clock", []string{"-clients", "4", "-ticks", "1000", "-tick", "200ms"}},
		{"clock", []string{"-clients", "4", "-ticks", "1000", "-tick", "200ms", "-sequential"}},
		{"echo", []string{"-shouts", "1000", "-pause", "250ms", "-delay", "250ms"}},
		{"echo", []string{"-shouts", "1000", "-pause", "0s", "-delay", "250ms"}},
		{"chat", []string{"-clients", "20", "-says", "1000", "-pause", "250ms"}},
		{"chat", []string{"-clients", "20", "-says", "1000", "-pause", "0s"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{tt.name}, tt.args...), " "), func(t *testing.T) {
			run := mainOf(t, tt.name, tt.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			var expired atomic.Bool
			err := probe.Record(ctx, io.Discard, func(ctx context.Context) error {
				return run(ctx, io.Discard)
			}, func() { expired.Store(true) })
			if err != nil {
				t.Errorf("got error %v, want none after a cancellation", err)
			}
			if expired.Load() {
				t.Errorf("got a run that outlived its context by more than %v, "+
					"want it to return sooner", probe.Grace)
			}
		})
	}
}

// clockReaders returns the client name of each line the clock's clients
// printed, in order.
func clockReaders(t *testing.T, out string) []string {
	t.Helper()
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, time, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(name, "nc") || len(time) != len("15:04:05.000") {
			t.Fatalf("got line %q, want \"ncN hh:mm:ss.mmm\"", line)
		}
		order = append(order, name)
	}
	return order
}

// clockSlept reports whether g ever waited in time.Sleep.
func clockSlept(g *tracer.Goroutine) bool {
	for _, b := range g.Blocks.All() {
		if b.Reason == "sleep" {
			return true
		}
	}
	return false
}
