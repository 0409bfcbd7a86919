package ui

import (
	"cmp"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
)

// benchTimelines are the timelines the frame benchmarks draw, made when
// first drawn: the pipeline, short and long, synthetic timelines with 2000
// goroutines, a few spans each or millions in all, one of 200 thousand
// goroutines that live a few microseconds each, as a server's tests make,
// and one of 20 thousand that wait from start to end, as a server's idle
// connections do.
// A frame should cost about the same for the short and the long of each
// pair, and for the many goroutines: it draws only what is shown.
var benchTimelines = []struct {
	name string
	tl   func(testing.TB) *tracer.Timeline
}{
	{"pipeline-10", func(tb testing.TB) *tracer.Timeline { return pipeline(tb, "-n", "10") }},
	{"pipeline-20000", func(tb testing.TB) *tracer.Timeline { return pipeline(tb, "-n", "20000") }},
	{"synthetic-2000g-20kspans-2kops", func(testing.TB) *tracer.Timeline { return smallSynthetic() }},
	{"synthetic-2000g-2Mspans-1Mops", func(testing.TB) *tracer.Timeline { return bigSynthetic() }},
	{"synthetic-200kg-short", func(testing.TB) *tracer.Timeline { return serverSynthetic() }},
	{"synthetic-20kg-waiting", func(testing.TB) *tracer.Timeline { return waitingSynthetic() }},
}

// The synthetic timelines, built once.
var (
	smallSynthetic   = sync.OnceValue(func() *tracer.Timeline { return synthetic(2000, 10, 20, 100) })
	bigSynthetic     = sync.OnceValue(func() *tracer.Timeline { return synthetic(2000, 1000, 20, 50000) })
	serverSynthetic  = sync.OnceValue(func() *tracer.Timeline { return shortLived(200_000, 100) })
	waitingSynthetic = sync.OnceValue(func() *tracer.Timeline { return shortLived(2000, 20_000) })
)

// With GOCSPVIZ_BENCH_HUGE set, the benchmarks also draw a timeline of 30
// million spans, which takes some 2 GB and seconds to build; with
// GOCSPVIZ_BENCH_TRACE naming a trace file, that trace's too.
func init() {
	add := func(name string, tl func(testing.TB) *tracer.Timeline) {
		benchTimelines = append(benchTimelines, struct {
			name string
			tl   func(testing.TB) *tracer.Timeline
		}{name, tl})
	}
	if os.Getenv("GOCSPVIZ_BENCH_HUGE") != "" {
		huge := sync.OnceValue(func() *tracer.Timeline {
			tl := synthetic(2000, 15000, 20, 50000)
			runtime.GC() // not in the first frames' time
			return tl
		})
		add("synthetic-2000g-30Mspans-1Mops", func(testing.TB) *tracer.Timeline { return huge() })
	}
	if path := os.Getenv("GOCSPVIZ_BENCH_TRACE"); path != "" {
		var err error
		read := sync.OnceValue(func() *tracer.Timeline {
			var f *os.File
			if f, err = os.Open(path); err != nil {
				return nil
			}
			defer f.Close()
			var tl *tracer.Timeline
			tl, err = tracer.Read(f, nil)
			runtime.GC()
			return tl
		})
		add("trace", func(tb testing.TB) *tracer.Timeline {
			tl := read()
			if err != nil {
				tb.Fatal(err)
			}
			return tl
		})
	}
}

// benchReplay returns a replay of tl laid out on a 200x60 simulation
// screen, with the cursor half way through the steps and the last lane
// selected, as far from the top as a person can go. The screen is the
// simulation's deltaScreen, as the replay draws on.
func benchReplay(b *testing.B, tl *tracer.Timeline) (*replay, *deltaScreen) {
	b.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	screen := newDeltaScreen(sim)
	if err := screen.Init(); err != nil {
		b.Fatal(err)
	}
	sim.SetSize(200, 60)
	r := newReplay(tl, Options{Title: "bench"})
	r.root.SetRect(0, 0, 200, 60)
	r.cur = r.ix.steps.Len() / 2
	r.sel = len(r.ix.rows) - 1
	return r, screen
}

// drawFrame draws a frame as tview does, up to showing it: the cost of
// that is tcell's writing to the terminal, which the simulation screen
// does not measure (it copies out every cell).
func drawFrame(r *replay, screen *deltaScreen) {
	screen.Clear()
	r.root.Draw(screen)
	screen.finish()
}

// BenchmarkFrame draws one whole frame, as after a zoom or a pan: without
// the looks of the lanes drawn before, and with every cell put on the
// screen anew.
func BenchmarkFrame(b *testing.B) {
	for _, tc := range benchTimelines {
		b.Run(tc.name, func(b *testing.B) {
			r, screen := benchReplay(b, tc.tl(b))
			b.ReportAllocs()
			for b.Loop() {
				r.lanes.cache = laneCache{}
				screen.forget() // nor the cells on the screen
				drawFrame(r, screen)
			}
		})
	}
}

// BenchmarkStep takes one step forward and draws the frame, as the Right
// key does: in the fitted view, whose lanes it draws as the frame before.
func BenchmarkStep(b *testing.B) {
	for _, tc := range benchTimelines {
		b.Run(tc.name, func(b *testing.B) {
			r, screen := benchReplay(b, tc.tl(b))
			right := tcell.NewEventKey(tcell.KeyRight, 0, tcell.ModNone)
			left := tcell.NewEventKey(tcell.KeyLeft, 0, tcell.ModNone)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				// Alternate directions so that the cursor stays mid-way.
				ev := right
				if i%2 == 1 {
					ev = left
				}
				i++
				r.key(ev)
				drawFrame(r, screen)
			}
		})
	}
}

// BenchmarkKeys moves the cursor with the navigation keys, without
// drawing: what a step costs before its frame. Each key is pressed
// forward and back in turn, so that the cursor stays mid-way, on
// pipeline -n 20000 and the big synthetic timeline.
func BenchmarkKeys(b *testing.B) {
	key := func(r rune) *tcell.EventKey { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }
	keys := []struct {
		name      string
		fwd, back *tcell.EventKey
	}{
		{"step", tcell.NewEventKey(tcell.KeyRight, 0, tcell.ModNone),
			tcell.NewEventKey(tcell.KeyLeft, 0, tcell.ModNone)},
		{"lane-step", key('.'), key(',')},
		{"wake-up", key(']'), key('[')},
	}
	for _, tc := range []int{1, 3} {
		for _, k := range keys {
			b.Run(benchTimelines[tc].name+"/"+k.name, func(b *testing.B) {
				r, _ := benchReplay(b, benchTimelines[tc].tl(b))
				start, i := r.cur, 0
				for b.Loop() {
					ev := k.fwd
					if i%2 == 1 {
						ev = k.back
					}
					if i++; i%1000 == 0 {
						r.cur = start // ] and [ need not come back
					}
					r.key(ev)
				}
			})
		}
	}
}

// synthetic builds a timeline by hand: goroutines with spans each, cycling
// through running, runnable and waiting, and channels with ops each,
// alternately a send by one goroutine and its receive by another, each
// completed at a step of its own.
func synthetic(goroutines, spans, channels, ops int) *tracer.Timeline {
	const tick = 64 // ns, as trace timestamps are
	end := tracer.Time(spans * tick)
	tl := &tracer.Timeline{Begin: 0, End: end, Duration: end}

	// The goroutines' lanes.
	states := []tracer.State{tracer.Running, tracer.Runnable, tracer.Waiting}
	for i := range goroutines {
		g := &tracer.Goroutine{
			ID: tracer.GID(i + 1), Name: fmt.Sprintf("main.worker%d", i),
			Parent: tracer.NoG, Created: 0, Ended: tracer.NoTime,
		}
		var blocks []tracer.Block
		for j := range spans {
			st := states[(i+j)%len(states)]
			sp := tracer.Span{Start: tracer.Time(j * tick), End: tracer.Time((j + 1) * tick), State: st, Block: -1}
			if st == tracer.Waiting {
				sp.Block = int32(len(blocks))
				blocks = append(blocks, tracer.Block{
					Reason: "chan receive", Start: sp.Start, End: sp.End, WokenBy: tracer.NoG,
					Stack: -1, Chan: -1, Op: -1, Select: -1,
				})
			}
			g.Spans.Append(sp)
		}
		g.Blocks = tracer.MakeBlocks(blocks...)
		tl.Goroutines = append(tl.Goroutines, g)
	}
	tl.Index() // as Read's are: found by id without a search

	// The channels, their operations spread evenly over the run.
	every := max(end/tracer.Time(ops), 1)
	for c := range channels {
		ch := &tracer.Channel{ID: uint64(c + 1), Name: fmt.Sprintf("ch%d", c), Made: 0}
		list := make([]tracer.Op, ops)
		sender, receiver := tracer.GID(2*c%goroutines+1), tracer.GID((2*c+1)%goroutines+1)
		for o := range ops {
			op := tracer.Op{Kind: tracer.Send, G: sender, Start: tracer.Time(o) * every,
				Value: fmt.Sprint(o / 2), Send: -1, Select: -1, Stack: -1}
			op.End = op.Start + every/2
			if o%2 == 1 {
				op.Kind, op.G, op.Send, op.OK = tracer.Recv, receiver, int32(o-1), true
			}
			list[o] = op
		}
		ch.Ops = tracer.MakeOps(list...)
		tl.Channels = append(tl.Channels, ch)
	}

	// A step per completed operation, in time order: channel by channel
	// within a moment.
	var steps []tracer.Step
	for o := range ops {
		for c, ch := range tl.Channels {
			op := ch.Ops.At(int(o))
			kind := tracer.StepSend
			if op.Kind == tracer.Recv {
				kind = tracer.StepRecv
			}
			steps = append(steps, tracer.Step{Time: op.End, Kind: kind, G: op.G, Other: tracer.NoG,
				Chan: int32(c), Op: int32(o), Block: -1, Select: -1, Log: -1})
		}
	}
	tl.Steps = tracer.MakeSteps(steps...)
	return tl
}

// shortLived makes a timeline like that of go test of a server package: n
// goroutines of 300 start functions that each live a few microseconds,
// created one after another and overlapping, every one waiting once on a
// channel at one of 50 sites, and long ones that wait from start to end.
// It has no channels, so that the channels pane shows who waits where.
func shortLived(n, long int) *tracer.Timeline {
	const tick = 64 // ns
	end := tracer.Time((n + 20) * tick)
	tl := &tracer.Timeline{Begin: 0, End: end, Duration: end}
	var steps []tracer.Step
	wait := func(g *tracer.Goroutine, from, to tracer.Time, site int) {
		g.Blocks = tracer.MakeBlocks(tracer.Block{Reason: "chan receive", Site: fmt.Sprintf("conn.go:%d", site),
			Start: from, End: to, WokenBy: tracer.NoG, Stack: -1, Chan: -1, Op: -1, Select: -1})
	}
	for i := range long {
		g := &tracer.Goroutine{ID: tracer.GID(i + 1), Name: "net/http.(*Server).Serve", Parent: tracer.NoG,
			Created: tracer.NoTime, Ended: tracer.NoTime, GoStack: -1,
			Spans: tracer.MakeSpans(tracer.Span{Start: 0, End: end, State: tracer.Waiting, Block: 0})}
		wait(g, 0, tracer.NoTime, 0)
		tl.Goroutines = append(tl.Goroutines, g)
	}
	for i := range n {
		at := tracer.Time(i * tick)
		g := &tracer.Goroutine{ID: tracer.GID(long + i + 1), Name: fmt.Sprintf("net/http.(*conn).handler%d", i%300),
			Parent: 1, Created: at, Ended: at + 20*tick, GoStack: -1, Spans: tracer.MakeSpans(
				tracer.Span{Start: at, End: at + tick, State: tracer.Runnable, Block: -1},
				tracer.Span{Start: at + tick, End: at + 4*tick, State: tracer.Running, Block: -1},
				tracer.Span{Start: at + 4*tick, End: at + 14*tick, State: tracer.Waiting, Block: 0},
				tracer.Span{Start: at + 14*tick, End: at + 20*tick, State: tracer.Running, Block: -1},
			)}
		wait(g, at+4*tick, at+14*tick, i%50)
		tl.Goroutines = append(tl.Goroutines, g)
		steps = append(steps,
			tracer.Step{Time: at, Kind: tracer.StepCreate, G: g.ID, Other: 1},
			tracer.Step{Time: at + 4*tick, Kind: tracer.StepBlock, G: g.ID, Other: tracer.NoG},
			tracer.Step{Time: at + 14*tick, Kind: tracer.StepWake, G: g.ID, Other: tracer.NoG},
			tracer.Step{Time: at + 20*tick, Kind: tracer.StepEnd, G: g.ID, Other: tracer.NoG})
	}
	for i := range steps {
		s := &steps[i]
		s.Chan, s.Op, s.Block, s.Select, s.Log = -1, -1, -1, -1, -1
		if s.Kind == tracer.StepBlock {
			s.Block = 0
		}
	}
	slices.SortStableFunc(steps, func(a, b tracer.Step) int { return cmp.Compare(a.Time, b.Time) })
	tl.Steps = tracer.MakeSteps(steps...)
	tl.Index()
	return tl
}

// BenchmarkFilter filters the lanes of 200 thousand goroutines, as each
// key typed after / does: goroutines of 300 start functions, as a server's
// tests make, and of as many functions as goroutines, the worst case.
func BenchmarkFilter(b *testing.B) {
	for _, names := range []int{300, 200_000} {
		tl := &tracer.Timeline{}
		for i := range 200_000 {
			tl.Goroutines = append(tl.Goroutines, &tracer.Goroutine{
				ID: tracer.GID(i + 1), Name: fmt.Sprintf("net/http.(*conn).handler%d", i%names),
				Parent: tracer.NoG, Created: tracer.NoTime, Ended: tracer.NoTime,
			})
		}
		tl.Index()
		ix := newIndex(tl, false)
		b.Run(fmt.Sprintf("200kg-%dnames", names), func(b *testing.B) {
			for b.Loop() {
				ix.setFilter("handler1")
			}
		})
	}
}
