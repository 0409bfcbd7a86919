package tracer

import "github.com/gocspviz/gocspviz/tracer/probe"

// Time is a moment in a trace, in nanoseconds since the trace's first event.
type Time int64

// NoTime marks a moment that is not in the trace: a goroutine created before
// it began, a wait that never ended.
const NoTime Time = -1

// GID is a goroutine id as the runtime numbers goroutines.
type GID int64

// NoG marks the absence of a goroutine: a wake-up by a timer or the network
// poller, the parent of a goroutine created before the trace began.
const NoG GID = -1

// State is what a goroutine is doing during a span.
type State uint8

// The states of a goroutine. Waiting spans say why in their Block.
const (
	Runnable State = iota + 1 // ready, waiting for a processor
	Running                   // executing
	Waiting                   // blocked; see the span's Block
	Syscall                   // in a system call
)

// Span is an interval during which a goroutine stayed in one state.
type Span struct {
	Start, End Time  // End is the trace's end for a span still open then
	State      State //
	Block      int32 // index into Goroutine.Blocks for a Waiting span, else -1
}

// Block is one transition of a goroutine from running to waiting, and the
// wait that followed.
type Block struct {
	Reason     string // the runtime's reason, verbatim ("chan send")
	Start      Time   // when it began; 0 when SinceStart
	End        Time   // when it was made runnable again, or NoTime
	WokenBy    GID    // the goroutine that made it runnable, or NoG
	Site       string // "file.go:41" of the first frame outside the runtime
	Stack      int32  // index into Timeline.Stacks, or -1
	SinceStart bool   // the goroutine was already waiting when the trace began

	// Chan and Op name the annotated channel operation this wait belongs
	// to (indexes into Timeline.Channels and Channel.Ops), or are -1. A
	// wait in a select names the select in Select instead, or -1.
	Chan, Op, Select int32
}

// Goroutine is everything the trace says about one goroutine.
type Goroutine struct {
	ID      GID
	Name    string  // start function: outermost frame of its first stack
	Parent  GID     // the goroutine that created it, or NoG
	Created Time    // NoTime if it existed before the trace began
	Ended   Time    // NoTime if it outlived the trace
	GoStack int32   // its creator's stack at the go statement: index into Timeline.Stacks, or -1
	System  bool    // a runtime goroutine (see IsSystem)
	frozen  bool    // shared by partial timelines as it is (see builder.snapshot)
	Spans   Spans   // one after another, from its first sight to its end or the trace's
	Blocks  *Blocks // its waits, in the order they began; Span.Block indexes them; nil for none
}

// Lives reports whether g may have a span at time t: whether t is not
// before its creation nor at or after its end. It looks at no span, which
// makes it the quick way to pass over the many goroutines of a big trace
// that are not there at t.
func (g *Goroutine) Lives(t Time) bool {
	return (g.Created == NoTime || g.Created <= t) && (g.Ended == NoTime || t < g.Ended)
}

// Channel is a channel annotated by package probe.
type Channel struct {
	ID       uint64 // the probe's channel id
	Name     string
	Cap      int
	External bool // not made by the probe (a ticker's): receives only
	Made     Time // NoTime when the trace does not show it being made
	Ops      Ops
}

// OpKind is what an operation on a channel does.
type OpKind uint8

// The kinds of channel operation.
const (
	Send OpKind = iota + 1
	Recv
	Close
)

// Op is one send, receive or close on a channel.
//
// The fields are ordered to leave no padding: 64 bytes an operation.
type Op struct {
	G      GID
	Start  Time
	End    Time   // NoTime if it never completed
	Value  string // the value sent or received, as short text
	Seq    uint64 // the probe's number of the value; 0 when unknown
	Send   int32  // a completed receive: index of the send it got, or -1
	Select int32  // index into Timeline.Selects if a select chose it, else -1
	Stack  int32  // where it began: index into Timeline.Stacks, or -1
	Kind   OpKind
	OK     bool // a completed receive: false for a closed channel's zero value
}

// Select is one select statement run by a goroutine.
type Select struct {
	G          GID
	Start, End Time // End is NoTime if no case was ever chosen
	Cases      []SelectCase
	Chosen     int   // index into Cases, or -1
	Stack      int32 // where it began: index into Timeline.Stacks, or -1
}

// SelectCase is one case of a select.
type SelectCase struct {
	Dir   probe.CaseDir
	Chan  int32  // index into Timeline.Channels; -1 for the default and nil
	Value string // the value offered by a send case
}

// Frame is one frame of a stack.
type Frame struct {
	Func string
	File string
	Line int
}

// StepKind is what happened at a step.
type StepKind uint8

// The kinds of step.
const (
	StepCreate StepKind = iota + 1 // G was created by Other
	StepBlock                      // G began to wait: G's Blocks[Block]
	StepWake                       // G was made runnable by Other (NoG: timer, poller)
	StepEnd                        // G ended
	StepMake                       // G made channel Chan
	StepSend                       // G's send Op on Chan completed
	StepRecv                       // G's receive Op on Chan completed
	StepClose                      // G closed Chan
	StepSelect                     // G's select Select completed
	StepLog                        // G logged user annotation Log
)

// Step is one moment a person steps through. Fields that do not apply to
// its Kind are -1 (NoG for Other): a create or a wake-up has Other, a
// block has Block, a log has Log, and a make, send, receive, close or
// select has Chan and Op (a select that chose no channel's case has -1),
// and a select has Select. Steps keep only those.
type Step struct {
	Time   Time
	G      GID
	Other  GID
	Chan   int32
	Op     int32
	Block  int32
	Select int32
	Log    int32
	Kind   StepKind
}

// Log is a user annotation that is not the probe's: a runtime/trace log
// message, or the start or end of a task or region.
type Log struct {
	G        GID
	Time     Time
	Category string // the log's category, or "task", "region"
	Message  string
}

// FindingKind names what a finding reports.
type FindingKind string

// The kinds of finding.
const (
	Leak     FindingKind = "leak"     // a goroutine blocked forever at the end
	Deadlock FindingKind = "deadlock" // every goroutine of the program blocked
)

// Finding is something wrong the trace shows.
type Finding struct {
	Kind   FindingKind
	G      GID  // the leaked goroutine; NoG for a deadlock
	Time   Time // when the leak's wait or the deadlock began
	Detail string
}

// Timeline is a trace read into goroutines, channels and steps. It is
// built once by Read and never changed afterwards, so any number of
// goroutines may read it at once.
type Timeline struct {
	Events   int  // events in the trace
	Duration Time // time from the first event to the last

	// Begin and End delimit the recorded program's own run when the
	// probe recorded it; otherwise they span the whole trace. Steps lie
	// between them.
	Begin, End Time

	Goroutines []*Goroutine // in order of first appearance
	Channels   []*Channel   // in order of first appearance
	Selects    []Select     // in the order they began
	Stacks     Stacks       // interned; Block.Stack numbers them
	Logs       []Log
	Steps      Steps // in time order
	Findings   []Finding

	byID    gidIndex // the index in Goroutines by id, if indexed
	indexed bool
}

// Goroutine returns the goroutine with the given id, or nil.
func (t *Timeline) Goroutine(id GID) *Goroutine {
	if i := t.GoroutineIndex(id); i >= 0 {
		return t.Goroutines[i]
	}
	return nil
}

// GoroutineIndex returns the index in Goroutines of the goroutine with the
// given id, or -1. A Timeline made by Read finds it in an index; one built
// by hand is searched, until Index is called.
func (t *Timeline) GoroutineIndex(id GID) int {
	if !t.indexed {
		for i, g := range t.Goroutines {
			if g.ID == id {
				return i
			}
		}
		return -1
	}
	if i, ok := t.byID.get(id); ok {
		return int(i)
	}
	return -1
}

// Index files the goroutines of a Timeline built by hand by their ids, for
// Goroutine and GoroutineIndex to find them without a search. The
// goroutines must not change after it. A Timeline made by Read is filed
// already.
func (t *Timeline) Index() {
	t.byID, t.indexed = gidIndex{}, true
	for i, g := range t.Goroutines {
		t.byID.put(g.ID, int32(i))
	}
}

// addGoroutine appends g to the goroutines, indexed by its id.
func (t *Timeline) addGoroutine(g *Goroutine) {
	t.byID.put(g.ID, int32(len(t.Goroutines)))
	t.Goroutines = append(t.Goroutines, g)
}
