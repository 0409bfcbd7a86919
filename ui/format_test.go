package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     string
		width int
		want  string
	}{
		{"padded", "abc", 5, "abc  "},
		{"exact", "abc", 3, "abc"},
		{"cut", "abcdef", 4, "abc…"},
		{"cut to one", "abcdef", 1, "…"},
		{"zero width", "abc", 0, ""},
		{"negative width", "abc", -2, ""},
		{"empty", "", 2, "  "},
		{"runes, not bytes", "héllo wörld", 4, "hél…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fit(tc.s, tc.width); got != tc.want {
				t.Errorf("got fit(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.want)
			}
		})
	}
}

func TestSlots(t *testing.T) {
	for _, tc := range []struct {
		name     string
		values   []string
		capacity int
		want     string
	}{
		{"empty", nil, 2, "[   |   ]  0/2"},
		{"partly full", []string{"9", "16"}, 3, "[ 9 | 16 |   ]  2/3"},
		{"full", []string{"1", "4"}, 2, "[ 1 | 4 ]  2/2"},
		{"too big to draw", []string{"1"}, 10, "[ 1 |   |   |   |   |   |   |   | … ]  1/10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := slots(tc.values, tc.capacity); got != tc.want {
				t.Errorf("got slots(%q, %d) = %q, want %q", tc.values, tc.capacity, got, tc.want)
			}
		})
	}
}

func TestAxisLabels(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to tracer.Time
		width    int
		want     string
	}{
		{"nanoseconds", 0, 1000, 40, "|0ns            |400ns          |800ns  "},
		{"offset", 1000, 2000, 24, "|1.0µs          |1.7µs  "},
		{"too narrow for a label", 0, 1000, 7, "       "},
		{"one label", 0, 1000, 8, "|0ns    "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := axisLabels(tc.from, tc.to, tc.width)
			if got != tc.want {
				t.Errorf("got axisLabels(%d, %d, %d) = %q, want %q", tc.from, tc.to, tc.width, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n != tc.width {
				t.Errorf("got %d columns, want %d", n, tc.width)
			}
		})
	}
}

func TestWaitLook(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   look
	}{
		{"chan send", lookSend},
		{"chan send (nil chan)", lookSend},
		{"chan receive", lookRecv},
		{"chan receive (nil chan)", lookRecv},
		{"select", lookSelect},
		{"select (no cases)", lookSelect},
		{"sync.Mutex.Lock", lookSync},
		{"sync.WaitGroup.Wait", lookSync},
		{"semacquire", lookSync},
		{"sleep", lookSleep},
		{"IO wait", lookIO},
		{"GC assist wait", lookWait},
		{"", lookWait},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if got := waitLook(tc.reason); got != tc.want {
				t.Errorf("got waitLook(%q) = %q (%s), want %q (%s)",
					tc.reason, got.glyph, got.name, tc.want.glyph, tc.want.name)
			}
		})
	}
}

// Indexes of the channels of smallTimeline.
const (
	chJobs     = 0 // capacity 2
	chDone     = 1 // unbuffered, closed while g2 waits on it
	chNaturals = 2 // unbuffered, one value handed over
	chStuck    = 3 // buffered, a send and a receive that never complete
)

// smallTimeline is a timeline built by hand: g1 sends on a buffered jobs
// channel that g2 drains, g1 closes done on which g2 waits, and g1 hands
// one value to g2 over naturals. The comments give the step indexes.
func smallTimeline() *tracer.Timeline {
	op := func(kind tracer.OpKind, g tracer.GID, start, end tracer.Time, value string, send int32) tracer.Op {
		return tracer.Op{Kind: kind, G: g, Start: start, End: end, Value: value, Send: send,
			OK: kind == tracer.Recv && send >= 0, Select: -1, Stack: -1}
	}
	step := func(t tracer.Time, kind tracer.StepKind, g tracer.GID, ch, o int32) tracer.Step {
		return tracer.Step{Time: t, Kind: kind, G: g, Other: tracer.NoG, Chan: ch, Op: o,
			Block: -1, Select: -1, Log: -1}
	}
	return &tracer.Timeline{
		Begin: 0, End: 100, Duration: 100,
		Goroutines: []*tracer.Goroutine{
			{ID: 1, Name: "main.producer", Parent: tracer.NoG, Created: 0, Ended: tracer.NoTime},
			{ID: 2, Name: "main.consumer", Parent: 1, Created: 1, Ended: tracer.NoTime},
		},
		Channels: []*tracer.Channel{
			{ID: 1, Name: "jobs", Cap: 2, Ops: tracer.MakeOps(
				op(tracer.Send, 1, 10, 11, "a", -1), // 0
				op(tracer.Send, 1, 20, 21, "b", -1), // 1
				op(tracer.Recv, 2, 30, 31, "a", 0),  // 2
				op(tracer.Send, 1, 40, 41, "c", -1), // 3
				op(tracer.Send, 1, 50, 61, "d", -1), // 4: blocks, the buffer is full
				op(tracer.Recv, 2, 60, 61, "b", 1),  // 5
				op(tracer.Close, 1, 70, 70, "", -1), // 6
			)},
			{ID: 2, Name: "done", Cap: 0, Ops: tracer.MakeOps(
				op(tracer.Recv, 2, 5, 81, "", -1),   // 0: the zero value of a closed channel
				op(tracer.Close, 1, 80, 80, "", -1), // 1
			)},
			{ID: 3, Name: "", Cap: 0, Ops: tracer.MakeOps(
				op(tracer.Send, 1, 82, 90, "7", -1), // 0
				op(tracer.Recv, 2, 83, 91, "7", 0),  // 1
			)},
			{ID: 4, Name: "stuck", Cap: 1, Ops: tracer.MakeOps(
				op(tracer.Send, 1, 92, 93, "x", -1),            // 0: never received
				op(tracer.Send, 1, 94, tracer.NoTime, "y", -1), // 1: the buffer is full
				op(tracer.Recv, 2, 96, tracer.NoTime, "", -1),  // 2: never completes
			)},
		},
		Steps: tracer.MakeSteps(
			step(11, tracer.StepSend, 1, chJobs, 0),     // 0
			step(21, tracer.StepSend, 1, chJobs, 1),     // 1
			step(31, tracer.StepRecv, 2, chJobs, 2),     // 2
			step(41, tracer.StepSend, 1, chJobs, 3),     // 3
			step(50, tracer.StepWake, 2, -1, -1),        // 4
			step(61, tracer.StepRecv, 2, chJobs, 5),     // 5
			step(61, tracer.StepSend, 1, chJobs, 4),     // 6
			step(70, tracer.StepClose, 1, chJobs, 6),    // 7
			step(80, tracer.StepClose, 1, chDone, 1),    // 8
			step(81, tracer.StepRecv, 2, chDone, 0),     // 9
			step(85, tracer.StepWake, 1, -1, -1),        // 10
			step(90, tracer.StepSend, 1, chNaturals, 0), // 11
			step(91, tracer.StepRecv, 2, chNaturals, 1), // 12
			step(93, tracer.StepSend, 1, chStuck, 0),    // 13
			step(97, tracer.StepWake, 1, -1, -1),        // 14
			step(99, tracer.StepWake, 2, -1, -1),        // 15
		),
	}
}

func TestChannelAt(t *testing.T) {
	ix := newIndex(smallTimeline(), false)
	for _, tc := range []struct {
		name string
		ch   int
		step int32
		want channelState
	}{
		{"one sent", chJobs, 0, channelState{buffer: []string{"a"}}},
		{"two sent", chJobs, 1, channelState{buffer: []string{"a", "b"}}},
		{"oldest received", chJobs, 2, channelState{buffer: []string{"b"}}},
		{"full", chJobs, 3, channelState{buffer: []string{"b", "c"}}},
		{"full, a sender waits", chJobs, 4,
			channelState{buffer: []string{"b", "c"}, senders: []string{"producer g1 (d)"}}},
		{"room made, the sender not yet in", chJobs, 5,
			channelState{buffer: []string{"c"}, senders: []string{"producer g1 (d)"}}},
		{"the waiting send went in", chJobs, 6, channelState{buffer: []string{"c", "d"}}},
		{"closed with values left", chJobs, 7, channelState{closed: true, buffer: []string{"c", "d"}}},
		{"a receiver waits from the start", chDone, 0, channelState{recvers: []string{"consumer g2"}}},
		{"closed, the receiver not yet woken", chDone, 8, channelState{closed: true, recvers: []string{"consumer g2"}}},
		{"closed and drained", chDone, 9, channelState{closed: true}},
		{"not yet used", chNaturals, 9, channelState{}},
		{"sender and receiver wait", chNaturals, 10,
			channelState{senders: []string{"producer g1 (7)"}, recvers: []string{"consumer g2"}}},
		{"handing over", chNaturals, 11, channelState{handing: []string{"7"}, recvers: []string{"consumer g2"}}},
		{"handed over", chNaturals, 12, channelState{}},
		{"a value nobody takes", chStuck, 13, channelState{buffer: []string{"x"}}},
		{"full for good", chStuck, 15, channelState{buffer: []string{"x"},
			senders: []string{"producer g1 (y)"}, recvers: []string{"consumer g2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := channelAt(ix, tc.ch, tc.step)
			if !sameState(got, tc.want) {
				t.Errorf("got %s, want %s", stateText(got), stateText(tc.want))
			}
		})
	}
}

// sameState compares the parts of two channel states that change over
// time.
func sameState(a, b channelState) bool {
	return a.closed == b.closed && slices.Equal(a.buffer, b.buffer) &&
		slices.Equal(a.handing, b.handing) && slices.Equal(a.senders, b.senders) &&
		slices.Equal(a.recvers, b.recvers)
}

func stateText(st channelState) string {
	return "closed=" + map[bool]string{false: "no", true: "yes"}[st.closed] +
		" buffer=[" + strings.Join(st.buffer, " ") + "]" +
		" handing=[" + strings.Join(st.handing, " ") + "]" +
		" senders=[" + strings.Join(st.senders, ", ") + "]" +
		" receivers=[" + strings.Join(st.recvers, ", ") + "]"
}

func TestChannelLines(t *testing.T) {
	ix := newIndex(smallTimeline(), false)
	for _, tc := range []struct {
		name string
		ch   int
		step int32
		want []string
	}{
		{"buffered", chJobs, 5, []string{
			"jobs  cap 2",
			"  [ c |   ]  1/2",
			"  sending: producer g1 (d)",
		}},
		{"closed", chDone, 8, []string{
			"done  unbuffered  closed",
			"  receiving: consumer g2",
		}},
		{"unnamed, handing over", chNaturals, 11, []string{
			"channel #3  unbuffered",
			"  handing over: 7",
			"  receiving: consumer g2",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := channelAt(ix, tc.ch, tc.step).lines(30)
			for i := range tc.want {
				tc.want[i] = fit(tc.want[i], 30)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestHelpFits(t *testing.T) {
	keys, lanes := helpColumns()
	if n := max(len(keys), len(lanes)) + 2; n > MinHeight {
		t.Errorf("got a help box %d rows high, want at most %d", n, MinHeight)
	}
	if n := widest(keys) + 3 + widest(lanes) + 4; n > MinWidth {
		t.Errorf("got a help box %d columns wide, want at most %d", n, MinWidth)
	}
}

// channelAtByScan is channelAt as it was before chanIndex: a scan of every
// operation begun by the step. TestChannelAtAgreesWithScan holds the fast
// one to it.
func channelAtByScan(ix *index, ci int, k int32) channelState {
	tl := ix.tl
	c := tl.Channels[ci]
	t := tl.Steps.At(int(k)).Time
	recvOf := map[int32]int32{} // send -> the receive that got its value
	for i, op := range c.Ops.All() {
		if op.Kind == tracer.Recv && op.Send >= 0 {
			recvOf[op.Send] = int32(i)
		}
	}
	var st channelState
	for i, op := range c.Ops.All() {
		if op.Start > t {
			break
		}
		done := ix.opEnd(int32(ci), int32(i)) <= k
		switch op.Kind {
		case tracer.Close:
			st.closed = st.closed || done
		case tracer.Send:
			if !done {
				st.senders = append(st.senders, tl.Name(op.G)+" ("+op.Value+")")
				continue
			}
			if r, ok := recvOf[int32(i)]; ok && ix.opEnd(int32(ci), r) <= k {
				continue
			}
			if c.Cap == 0 {
				st.handing = append(st.handing, op.Value)
			} else {
				st.buffer = append(st.buffer, op.Value)
			}
		case tracer.Recv:
			if !done {
				st.recvers = append(st.recvers, tl.Name(op.G))
			}
		}
	}
	return st
}

// channelCase is a timeline to check the index of channels on.
type channelCase struct {
	name string
	tl   *tracer.Timeline
}

// channelCases returns timelines of channels: by hand, of pipelines
// unbuffered and buffered, and synthetic.
func channelCases(t *testing.T) []channelCase {
	return []channelCase{
		{"by hand", smallTimeline()},
		{"pipeline", pipeline(t, "-n", "300")},
		{"buffered pipeline", pipeline(t, "-n", "300", "-buffer", "3")},
		{"synthetic", synthetic(4, 100, 3, 500)},
	}
}

func TestChannelAtAgreesWithScan(t *testing.T) {
	for _, tc := range channelCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			ix := newIndex(tc.tl, true)
			for ci, c := range tc.tl.Channels {
				opEnd := make([]int32, c.Ops.Len())
				for i := range opEnd {
					opEnd[i] = ix.opEnd(int32(ci), int32(i))
				}
				// With checkpoints as far apart as the index puts them,
				// and as close as can be.
				for _, every := range []int{ix.chans[ci].every, 1, 2, 3} {
					ix.chans[ci].checkpoint(tc.tl, c, slices.Clone(opEnd), every)
					for k := range tc.tl.Steps.All() {
						got, want := channelAt(ix, ci, int32(k)), channelAtByScan(ix, ci, int32(k))
						if !sameState(got, want) {
							t.Fatalf("channel %d at step %d, checkpoints every %d: got %s, want %s",
								ci, k, every, stateText(got), stateText(want))
						}
					}
				}
			}
		})
	}
}

// TestChannelAtPipeline checks what the pipeline's channels can hold: an
// unbuffered channel hands over at most a value at a time, as there is one
// sender; a buffered one holds at most its capacity and the one value whose
// receive is not yet logged; and at the end both are closed and empty.
func TestChannelAtPipeline(t *testing.T) {
	for _, buffer := range []int{0, 3} {
		t.Run(fmt.Sprintf("buffer=%d", buffer), func(t *testing.T) {
			tl := pipeline(t, "-n", "300", "-buffer", strconv.Itoa(buffer))
			ix := newIndex(tl, false)
			for ci := range tl.Channels {
				for k := range tl.Steps.All() {
					st := channelAt(ix, ci, int32(k))
					if len(st.handing) > 1 || len(st.buffer) > buffer+1 {
						t.Fatalf("%s at step %d: got %s, want at most one value handed over and %d buffered",
							st.name, k, stateText(st), buffer+1)
					}
				}
				last := channelAt(ix, ci, int32(tl.Steps.Len()-1))
				if want := (channelState{closed: true}); !sameState(last, want) {
					t.Errorf("%s at the end: got %s, want %s", last.name, stateText(last), stateText(want))
				}
			}
		})
	}
}

func TestNextMark(t *testing.T) {
	var steps []tracer.Step
	var ms []int32
	for i, at := range []tracer.Time{10, 20, 20, 30, 40, 50, 60, 70, 80, 90, 100} {
		// Steps of other goroutines between the marks.
		steps = append(steps, tracer.Step{Time: at}, tracer.Step{Time: at})
		ms = append(ms, int32(2*i+1))
	}
	st := tracer.MakeSteps(steps...)
	for _, tc := range []struct {
		name string
		i    int
		from tracer.Time
		want int
	}{
		{"before all", 0, 5, 0},
		{"at the first", 0, 10, 0},
		{"the first of equals", 0, 20, 1},
		{"between", 0, 35, 4},
		{"far on", 0, 95, 10},
		{"after all", 0, 101, 11},
		{"from further on", 4, 45, 5},
		{"from past it", 6, 15, 6},
		{"from the end", 11, 200, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextMark(&st, ms, tc.i, tc.from); got != tc.want {
				t.Errorf("got nextMark(ms, %d, %d) = %d, want %d", tc.i, tc.from, got, tc.want)
			}
		})
	}
}

// lanesOf returns the index of a timeline of the goroutines gs, whose
// lanes are gs in order when their ids ascend and they were made at once.
func lanesOf(gs []*tracer.Goroutine) *index {
	return newIndex(&tracer.Timeline{Goroutines: gs}, false)
}

func TestWaitingBySite(t *testing.T) {
	waiting := func(id tracer.GID, name, reason, site string) *tracer.Goroutine {
		return &tracer.Goroutine{
			ID: id, Name: name, Created: tracer.NoTime, Ended: tracer.NoTime,
			Spans:  tracer.MakeSpans(tracer.Span{Start: 0, End: 100, State: tracer.Waiting, Block: 0}),
			Blocks: tracer.MakeBlocks(tracer.Block{Reason: reason, Site: site, End: 100}),
		}
	}
	running := &tracer.Goroutine{ID: 9, Name: "main.work", Created: tracer.NoTime, Ended: tracer.NoTime,
		Spans: tracer.MakeSpans(tracer.Span{Start: 0, End: 100, State: tracer.Running, Block: -1})}
	rows := []*tracer.Goroutine{
		waiting(1, "main.server", "chan receive", "server.go:88"),
		waiting(2, "main.worker", "chan send", "work.go:12"),
		waiting(3, "main.server", "chan receive", "server.go:88"),
		waiting(4, "main.nap", "sleep", "nap.go:3"),
		running,
	}
	got := waitingBySite(lanesOf(rows), 50)
	want := []siteGroup{
		{what: "chan receive at server.go:88", n: 2, names: []string{"server g1", "server g3"}},
		{what: "chan send at work.go:12", n: 1, names: []string{"worker g2"}},
	}
	same := func(a, b siteGroup) bool { return a.what == b.what && a.n == b.n && slices.Equal(a.names, b.names) }
	if !slices.EqualFunc(got, want, same) {
		t.Errorf("got %v, want %v", got, want)
	}

	// A site where more wait than a group names comes first, with its
	// count, naming the first of them.
	for id := range tracer.GID(maxSiteNames + 10) {
		rows = append(rows, waiting(100+id, "main.pooled", "sync.Mutex.Lock", "pool.go:7"))
	}
	got = waitingBySite(lanesOf(rows), 50)
	if len(got) != 3 || got[0].what != "sync.Mutex.Lock at pool.go:7" || got[0].n != maxSiteNames+10 ||
		len(got[0].names) != maxSiteNames || got[0].names[0] != "pooled g100" || !same(got[1], want[0]) {
		t.Errorf("with %d more waiting at one site: got %v", maxSiteNames+10, got)
	}
	if got := waitingBySite(lanesOf(rows), 200); len(got) != 0 {
		t.Errorf("after the spans: got %v, want no groups", got)
	}
}

// TestLogMarks checks that a user annotation leaves a mark on its lane.
func TestLogMarks(t *testing.T) {
	g := &tracer.Goroutine{ID: 4, Name: "main.main",
		Spans: tracer.MakeSpans(tracer.Span{Start: 0, End: 100, State: tracer.Running, Block: -1})}
	tl := &tracer.Timeline{
		Duration: 100, End: 100,
		Goroutines: []*tracer.Goroutine{g},
		Logs:       []tracer.Log{{G: 4, Time: 40, Category: "region", Message: "begin load"}},
		Steps: tracer.MakeSteps(tracer.Step{Time: 40, Kind: tracer.StepLog, G: 4, Other: tracer.NoG,
			Chan: -1, Op: -1, Block: -1, Select: -1, Log: 0}),
	}
	ix := newIndex(tl, false)
	if got := ix.marks(4); len(got) != 1 {
		t.Errorf("got marks %v, want one", got)
	} else if at, kind := ix.mark(got[0]); kind != markLog || at != 40 {
		t.Errorf("got a mark of kind %d at %d, want a log mark at 40", kind, at)
	}
}

// TestLaneLabel checks that a lane's name, cut to fit, keeps its
// goroutine's number, but for a width too narrow for any of the name.
func TestLaneLabel(t *testing.T) {
	long := &tracer.Goroutine{ID: 41, Name: "net/http.fileTransport.RoundTrip.func1", Parent: 1}
	tl := &tracer.Timeline{Goroutines: []*tracer.Goroutine{
		{ID: 1, Name: "main.main", Parent: tracer.NoG, Created: tracer.NoTime}, long,
	}}
	ix := newIndex(tl, false)
	for _, tc := range []struct {
		width   int
		grouped bool
		want    string
	}{
		{width: 40, want: "http.fileTransport.RoundTrip.func1 g41  "},
		{width: 20, want: "http.fileTransp… g41"},
		{width: 6, want: "h… g41"},
		{width: 5, want: "http…"},
		{width: 20, grouped: true, want: " http.fileTrans… g41"},
	} {
		if tc.grouped {
			ix.groupByParent()
		}
		if got := ix.label(long, tc.width); got != tc.want {
			t.Errorf("label at width %d (grouped %v) = %q, want %q", tc.width, tc.grouped, got, tc.want)
		}
	}
}

// TestGroupByParent checks that grouped lanes put every goroutine under
// its creator, in order of creation, indented by depth.
func TestGroupByParent(t *testing.T) {
	g := func(id, parent tracer.GID, created tracer.Time) *tracer.Goroutine {
		return &tracer.Goroutine{ID: id, Name: "main.f", Parent: parent, Created: created}
	}
	tl := &tracer.Timeline{Goroutines: []*tracer.Goroutine{
		g(1, tracer.NoG, tracer.NoTime), g(5, 1, 10), g(6, 1, 20), g(7, 5, 30), g(8, 99, 40),
	}}
	ix := newIndex(tl, false)
	ix.groupByParent()
	var got []string
	for lane := range ix.rows {
		got = append(got, strings.TrimRight(ix.label(ix.lane(lane), 12), " "))
	}
	want := []string{"f g1", " f g5", "  f g7", " f g6", "f g8"}
	if !slices.Equal(got, want) {
		t.Errorf("got lanes %q, want %q", got, want)
	}
}
