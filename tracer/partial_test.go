package tracer_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// digest sums up what a viewer reads of a timeline, to tell whether it
// changed.
func digest(tl *tracer.Timeline) uint64 {
	var h uint64 = 14695981039346656037
	mix := func(vs ...int64) {
		for _, v := range vs {
			h = (h ^ uint64(v)) * 1099511628211
		}
	}
	mix(int64(tl.Events), int64(tl.Duration), int64(tl.Begin), int64(tl.End),
		int64(tl.Stacks.Len()), int64(len(tl.Logs)))
	for _, g := range tl.Goroutines {
		system := int64(0)
		if g.System {
			system = 1
		}
		mix(int64(g.ID), int64(g.Parent), int64(g.Created), int64(g.Ended), int64(len(g.Name)), system)
		for _, s := range g.Spans.All() {
			mix(int64(s.Start), int64(s.End), int64(s.State), int64(s.Block))
		}
		for _, b := range g.Blocks.All() {
			mix(int64(b.Start), int64(b.End), int64(b.WokenBy), int64(b.Chan), int64(b.Op), int64(b.Select))
		}
	}
	for _, c := range tl.Channels {
		for _, op := range c.Ops.All() {
			mix(int64(op.G), int64(op.Start), int64(op.End), int64(op.Seq), int64(op.Send), int64(len(op.Value)))
		}
	}
	for _, s := range tl.Selects {
		mix(int64(s.End), int64(s.Chosen), int64(len(s.Cases)))
	}
	for _, s := range tl.Steps.All() {
		mix(int64(s.Time), int64(s.G), int64(s.Other), int64(s.Kind), int64(s.Chan), int64(s.Op), int64(s.Block))
	}
	return h
}

// TestPartialTimelines checks the timelines of a trace read so far: each
// is a beginning of the whole, finished as the whole is, and stays as it
// was handed out while the reading goes on. Each is read on another
// goroutine while the reader goes on, as a viewer would, for the race
// detector to see.
func TestPartialTimelines(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   func(t *testing.T) []byte
		shares bool // goroutines end before the last partial timeline
	}{
		{"pipeline", func(t *testing.T) []byte { return recordPipeline(t, "-n", "3000") }, false},
		// The chat's broadcaster selects while clients send: its
		// operations are numbered anew at the end of a read.
		{"chat", func(t *testing.T) []byte {
			var buf bytes.Buffer
			if err := probe.Record(context.Background(), &buf, func(ctx context.Context) error {
				return scenario(t, "chat", "-clients", "8", "-says", "20", "-pause", "1ms")(ctx, io.Discard)
			}, nil); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, false},
		// Goroutines that end one after another while partial timelines
		// come, which share them as they are.
		{"short-lived", func(t *testing.T) []byte {
			var buf bytes.Buffer
			if err := probe.Record(context.Background(), &buf, func(ctx context.Context) error {
				done := make(chan int)
				for i := range 5000 {
					go func() { done <- i }()
					<-done
				}
				return nil
			}, nil); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if shared := checkPartials(t, tc.data(t)); tc.shares && shared == 0 {
				t.Error("no goroutine that ended is shared by the last partial timeline and the whole")
			}
		})
	}
}

// checkPartials reads data handing out partial timelines and checks them.
// It returns how many goroutines the last and the whole timeline share.
func checkPartials(t *testing.T, data []byte) int {
	type partial struct {
		tl     *tracer.Timeline
		digest uint64
	}
	handed := make(chan *tracer.Timeline)
	read := make(chan partial)
	go func() {
		defer close(read)
		for tl := range handed {
			read <- partial{tl, digest(tl)}
		}
	}()
	var parts []partial
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := range read {
			parts = append(parts, p)
		}
	}()
	whole, err := tracer.ReadEveryBatch(bytes.NewReader(data), func(tl *tracer.Timeline) { handed <- tl })
	close(handed)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 3 {
		t.Fatalf("%d partial timelines of %d events, want one every batch", len(parts), whole.Events)
	}
	// Handing out partial timelines leaves the whole as it is without.
	plain, err := tracer.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(plain, whole); d != "" {
		t.Errorf("read with partial timelines, the timeline differs: %s", d)
	}

	// A goroutine that ended is shared, not copied, by the partial
	// timelines after its end, and by the whole.
	shared := 0
	for _, g := range parts[len(parts)-1].tl.Goroutines {
		if whole.Goroutine(g.ID) == g {
			shared++
			if g.Ended == tracer.NoTime {
				t.Fatalf("goroutine %d, still there, is shared by the last partial timeline", g.ID)
			}
		}
	}

	prev, prevSteps := 0, 0
	for i, p := range parts {
		tl := p.tl
		if d := digest(tl); d != p.digest {
			t.Errorf("partial %d changed after it was handed out", i)
		}
		if tl.Events <= prev || tl.Events >= whole.Events {
			t.Errorf("partial %d has %d events, after %d, of %d", i, tl.Events, prev, whole.Events)
		}
		prev = tl.Events
		if tl.Findings != nil {
			t.Errorf("partial %d has findings: %v", i, tl.Findings)
		}
		switch {
		case tl.Duration < whole.Begin:
			// Read before the program's begin mark: no window yet, and
			// the steps are the tracing machinery's.
			if tl.Begin != 0 || tl.End != tl.Duration {
				t.Errorf("partial %d, read before the program began, spans %d..%d", i, tl.Begin, tl.End)
			}
		case tl.Begin != whole.Begin || tl.End != tl.Duration && tl.End != whole.End || tl.Duration > whole.Duration:
			// A partial's window ends where it does, or where the program
			// did once it has read that far.
			t.Errorf("partial %d spans %d..%d of %d, whole %d..%d",
				i, tl.Begin, tl.End, tl.Duration, whole.Begin, whole.End)
		case tl.Steps.Len() < prevSteps || tl.Steps.Len() == 0:
			t.Errorf("partial %d has %d steps, after %d", i, tl.Steps.Len(), prevSteps)
		default:
			prevSteps = tl.Steps.Len()
			// Steps the whole trace has past its end may be missing.
			for k, s := range tl.Steps.All() {
				if s.Time > whole.End {
					break
				}
				if w := whole.Steps.At(k); s.Time != w.Time || s.Kind != w.Kind || s.G != w.G {
					t.Fatalf("partial %d: step %d is %s, whole trace's %s", i, k, tl.Describe(s), whole.Describe(w))
				}
			}
		}
		for _, g := range tl.Goroutines {
			w := whole.Goroutine(g.ID)
			if w == nil || w.Created != g.Created || w.Parent != g.Parent || g.Spans.Len() > w.Spans.Len() {
				t.Fatalf("partial %d: goroutine %d differs from the whole trace's", i, g.ID)
			}
			// All spans but the last, which the partial closes early.
			n := g.Spans.Len()
			for k, sp := range g.Spans.All() {
				if ws := w.Spans.At(k); sp != ws && (k < n-1 || sp.End != tl.Duration) {
					t.Fatalf("partial %d: goroutine %d span %d of %d is %+v, whole %+v", i, g.ID, k, n, sp, ws)
				}
			}
		}
		// Every operation is one of the whole trace's. They need not be
		// the first ones: a select's operation, dated from the select's
		// start, is added when the select chooses it, after operations
		// that began later.
		type opKey struct {
			g     tracer.GID
			kind  tracer.OpKind
			start tracer.Time
		}
		for ci, c := range tl.Channels {
			left := map[opKey]int{}
			for _, w := range whole.Channels[ci].Ops.All() {
				left[opKey{w.G, w.Kind, w.Start}]++
			}
			for k, op := range c.Ops.All() {
				key := opKey{op.G, op.Kind, op.Start}
				if left[key] == 0 {
					t.Fatalf("partial %d: %s op %d, %+v, is not in the whole trace", i, c.Name, k, op)
				}
				left[key]--
				if op.Kind == tracer.Recv && op.Send >= 0 {
					if s := c.Ops.At(int(op.Send)); s.Kind != tracer.Send || s.Seq != op.Seq {
						t.Fatalf("partial %d: %s op %d, %+v, got the value of %+v", i, c.Name, k, op, s)
					}
				}
			}
		}
	}
	return shared
}
