package tracer_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strconv"
	"testing"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// recordPipeline records the pipeline scenario with the given flags and
// returns the raw trace.
func recordPipeline(t testing.TB, args ...string) []byte {
	t.Helper()
	s, ok := scenarios.Lookup("pipeline")
	if !ok {
		t.Fatal("no pipeline scenario")
	}
	fs := flag.NewFlagSet("pipeline", flag.ContinueOnError)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err := probe.Record(context.Background(), &buf, func(ctx context.Context) error {
		return run(ctx, io.Discard)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readPipeline(t *testing.T, args ...string) *tracer.Timeline {
	t.Helper()
	tl, err := tracer.Read(bytes.NewReader(recordPipeline(t, args...)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// byName returns the goroutines whose short name is name.
func byName(tl *tracer.Timeline, name string) []*tracer.Goroutine {
	var gs []*tracer.Goroutine
	for _, g := range tl.Goroutines {
		if tracer.ShortName(g.Name) == name {
			gs = append(gs, g)
		}
	}
	return gs
}

func chanByName(t *testing.T, tl *tracer.Timeline, name string) (int32, *tracer.Channel) {
	t.Helper()
	for i, c := range tl.Channels {
		if c.Name == name {
			return int32(i), c
		}
	}
	t.Fatalf("no channel %q", name)
	return -1, nil
}

func TestPipeline(t *testing.T) {
	for _, buffer := range []int{0, 3} {
		t.Run("buffer="+strconv.Itoa(buffer), func(t *testing.T) {
			const n = 20
			tl := readPipeline(t, "-n", strconv.Itoa(n), "-buffer", strconv.Itoa(buffer))
			checkPipeline(t, tl, n, buffer)
		})
	}
}

func checkPipeline(t *testing.T, tl *tracer.Timeline, n, buffer int) {
	// The stages exist, and the counter and squarer were created by the
	// goroutine that runs the printer.
	counters, squarers := byName(tl, "counter"), byName(tl, "squarer")
	if len(counters) != 1 || len(squarers) != 1 {
		t.Fatalf("got %d counters and %d squarers, want 1 each", len(counters), len(squarers))
	}
	counter, squarer := counters[0], squarers[0]
	_, naturals := chanByName(t, tl, "naturals")
	sqi, squares := chanByName(t, tl, "squares")
	printer := receiver(t, squares)
	if counter.Parent != printer || squarer.Parent != printer {
		t.Errorf("got parents %d and %d, want the printer %d", counter.Parent, squarer.Parent, printer)
	}
	if counter.Ended == tracer.NoTime || squarer.Ended == tracer.NoTime {
		t.Errorf("counter or squarer did not end")
	}

	// Each channel carries n sends and n paired receives of the right
	// values, then a close and one receive of the zero value.
	for _, tc := range []struct {
		c        *tracer.Channel
		from, to tracer.GID
		value    func(int) int
	}{
		{naturals, counter.ID, squarer.ID, func(x int) int { return x }},
		{squares, squarer.ID, printer, func(x int) int { return x * x }},
	} {
		t.Run(tc.c.Name, func(t *testing.T) {
			if tc.c.Cap != buffer {
				t.Errorf("got cap %d, want %d", tc.c.Cap, buffer)
			}
			var sends, recvs, closes, zeros int
			for _, op := range tc.c.Ops.All() {
				if op.End == tracer.NoTime {
					t.Errorf("op %+v never completed", op)
				}
				switch op.Kind {
				case tracer.Send:
					if op.G != tc.from || op.Value != strconv.Itoa(tc.value(sends)) {
						t.Errorf("send %d: got %s by g%d, want %d by g%d",
							sends, op.Value, op.G, tc.value(sends), tc.from)
					}
					sends++
				case tracer.Recv:
					if op.G != tc.to {
						t.Errorf("receive by g%d, want g%d", op.G, tc.to)
					}
					if !op.OK {
						zeros++
						continue
					}
					if op.Send < 0 || tc.c.Ops.At(int(op.Send)).Value != op.Value ||
						op.Value != strconv.Itoa(tc.value(recvs)) {
						t.Errorf("receive %d: got %q paired with %d, want %d",
							recvs, op.Value, op.Send, tc.value(recvs))
					}
					recvs++
				case tracer.Close:
					closes++
				}
			}
			if sends != n || recvs != n || closes != 1 || zeros != 1 {
				t.Errorf("got %d sends, %d receives, %d closes, %d zero receives; want %d, %d, 1, 1",
					sends, recvs, closes, zeros, n, n)
			}
		})
	}

	// Every "chan send" wait of the counter belongs to a send on naturals.
	for _, b := range counter.Blocks.All() {
		if b.Reason != "chan send" {
			continue
		}
		if b.Chan < 0 || tl.Channels[b.Chan] != naturals || naturals.Ops.At(int(b.Op)).Kind != tracer.Send {
			t.Errorf("counter's wait at %s is not tied to a send on naturals", tracer.FormatTime(b.Start))
		}
	}
	if buffer == 0 && counter.Blocks.Len() == 0 {
		t.Errorf("the counter of an unbuffered pipeline never blocked")
	}

	// Steps are in time order and the last receive on squares is a step.
	var last tracer.Time
	var recvSteps int
	for _, s := range tl.Steps.All() {
		if s.Time < last {
			t.Fatalf("step at %d after one at %d", s.Time, last)
		}
		last = s.Time
		if s.Kind == tracer.StepRecv && s.Chan == sqi {
			recvSteps++
		}
	}
	if recvSteps != n+1 {
		t.Errorf("got %d receive steps on squares, want %d", recvSteps, n+1)
	}
	// No finding about the pipeline. The test's own goroutines may have
	// one: the goroutine of TestPipeline can block in t.Run after the
	// recording began, and stays blocked until the subtest ends.
	for _, f := range tl.Findings {
		if f.G == counter.ID || f.G == squarer.ID || f.G == printer || f.Kind == tracer.Deadlock {
			t.Errorf("got finding %v, want none about the pipeline", f)
		}
	}
}

// receiver returns the goroutine that receives from c.
func receiver(t *testing.T, c *tracer.Channel) tracer.GID {
	t.Helper()
	for _, op := range c.Ops.All() {
		if op.Kind == tracer.Recv {
			return op.G
		}
	}
	t.Fatalf("no receive on %s", c.Name)
	return tracer.NoG
}
