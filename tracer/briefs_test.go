package tracer_test

import (
	"bytes"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestBriefs checks the briefs of the steps against the steps, on traces
// of the probe's pipeline and of tracegen, and on steps made by hand that
// name goroutines the timeline does not have.
func TestBriefs(t *testing.T) {
	check := func(what string, tl *tracer.Timeline) {
		t.Helper()
		n := 0
		index := func(id tracer.GID) int32 { return int32(tl.GoroutineIndex(id)) }
		for i, b := range tl.Briefs() {
			s := tl.Steps.At(i)
			want := tracer.StepBrief{Kind: s.Kind, G: index(s.G), Other: -1, Chan: s.Chan, Op: s.Op}
			if s.Kind == tracer.StepCreate || s.Kind == tracer.StepWake {
				want.Other = index(s.Other)
			}
			if b != want {
				t.Fatalf("%s: step %d (%+v) has brief %+v, want %+v", what, i, s, b, want)
			}
			n++
		}
		if n != tl.Steps.Len() || n == 0 {
			t.Fatalf("%s: %d briefs of %d steps", what, n, tl.Steps.Len())
		}
	}
	for _, name := range []string{"pipeline.trace", "tracegen-go1.26.trace"} {
		tl, err := tracer.Read(bytes.NewReader(readTestdata(t, name)), nil)
		if err != nil {
			t.Fatal(err)
		}
		check(name, tl)
	}
	tl := &tracer.Timeline{Goroutines: []*tracer.Goroutine{{ID: 5}, {ID: 9}}}
	tl.Index()
	step := tracer.Step{Other: tracer.NoG, Chan: -1, Op: -1, Block: -1, Select: -1, Log: -1}
	create, wake, send, gone := step, step, step, step
	create.Kind, create.G, create.Other = tracer.StepCreate, 9, 5
	wake.Kind, wake.G, wake.Time = tracer.StepWake, 5, 1 // woken by no goroutine
	send.Kind, send.G, send.Chan, send.Op, send.Time = tracer.StepSend, 9, 0, 3, 2
	gone.Kind, gone.G, gone.Time = tracer.StepEnd, 7, 3 // of no goroutine the timeline has
	tl.Steps = tracer.MakeSteps(create, wake, send, gone)
	check("made", tl)
}
