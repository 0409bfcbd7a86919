package tracer_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"runtime/trace"
	"slices"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// recordScenario records a scenario while a flight recorder beside the
// trace ends a generation every so often, so that probe operations and
// selects are under way at many generation boundaries.
func recordScenario(t *testing.T, every time.Duration, name string, args ...string) []byte {
	t.Helper()
	return recordEvery(t, every, scenario(t, name, args...))
}

// scenario returns the run of a scenario with the given arguments.
func scenario(t *testing.T, name string, args ...string) func(context.Context, io.Writer) error {
	t.Helper()
	s, ok := scenarios.Lookup(name)
	if !ok {
		t.Fatalf("no scenario %s", name)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return run
}

// recordEvery records run as recordScenario records a scenario.
func recordEvery(t *testing.T, every time.Duration, run func(context.Context, io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	// The probe's own ends of generations, by size, are turned off: this
	// flight recorder ends them by time, in the middle of operations.
	err := probe.RecordWith(context.Background(), &buf, func(ctx context.Context) error {
		fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{})
		if err := fr.Start(); err != nil {
			return err
		}
		defer fr.Stop()
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					fr.WriteTo(io.Discard)
				}
			}
		}()
		defer func() { close(stop); <-done }()
		return run(ctx, io.Discard)
	}, probe.RecordOptions{GenerationBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// diff returns where two timelines differ first, or "".
func diff(a, b *tracer.Timeline) string {
	switch {
	case a.Events != b.Events, a.Duration != b.Duration, a.Begin != b.Begin, a.End != b.End:
		return fmt.Sprintf("events %d, %d; duration %d, %d; window %d..%d, %d..%d",
			a.Events, b.Events, a.Duration, b.Duration, a.Begin, a.End, b.Begin, b.End)
	case len(a.Goroutines) != len(b.Goroutines):
		return fmt.Sprintf("%d goroutines, %d", len(a.Goroutines), len(b.Goroutines))
	}
	for i, g := range a.Goroutines {
		h := b.Goroutines[i]
		// What a Goroutine says but its spans and waits.
		type head struct {
			ID, Parent     tracer.GID
			Name           string
			Created, Ended tracer.Time
			GoStack        int32
			System         bool
		}
		gc := head{g.ID, g.Parent, g.Name, g.Created, g.Ended, g.GoStack, g.System}
		hc := head{h.ID, h.Parent, h.Name, h.Created, h.Ended, h.GoStack, h.System}
		if gc != hc {
			return fmt.Sprintf("goroutine %d: %+v, %+v", i, gc, hc)
		}
		for k := range min(g.Spans.Len(), h.Spans.Len()) {
			if g.Spans.At(k) != h.Spans.At(k) {
				return fmt.Sprintf("goroutine %d span %d of %d, %d: %+v, %+v",
					g.ID, k, g.Spans.Len(), h.Spans.Len(), g.Spans.At(k), h.Spans.At(k))
			}
		}
		for k := range min(g.Blocks.Len(), h.Blocks.Len()) {
			if g.Blocks.At(k) != h.Blocks.At(k) {
				return fmt.Sprintf("goroutine %d block %d: %+v, %+v", g.ID, k, g.Blocks.At(k), h.Blocks.At(k))
			}
		}
		if g.Spans.Len() != h.Spans.Len() || g.Blocks.Len() != h.Blocks.Len() {
			return fmt.Sprintf("goroutine %d: %d spans, %d; %d blocks, %d",
				g.ID, g.Spans.Len(), h.Spans.Len(), g.Blocks.Len(), h.Blocks.Len())
		}
	}
	for i := range min(a.Steps.Len(), b.Steps.Len()) {
		if a.Steps.At(i) != b.Steps.At(i) {
			return fmt.Sprintf("step %d: %+v (%s), %+v (%s)", i,
				a.Steps.At(i), a.Describe(a.Steps.At(i)),
				b.Steps.At(i), b.Describe(b.Steps.At(i)))
		}
	}
	if len(a.Channels) != len(b.Channels) {
		return fmt.Sprintf("%d channels, %d", len(a.Channels), len(b.Channels))
	}
	for i, c := range a.Channels {
		d := b.Channels[i]
		cc, dc := *c, *d
		cc.Ops, dc.Ops = tracer.Ops{}, tracer.Ops{}
		if !reflect.DeepEqual(cc, dc) || c.Ops.Len() != d.Ops.Len() {
			return fmt.Sprintf("channel %d: %+v with %d operations, %+v with %d", i, cc, c.Ops.Len(), dc, d.Ops.Len())
		}
		for k := range c.Ops.Len() {
			if c.Ops.At(k) != d.Ops.At(k) {
				return fmt.Sprintf("channel %d operation %d: %+v, %+v", i, k, c.Ops.At(k), d.Ops.At(k))
			}
		}
	}
	for _, c := range []struct {
		what string
		x, y any
	}{
		{"steps", a.Steps.Len(), b.Steps.Len()},
		{"selects", a.Selects, b.Selects}, {"stacks", stackList(&a.Stacks), stackList(&b.Stacks)},
		{"logs", a.Logs, b.Logs}, {"findings", a.Findings, b.Findings},
	} {
		if !reflect.DeepEqual(c.x, c.y) {
			return fmt.Sprintf("%s differ:\n%+v\n%+v", c.what, c.x, c.y)
		}
	}
	return ""
}

// slowHandoffs blocks in sends, receives and selects for longer than a
// generation lasts, so that operations begun in one generation complete
// in a later one.
func slowHandoffs(context.Context, io.Writer) error {
	const n, pause = 4, 3 * time.Millisecond
	values := probe.NewChan[int]("values", 0)
	picks := probe.NewChan[int]("picks", 0)
	late := probe.NewChan[int]("late", 0)
	done := make(chan struct{})
	go func() { // receives each value a pause after it was offered
		defer close(done)
		for range n {
			time.Sleep(pause)
			values.Recv()
		}
		for i := range n { // sends each a pause after it was asked for
			time.Sleep(pause)
			late.Send(i)
		}
		for i := range n { // offers in a select, taken a pause later
			probe.Select(picks.SendCase(i, nil), values.RecvCase(nil))
		}
	}()
	for i := range n {
		values.Send(i)
	}
	for range n {
		late.Recv()
	}
	for range n {
		time.Sleep(pause)
		picks.Recv()
	}
	<-done
	return nil
}

// TestSplitMatchesWhole reads traces of many generations in as many
// parts, one a generation, and checks that the stitched timeline is the
// one a single reader makes: scenarios recorded here, and tracegen's
// traces of several generations in each format that has generations.
func TestSplitMatchesWhole(t *testing.T) {
	traces := []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"tracegen", func(t *testing.T) []byte { return readTestdata(t, generationsTrace) }},
		{"slow handoffs", func(t *testing.T) []byte { return recordEvery(t, time.Millisecond, slowHandoffs) }},
		{"pipeline", func(t *testing.T) []byte {
			return recordScenario(t, 2*time.Millisecond, "pipeline", "-n", "3000")
		}},
		{"pipeline by size", func(t *testing.T) []byte {
			// Generations ended by the probe, every 64 KB.
			var buf bytes.Buffer
			err := probe.RecordWith(context.Background(), &buf, func(ctx context.Context) error {
				return scenario(t, "pipeline", "-n", "3000")(ctx, io.Discard)
			}, probe.RecordOptions{GenerationBytes: 64 << 10})
			if err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}},
		{"countdown", func(t *testing.T) []byte {
			return recordScenario(t, 3*time.Millisecond, "countdown", "-n", "20", "-tick", "5ms", "-abort-after", "15")
		}},
		{"du", func(t *testing.T) []byte { return recordScenario(t, 3*time.Millisecond, "du") }},
		{"chat", func(t *testing.T) []byte { return recordScenario(t, 3*time.Millisecond, "chat", "-pause", "10ms") }},
	}
	for _, tc := range toolchains {
		if tc.format != "go 1.21" {
			name := gensFile(tc.file)
			traces = append(traces, struct {
				name string
				data func(t *testing.T) []byte
			}{name, func(t *testing.T) []byte { return readTestdata(t, name) }})
		}
	}
	for _, tc := range traces {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			whole, err := tracer.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			split, parts, err := tracer.ReadSplit(data)
			if err != nil {
				t.Fatal(err)
			}
			if parts < 2 {
				t.Fatalf("read in %d part, want several", parts)
			}
			if d := diff(whole, split); d != "" {
				t.Errorf("read in %d parts, the timeline differs from the whole's: %s", parts, d)
			}
			checkLives(t, whole)
		})
	}
}

// checkLives checks that every span of every goroutine lies within its
// life, as Goroutine.Lives tells it: the UI passes over a goroutine at a
// moment it does not live without looking at its spans.
func checkLives(t *testing.T, tl *tracer.Timeline) {
	t.Helper()
	for _, g := range tl.Goroutines {
		for _, sp := range g.Spans.All() {
			if !g.Lives(sp.Start) || sp.End > sp.Start && !g.Lives(sp.End-1) {
				t.Errorf("g%d, created at %d and ended at %d, has the span %+v", g.ID, g.Created, g.Ended, sp)
				break
			}
		}
	}
}

// TestSplitBroken cuts a trace of many generations short and checks that
// reading it in parts fails as reading it whole does, with the same
// timeline of what came before the damage.
func TestSplitBroken(t *testing.T) {
	data := recordEvery(t, time.Millisecond, slowHandoffs)
	cut := data[:len(data)-len(data)/20]
	_, werr := tracer.Read(bytes.NewReader(cut), nil)
	_, parts, serr := tracer.ReadSplit(cut)
	var whole, split *tracer.BrokenError
	if !errors.As(werr, &whole) || !errors.As(serr, &split) {
		t.Fatalf("got %v whole and %v in parts, want broken traces", werr, serr)
	}
	if parts < 3 {
		t.Fatalf("read in %d parts, want several", parts)
	}
	if whole.Error() != split.Error() {
		t.Errorf("got %q in %d parts, want %q as whole", split, parts, whole)
	}
	if whole.Partial == nil || split.Partial == nil {
		t.Fatalf("got partial timelines %v whole and %v in parts", whole.Partial != nil, split.Partial != nil)
	}
	if d := diff(whole.Partial, split.Partial); d != "" {
		t.Errorf("the timeline before the damage differs when read in parts: %s", d)
	}
}

// TestSelectAcrossGenerations reads a select whose cases come two
// generations after it began, the generation between holding nothing of
// any channel, and a select the trace ends before its cases: a case not
// yet known names no channel, in the whole timeline and the stitched one.
func TestSelectAcrossGenerations(t *testing.T) {
	log := func(msg string) { trace.Log(context.Background(), probe.Category, msg) }
	data := recordEvery(t, time.Millisecond, func(context.Context, io.Writer) error {
		log("chan 900001 0 slow")
		time.Sleep(4 * time.Millisecond)
		log("select 900001 2")
		time.Sleep(4 * time.Millisecond)
		log("case 900001 0 recv 900001")
		log("case 900001 1 default")
		log("chose 900001 1 0 1")
		log("select 900002 2")
		return nil
	})
	whole, err := tracer.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	split, parts, err := tracer.ReadSplit(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(whole, split); d != "" {
		t.Errorf("read in %d parts, the timeline differs from the whole's: %s", parts, d)
	}
	var texts []string
	for _, sel := range whole.Selects {
		for _, c := range sel.Cases {
			texts = append(texts, whole.CaseText(c, false))
		}
	}
	want := []string{"receive from slow", "default", "?", "?"}
	if !slices.Equal(texts, want) {
		t.Errorf("cases %q, want %q", texts, want)
	}
}

// stackList returns the frames of every stack, as the numbering of the
// frames within Stacks may differ between two equal timelines.
func stackList(s *tracer.Stacks) [][]tracer.Frame {
	var out [][]tracer.Frame
	for i := range int32(s.Len()) {
		out = append(out, s.At(i))
	}
	return out
}
