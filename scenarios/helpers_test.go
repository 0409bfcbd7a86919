package scenarios

import (
	"bytes"
	"context"
	"flag"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// record runs the named scenario with args under the probe, as gocspviz run
// does, and returns what it printed and its trace read into a timeline.
func record(t *testing.T, name string, args ...string) (string, *tracer.Timeline) {
	t.Helper()
	run := mainOf(t, name, args...)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, tr bytes.Buffer
	err := probe.Record(ctx, &tr, func(ctx context.Context) error { return run(ctx, &out) }, nil)
	if err != nil {
		t.Fatalf("run %s %v: %v", name, args, err)
	}
	tl, err := tracer.Read(&tr, nil)
	if err != nil {
		t.Fatalf("read trace of %s: %v", name, err)
	}
	return out.String(), tl
}

// runDirect runs the named scenario with args under ctx, without tracing,
// and returns what it printed and its error.
func runDirect(t *testing.T, ctx context.Context, name string, args ...string) (string, error) {
	t.Helper()
	run := mainOf(t, name, args...)
	var out bytes.Buffer
	err := run(ctx, &out)
	return out.String(), err
}

// mainOf returns the named scenario's Main with args parsed, failing the
// test if there is no such scenario or the flags do not parse.
func mainOf(t *testing.T, name string, args ...string) Main {
	t.Helper()
	s, ok := Lookup(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return run
}

// channel returns the timeline's channel with the given name, failing the
// test if there is not exactly one.
func channel(t *testing.T, tl *tracer.Timeline, name string) *tracer.Channel {
	t.Helper()
	var found *tracer.Channel
	for _, c := range tl.Channels {
		if c.Name == name {
			if found != nil {
				t.Fatalf("two channels named %q", name)
			}
			found = c
		}
	}
	if found == nil {
		t.Fatalf("no channel named %q", name)
	}
	return found
}

// opsOf returns c's operations of the given kind, or all for kind 0, in
// the order they began.
func opsOf(c *tracer.Channel, kind tracer.OpKind) []tracer.Op {
	var ops []tracer.Op
	for _, op := range c.Ops.All() {
		if op.Kind == kind || kind == 0 {
			ops = append(ops, op)
		}
	}
	return ops
}

// completed returns the number of c's operations of the given kind that
// completed, that is whose End is known.
func completed(c *tracer.Channel, kind tracer.OpKind) int {
	n := 0
	for _, op := range c.Ops.All() {
		if op.Kind == kind && op.End != tracer.NoTime {
			n++
		}
	}
	return n
}

// mostHeld returns the most tokens c, a buffered channel used as a
// semaphore, surely held at once: a send takes a token and a receive gives
// one back.
//
// The probe logs an operation's start before it and its end after it, so
// the operation itself lies somewhere between the two. A token is surely
// held from the end of its send to the start of its receive: counting an
// acquisition at the send's End and a release at the receive's Start gives
// a lower bound of the buffer's occupancy, which must never exceed its
// capacity. Counting both at their ends could show one token too many when
// a release is logged late. At equal times, releases count first.
func mostHeld(c *tracer.Channel) int {
	type change struct {
		at    tracer.Time
		delta int
	}
	var changes []change
	for _, op := range c.Ops.All() {
		switch {
		case op.Kind == tracer.Send && op.End != tracer.NoTime:
			changes = append(changes, change{op.End, +1})
		case op.Kind == tracer.Recv:
			changes = append(changes, change{op.Start, -1})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].at != changes[j].at {
			return changes[i].at < changes[j].at
		}
		return changes[i].delta < changes[j].delta
	})

	// The running count's maximum.
	held, most := 0, 0
	for _, ch := range changes {
		held += ch.delta
		most = max(most, held)
	}
	return most
}

// goroutinesRunning returns the goroutines whose start function, their
// lane's name, ends with suffix.
func goroutinesRunning(tl *tracer.Timeline, suffix string) []*tracer.Goroutine {
	var gs []*tracer.Goroutine
	for _, g := range tl.Goroutines {
		if strings.HasSuffix(g.Name, suffix) {
			gs = append(gs, g)
		}
	}
	return gs
}

// leakReported reports whether tl has a leak finding for goroutine g.
func leakReported(tl *tracer.Timeline, g tracer.GID) bool {
	for _, f := range tl.Findings {
		if f.Kind == tracer.Leak && f.G == g {
			return true
		}
	}
	return false
}

// scenarioLeaks returns the leak findings of goroutines that run a function
// of this package. The others are the test's: a parent test waiting for its
// subtest, say, which the trace rightly shows blocked to the end.
func scenarioLeaks(tl *tracer.Timeline) []tracer.Finding {
	var leaks []tracer.Finding
	for _, f := range tl.Findings {
		g := tl.Goroutine(f.G)
		if f.Kind == tracer.Leak && g != nil &&
			strings.HasPrefix(g.Name, "github.com/gocspviz/gocspviz/scenarios.") {
			leaks = append(leaks, f)
		}
	}
	return leaks
}
