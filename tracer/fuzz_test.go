package tracer_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// FuzzRead reads arbitrary input as a trace, seeded with the traces in
// testdata, in every format the reader knows, whole and in parts (as Read
// reads a big trace, here split at every generation). Whatever the input, Read
// returns a timeline or an error that wraps ErrBroken, never panics and
// never reports an internal error; and a timeline it returns, whole or
// partial, holds together:
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 10m ./tracer
func FuzzRead(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.trace"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed traces in testdata (%v); go test -update ./tracer records them", err)
	}
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tl, err := tracer.Read(bytes.NewReader(data), nil)
		checkRead(t, tl, err)

		// The same, read in parts as a big trace is, a generation each.
		tl, _, err = tracer.ReadSplit(data)
		checkRead(t, tl, err)
	})
}

// checkRead checks what Read returned for any input.
func checkRead(t *testing.T, tl *tracer.Timeline, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, tracer.ErrBroken) {
			t.Fatalf("got %v, want a timeline or an error that wraps ErrBroken", err)
		}
		var be *tracer.BrokenError
		if errors.As(err, &be) && be.Partial != nil {
			checkTimeline(t, be.Partial)
		}
		return
	}
	checkTimeline(t, tl)
}

// checkTimeline checks what every timeline must satisfy, whatever trace
// it came from: steps in time order that can be described, spans and waits
// within the trace, and JSON that can be written.
func checkTimeline(t *testing.T, tl *tracer.Timeline) {
	t.Helper()
	last := tracer.Time(0)
	for i, s := range tl.Steps.All() {
		if s.Time < last {
			t.Fatalf("step %d at %d after one at %d", i, s.Time, last)
		}
		last = s.Time
		if g := tl.Goroutine(s.G); g == nil && s.G != tracer.NoG {
			t.Fatalf("step %d: got goroutine %d, want one of the timeline's", i, s.G)
		}
		_ = tl.Describe(s)
		_ = tl.StepSite(s)
	}
	for _, g := range tl.Goroutines {
		if tl.Goroutine(g.ID) != g {
			t.Fatalf("goroutine %d cannot be looked up", g.ID)
		}
		for _, sp := range g.Spans.All() {
			if sp.Start < 0 || sp.End < sp.Start || sp.End > tl.Duration {
				t.Fatalf("g%d: got span %+v, want one within 0 to %d", g.ID, sp, tl.Duration)
			}
			if sp.Block >= int32(g.Blocks.Len()) || (sp.State == tracer.Waiting) != (sp.Block >= 0) {
				t.Fatalf("g%d: got span %+v with %d waits", g.ID, sp, g.Blocks.Len())
			}
		}
		for _, b := range g.Blocks.All() {
			if b.End != tracer.NoTime && b.End < b.Start {
				t.Fatalf("g%d: got wait %+v ending before it began", g.ID, b)
			}
		}
	}
	if err := tracer.WriteJSON(io.Discard, tl); err != nil {
		t.Fatal(err)
	}
}
