package ui

import (
	"slices"
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
				t.Errorf("got waitLook(%q) = %q (%s), want %q (%s)", tc.reason, got.glyph, got.name, tc.want.glyph, tc.want.name)
			}
		})
	}
}

// Indexes of the channels of smallTimeline.
const (
	chJobs     = 0 // capacity 2
	chDone     = 1 // unbuffered, closed while g2 waits on it
	chNaturals = 2 // unbuffered, one value handed over
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
			{ID: 1, Name: "jobs", Cap: 2, Ops: []tracer.Op{
				op(tracer.Send, 1, 10, 11, "a", -1), // 0
				op(tracer.Send, 1, 20, 21, "b", -1), // 1
				op(tracer.Recv, 2, 30, 31, "a", 0),  // 2
				op(tracer.Send, 1, 40, 41, "c", -1), // 3
				op(tracer.Send, 1, 50, 61, "d", -1), // 4: blocks, the buffer is full
				op(tracer.Recv, 2, 60, 61, "b", 1),  // 5
				op(tracer.Close, 1, 70, 70, "", -1), // 6
			}},
			{ID: 2, Name: "done", Cap: 0, Ops: []tracer.Op{
				op(tracer.Recv, 2, 5, 81, "", -1),   // 0: the zero value of a closed channel
				op(tracer.Close, 1, 80, 80, "", -1), // 1
			}},
			{ID: 3, Name: "", Cap: 0, Ops: []tracer.Op{
				op(tracer.Send, 1, 82, 90, "7", -1), // 0
				op(tracer.Recv, 2, 83, 91, "7", 0),  // 1
			}},
		},
		Steps: []tracer.Step{
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
		},
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
		{"full, a sender waits", chJobs, 4, channelState{buffer: []string{"b", "c"}, senders: []string{"g1 (d)"}}},
		{"room made, the sender not yet in", chJobs, 5, channelState{buffer: []string{"c"}, senders: []string{"g1 (d)"}}},
		{"the waiting send went in", chJobs, 6, channelState{buffer: []string{"c", "d"}}},
		{"closed with values left", chJobs, 7, channelState{closed: true, buffer: []string{"c", "d"}}},
		{"a receiver waits from the start", chDone, 0, channelState{recvers: []string{"g2"}}},
		{"closed, the receiver not yet woken", chDone, 8, channelState{closed: true, recvers: []string{"g2"}}},
		{"closed and drained", chDone, 9, channelState{closed: true}},
		{"not yet used", chNaturals, 9, channelState{}},
		{"sender and receiver wait", chNaturals, 10, channelState{senders: []string{"g1 (7)"}, recvers: []string{"g2"}}},
		{"handing over", chNaturals, 11, channelState{handing: []string{"7"}, recvers: []string{"g2"}}},
		{"handed over", chNaturals, 12, channelState{}},
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
			"  sending: g1 (d)",
		}},
		{"closed", chDone, 8, []string{
			"done  unbuffered  closed",
			"  receiving: g2",
		}},
		{"unnamed, handing over", chNaturals, 11, []string{
			"#3  unbuffered",
			"  handing over: 7",
			"  receiving: g2",
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
	if n := widest(keys) + 4 + widest(lanes) + 4; n > MinWidth {
		t.Errorf("got a help box %d columns wide, want at most %d", n, MinWidth)
	}
}
