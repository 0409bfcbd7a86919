package tracer

import (
	"fmt"
	"strconv"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// FormatTime renders a time or duration in the unit that suits it:
// "640ns", "12.3µs", "4.56ms", "1.234s".
func FormatTime(t Time) string {
	switch {
	case t == NoTime:
		return "-"
	case t < 0:
		return "-" + FormatTime(-t)
	case t < 1e3:
		return strconv.FormatInt(int64(t), 10) + "ns"
	case t < 1e6:
		return strconv.FormatFloat(float64(t)/1e3, 'f', 1, 64) + "µs"
	case t < 1e9:
		return strconv.FormatFloat(float64(t)/1e6, 'f', 2, 64) + "ms"
	}
	return strconv.FormatFloat(float64(t)/1e9, 'f', 3, 64) + "s"
}

// Name returns a goroutine's short name and id, such as "squarer g7", or
// "a timer or the network" for NoG.
func (t *Timeline) Name(id GID) string {
	if id == NoG {
		return "a timer or the network"
	}
	g := t.Goroutine(id)
	if g == nil {
		return "g" + strconv.FormatInt(int64(id), 10)
	}
	return ShortName(g.Name) + " g" + strconv.FormatInt(int64(id), 10)
}

// ChanName returns the name of channel ci (an index into Channels), or
// "channel #ID" for a channel the trace does not name.
func (t *Timeline) ChanName(ci int32) string {
	c := t.Channels[ci]
	if c.Name == "" {
		return "channel #" + strconv.FormatUint(c.ID, 10)
	}
	return c.Name
}

// Describe says in plain words what happened at a step, naming the
// goroutine: "squarer g7 received 9 from squares".
func (t *Timeline) Describe(s Step) string {
	who := t.Name(s.G)
	switch s.Kind {
	case StepCreate:
		if s.Other == NoG {
			return who + " was created"
		}
		return who + " was created by " + t.Name(s.Other)
	case StepBlock:
		return who + " blocked: " + t.blockText(t.Goroutine(s.G).Blocks.At(int(s.Block)))
	case StepWake:
		return who + " was woken by " + t.Name(s.Other)
	case StepEnd:
		return who + " ended"
	case StepMake:
		c := t.Channels[s.Chan]
		if c.Cap == 0 {
			return who + " made " + t.ChanName(s.Chan) + " (unbuffered)"
		}
		return fmt.Sprintf("%s made %s (capacity %d)", who, t.ChanName(s.Chan), c.Cap)
	case StepSend, StepRecv, StepClose:
		return who + " " + t.opText(s.Chan, t.Channels[s.Chan].Ops.At(int(s.Op)))
	case StepSelect:
		return who + " " + t.selectText(s)
	case StepLog:
		l := t.Logs[s.Log]
		return fmt.Sprintf("%s logged %s: %s", who, l.Category, l.Message)
	}
	return who + " did something unknown"
}

// blockText says what a wait is on: "chan receive on naturals".
func (t *Timeline) blockText(b Block) string {
	text := b.Reason
	if text == "" {
		text = "waiting"
	}
	switch {
	case b.Chan >= 0:
		op := t.Channels[b.Chan].Ops.At(int(b.Op))
		if op.Kind == Send {
			text += " of " + op.Value
		}
		text += " on " + t.ChanName(b.Chan)
	case b.Select >= 0:
		text += " over " + t.caseList(t.Selects[b.Select])
	}
	return text
}

// opText says what a completed operation did: "sent 3 on naturals".
func (t *Timeline) opText(ci int32, op Op) string {
	name := t.ChanName(ci)
	switch op.Kind {
	case Send:
		return "sent " + op.Value + " on " + name
	case Recv:
		if !op.OK {
			return "received the zero value from " + name + ": it is closed"
		}
		return "received " + op.Value + " from " + name
	}
	return "closed " + name
}

// selectText says which case a completed select chose.
func (t *Timeline) selectText(s Step) string {
	sel := t.Selects[s.Select]
	if sel.Chosen < 0 || sel.Chosen >= len(sel.Cases) || s.Op < 0 {
		return "left a select by its default case"
	}
	return "chose, in a select over " + t.caseList(sel) + ": " +
		t.opText(s.Chan, t.Channels[s.Chan].Ops.At(int(s.Op)))
}

// caseList names a select's cases: "send to naturals, receive from abort".
func (t *Timeline) caseList(sel Select) string {
	var text string
	for i, c := range sel.Cases {
		if i > 0 {
			text += ", "
		}
		text += t.CaseText(c, false)
	}
	return text
}

// CaseText says what a select case does: "send 3 to naturals" (the value
// only when withValue), "receive from abort", "default".
func (t *Timeline) CaseText(c SelectCase, withValue bool) string {
	switch {
	case c.Dir == probe.DirNil:
		return "receive from a nil channel"
	case c.Dir == probe.DirDefault:
		return "default"
	case c.Chan < 0 || int(c.Chan) >= len(t.Channels):
		return "?"
	case c.Dir == probe.DirSend && withValue:
		return "send " + c.Value + " to " + t.ChanName(c.Chan)
	case c.Dir == probe.DirSend:
		return "send to " + t.ChanName(c.Chan)
	}
	return "receive from " + t.ChanName(c.Chan)
}

// StepStack returns the stack of the place in the program a step happened
// at, or -1 when the trace has none: the wait's stack for a block, the
// operation's for a channel operation.
func (t *Timeline) StepStack(s Step) int32 {
	switch s.Kind {
	case StepCreate:
		if g := t.Goroutine(s.G); g != nil {
			return g.GoStack
		}
	case StepBlock:
		return t.Goroutine(s.G).Blocks.At(int(s.Block)).Stack
	case StepSend, StepRecv, StepClose, StepSelect:
		if s.Chan >= 0 && s.Op >= 0 {
			return t.Channels[s.Chan].Ops.At(int(s.Op)).Stack
		}
		if s.Select >= 0 {
			return t.Selects[s.Select].Stack
		}
	}
	return -1
}

// StepSite returns "file.go:41" for the place in the program a step
// happened at, or "".
func (t *Timeline) StepSite(s Step) string {
	if s.Kind == StepBlock {
		return t.Goroutine(s.G).Blocks.At(int(s.Block)).Site
	}
	if i := t.StepStack(s); i >= 0 {
		return site(t.Stacks.At(i))
	}
	return ""
}
