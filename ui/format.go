package ui

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/gocspviz/gocspviz/tracer"
)

// look is how a lane cell is drawn: a glyph, so that states are told apart
// without colour too, and a colour.
type look struct {
	glyph string
	color tcell.Color
	name  string // for the legend
	bit   uint16 // its bit in a set of looks (see legend); 0 for none
}

// The looks of a lane, one per state and kind of wait, and of the marks.
var (
	lookRunning  = look{"█", tcell.ColorGreen, "running", 1 << 0}
	lookRunnable = look{"▒", tcell.ColorOlive, "runnable", 1 << 1}
	lookSend     = look{"»", tcell.ColorRed, "blocked: send", 1 << 2}
	lookRecv     = look{"«", tcell.ColorRed, "blocked: receive", 1 << 3}
	lookSelect   = look{"?", tcell.ColorFuchsia, "blocked: select", 1 << 4}
	lookSync     = look{"#", tcell.ColorMaroon, "blocked: sync", 1 << 5}
	lookSleep    = look{"z", tcell.ColorBlue, "sleep", 1 << 6}
	lookIO       = look{"~", tcell.ColorTeal, "I/O", 1 << 7}
	lookWait     = look{"·", tcell.ColorGray, "other wait", 1 << 8}
	lookSyscall  = look{"$", tcell.ColorAqua, "syscall", 1 << 9}
	lookNone     = look{" ", tcell.ColorDefault, "", 0}

	markLooks = map[tracer.OpKind]look{
		tracer.Send:  {"▲", tcell.ColorWhite, "send", 1 << 10},
		tracer.Recv:  {"▼", tcell.ColorWhite, "receive", 1 << 11},
		tracer.Close: {"×", tcell.ColorWhite, "close", 1 << 12},
		markLog:      {"•", tcell.ColorYellow, "log, task, region", 1 << 13},
	}
)

// markLog is the kind of mark a user annotation (a runtime/trace log, or
// a task's or region's start or end) leaves on its lane, beside the kinds
// of channel operation.
const markLog tracer.OpKind = 1 << 7

// legend lists the looks in the order the legend shows them. The lanes
// pane shows those it draws; the help shows them all.
var legend = []look{
	lookRunning, lookRunnable, lookSend, lookRecv, lookSelect, lookSync,
	lookSleep, lookIO, lookWait, lookSyscall,
	markLooks[tracer.Send], markLooks[tracer.Recv], markLooks[tracer.Close],
	markLooks[markLog],
}

// spanLook returns how a span is drawn.
func spanLook(tl *tracer.Timeline, g *tracer.Goroutine, s tracer.Span) look {
	switch s.State {
	case tracer.Running:
		return lookRunning
	case tracer.Runnable:
		return lookRunnable
	case tracer.Syscall:
		return lookSyscall
	case tracer.Waiting:
		if s.Block >= 0 {
			return waitLook(g.Blocks.At(int(s.Block)).Reason)
		}
		return lookWait
	}
	return lookNone
}

// waitLook returns how a wait with the runtime's reason is drawn.
func waitLook(reason string) look {
	switch {
	case strings.HasPrefix(reason, "chan send"):
		return lookSend
	case strings.HasPrefix(reason, "chan receive"):
		return lookRecv
	case strings.HasPrefix(reason, "select"):
		return lookSelect
	case strings.HasPrefix(reason, "sync"), reason == "semacquire":
		return lookSync
	case reason == "sleep":
		return lookSleep
	case strings.Contains(reason, "IO"), strings.Contains(reason, "network"):
		return lookIO
	}
	return lookWait
}

// A laneFilter tells which lanes a filter shows: those whose label or
// full start function contains it, ignoring case; the empty filter shows
// every lane. The goroutines of a big trace share a few hundred names,
// so it works out once a name's lower case and whether that matches: a
// trace of 210 thousand goroutines was filtered in 60 ms, too slow to
// follow the keys as they are typed.
type laneFilter struct {
	f      string // the filter, in lower case
	fb     []byte // f, to look for in label
	number bool   // f may match where a label gives the number (" g17")
	names  map[string]nameMatch
	label  []byte // room to spell a label in
}

// maxFilterNames bounds the names a laneFilter keeps: past it, names are
// mostly each a goroutine's own, and keeping them costs more than it saves.
const maxFilterNames = 4096

// nameMatch is what a laneFilter knows of a start function's name.
type nameMatch struct {
	short string // the short name, in lower case
	match bool   // the name or its short form contains the filter
}

func newLaneFilter(filter string) *laneFilter {
	f := strings.ToLower(filter)
	return &laneFilter{
		f: f, fb: []byte(f),
		number: strings.ContainsAny(f, " g0123456789"),
		names:  make(map[string]nameMatch),
	}
}

// matches reports whether the filter shows g's lane.
func (lf *laneFilter) matches(g *tracer.Goroutine) bool {
	if lf.f == "" {
		return true
	}
	nm, ok := lf.names[g.Name]
	if !ok {
		short := strings.ToLower(tracer.ShortName(g.Name))
		nm = nameMatch{short: short,
			match: strings.Contains(short, lf.f) || strings.Contains(strings.ToLower(g.Name), lf.f)}
		if len(lf.names) < maxFilterNames {
			lf.names[g.Name] = nm
		}
	}
	if nm.match || !lf.number {
		// A filter without a space, a g or a digit can only match
		// within the short name, which nm has looked at.
		return nm.match
	}
	lf.label = strconv.AppendInt(append(append(lf.label[:0], nm.short...), " g"...), int64(g.ID), 10)
	return bytes.Contains(lf.label, lf.fb)
}

// fit cuts s to at most width runes, marking a cut with "…", and pads it
// with spaces to width.
func fit(s string, width int) string {
	r := []rune(s)
	if len(r) > width {
		if width <= 0 {
			return ""
		}
		return string(r[:width-1]) + "…"
	}
	return s + strings.Repeat(" ", width-len(r))
}

// channelState is what a channel holds and who waits on it after a step.
type channelState struct {
	name    string
	cap     int
	closed  bool
	buffer  []string // values sent and not yet received, oldest first
	handing []string // unbuffered: values handed over, not yet received
	senders []string // goroutines in a send, with the value
	recvers []string // goroutines in a receive
}

// channelAt computes channel ci's state once timeline step k has happened.
// It looks only at the operations that show then (see chanIndex), not at
// all that came before.
func channelAt(ix *index, ci int, k int32) channelState {
	tl := ix.tl
	c, ch := tl.Channels[ci], &ix.chans[ci]
	st := channelState{name: c.Name, cap: c.Cap, closed: ch.closed <= k}
	if st.name == "" {
		st.name = tl.ChanName(int32(ci))
	}
	ch.showing(c, tl.Steps.Time(int(k)), k, func(i int) {
		op := c.Ops.At(int(i))
		done := ix.opEnd(int32(ci), int32(i)) <= k
		switch {
		case op.Kind == tracer.Send && !done:
			st.senders = append(st.senders, fmt.Sprintf("%s (%s)", tl.Name(op.G), op.Value))
		case op.Kind == tracer.Send && c.Cap == 0:
			st.handing = append(st.handing, op.Value)
		case op.Kind == tracer.Send:
			st.buffer = append(st.buffer, op.Value)
		case op.Kind == tracer.Recv:
			st.recvers = append(st.recvers, tl.Name(op.G))
		}
	})
	return st
}

// lines renders a channel's state as the channel panel shows it.
func (st channelState) lines(width int) []string {
	head := st.name + "  "
	if st.cap == 0 {
		head += "unbuffered"
	} else {
		head += fmt.Sprintf("cap %d", st.cap)
	}
	if st.closed {
		head += "  closed"
	}
	out := []string{fit(head, width)}
	if st.cap > 0 {
		out = append(out, fit("  "+slots(st.buffer, st.cap), width))
	}
	if len(st.handing) > 0 {
		out = append(out, fit("  handing over: "+strings.Join(st.handing, ", "), width))
	}
	if len(st.senders) > 0 {
		out = append(out, fit("  sending: "+strings.Join(st.senders, ", "), width))
	}
	if len(st.recvers) > 0 {
		out = append(out, fit("  receiving: "+strings.Join(st.recvers, ", "), width))
	}
	return out
}

// slots draws a buffer as its cells: "[ 9 | 16 |   ]". A buffer too big
// to draw whole shows its first values and a count.
func slots(values []string, capacity int) string {
	const most = 8
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < min(capacity, most); i++ {
		if i > 0 {
			b.WriteString("|")
		}
		v := " "
		if i < len(values) {
			v = values[i]
		}
		b.WriteString(" " + v + " ")
	}
	if capacity > most {
		fmt.Fprintf(&b, "| … ")
	}
	fmt.Fprintf(&b, "]  %d/%d", len(values), capacity)
	return b.String()
}

// stepLine renders a step as the steps panel lists it.
func stepLine(tl *tracer.Timeline, i int32, width int) string {
	s := tl.Steps.At(int(i))
	line := fmt.Sprintf("%9s  %s", tracer.FormatTime(s.Time), tl.Describe(s))
	if site := tl.StepSite(s); site != "" {
		line += "  (" + site + ")"
	}
	return fit(line, width)
}

// axisLabels places time labels on an axis of width columns covering
// [from, to): a label every dozen columns or so.
func axisLabels(from, to tracer.Time, width int) string {
	line := []rune(strings.Repeat(" ", width))
	const every = 16
	for col := 0; col+8 <= width; col += every {
		t := from + tracer.Time(float64(to-from)*float64(col)/float64(width))
		label := []rune("|" + tracer.FormatTime(t))
		copy(line[col:], label)
	}
	return string(line)
}
