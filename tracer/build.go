package tracer

import (
	"encoding/binary"
	"strconv"

	xtrace "golang.org/x/exp/trace"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// gstate is what the builder keeps about a goroutine while reading, in
// 40 bytes: a trace of go test net/http has hundreds of thousands.
type gstate struct {
	g     *Goroutine
	since Time  // start of the current span
	block int32 // open wait, index into g.Blocks, or -1

	// The probe operation or select the goroutine has begun and not yet
	// completed, so that a wait can be tied to it.
	opChan, op int32
	sel        int32

	state State // current state; 0 when not (or no longer) existing

	// In a part that continues another (see stitch.go): first is the
	// state the part's first generation restated, 0 for a goroutine
	// created in the part, with the stack of the restatement in the
	// builder's restated. inheritOp says that opChan and op are not known
	// yet, but those the goroutine had at the end of the part before;
	// inheritSel says the same of sel.
	first                 State
	inheritOp, inheritSel bool
	seen                  bool // the part has seen a change of its state
}

// restatement is the stack of a goroutine's state as a part's first
// generation restated it.
type restatement struct {
	frames []Frame
	key    string
}

// builder turns events into a Timeline.
type builder struct {
	tl     *Timeline
	events int
	syncs  int         // Sync events among events
	start  xtrace.Time // time of the first event
	last   Time

	begin, end Time // the probe's begin and end, or NoTime

	steps    Steps            // the timeline's steps until finish
	gs       chunked[*gstate] // by goroutine number (see gnums); nil for none yet
	chans    map[uint64]int32 // probe channel id -> index in tl.Channels
	selects  map[uint64]int32 // probe select id -> index in tl.Selects
	caseSeqs map[[2]int64]uint64
	stacks   map[string]int32        // interned stacks by their PCs (see stackKey)
	key      []byte                  // stackKey's buffer
	frames   []Frame                 // stackFrames's buffer
	sites    []string                // the site of each interned stack
	names    *waitNames              // the reasons and sites of all the goroutines' waits
	values   *valueArena             // the values of all the channels' operations
	ids      *gnums                  // the numbers of the goroutines the steps and operations name
	handles  map[xtrace.Stack]int32  // this generation's stack handles
	starts   map[xtrace.Stack]string // this generation's outermost functions by stack handle
	arena    byteArena               // the spans of goroutines that ended

	// Set when a step comes before the step before it, or a goroutine's
	// span before the span before it, as they do in a trace whose parts
	// overlap in time (see inOrder); lastStep is the time of the last step.
	stepsDisordered, spansDisordered bool
	lastStep                         Time

	// lastG is the goroutine looked up last: consecutive events are
	// mostly about one goroutine, and a map lookup per event showed in
	// profiles.
	lastG *gstate

	// spare are the states of goroutines that ended, to be used again
	// rather than allocated anew: a trace of go test time has 2 million
	// goroutines, whose states were 96 MB of the reading's garbage.
	spare []*gstate

	taskTypes map[xtrace.TaskID]string // the types of the tasks begun

	// For a part of a trace that continues another (see stitch.go):
	// start is set before the first event, and the builder notes what
	// only the parts before can resolve.
	cont      bool
	warm      int            // Sync events to meet before the part begins, the last included
	partStart Time           // the time of the part's first event
	fixups    []fixup        // annotations of operations and selects begun before the part
	untyped   []untypedTask  // the ends of tasks begun before the part
	made      map[int32]bool // the channels the part saw being made
	restated  map[GID]restatement
}

func newBuilder() *builder {
	b := &builder{
		begin:     NoTime,
		end:       NoTime,
		tl:        &Timeline{indexed: true},
		chans:     map[uint64]int32{},
		selects:   map[uint64]int32{},
		caseSeqs:  map[[2]int64]uint64{},
		stacks:    map[string]int32{},
		taskTypes: map[xtrace.TaskID]string{},
		handles:   map[xtrace.Stack]int32{},
		starts:    map[xtrace.Stack]string{},
		values:    &valueArena{},
	}
	b.ids = &gnums{}
	b.names = &waitNames{ids: b.ids}
	b.steps.ids = b.ids
	return b
}

// event folds one event into the timeline under construction.
func (b *builder) event(ev *xtrace.Event) {
	if b.warm > 0 {
		// The generation before the part, read only for the trace
		// reader to know every goroutine's state when the part begins,
		// at the Sync event that passing it leaves.
		if ev.Kind() != xtrace.EventSync {
			return
		}
		if b.warm--; b.warm > 0 {
			return
		}
	}
	if b.events == 0 {
		if !b.cont {
			b.start = ev.Time()
		}
		b.partStart = Time(ev.Time() - b.start)
	}
	b.events++
	t := Time(ev.Time() - b.start)
	if t > b.last {
		b.last = t
	}

	switch ev.Kind() {
	case xtrace.EventSync:
		b.syncs++

		// Stack handles are valid within one generation only.
		clear(b.handles)
		clear(b.starts)
	case xtrace.EventStateTransition:
		st := ev.StateTransition()
		if st.Resource.Kind == xtrace.ResourceGoroutine {
			b.transition(ev, &st, t)
		}
	case xtrace.EventLog:
		l := ev.Log()
		g := GID(ev.Goroutine())
		if l.Category == probe.Category {
			b.annotation(g, t, l.Message, b.stack(ev.Stack()))
		} else {
			b.userLog(g, t, l.Category, l.Message)
		}
	case xtrace.EventTaskBegin, xtrace.EventTaskEnd:
		task := ev.Task()
		verb := "begin"
		if ev.Kind() == xtrace.EventTaskEnd {
			verb = "end"
			if task.Type == "" && b.cont {
				// Begun before the part: the part's reader cannot
				// know its type, but the parts before it can.
				b.untyped = append(b.untyped, untypedTask{int32(len(b.tl.Logs)), task.ID})
			}
		} else if task.Type != "" {
			b.taskTypes[task.ID] = task.Type
		}
		b.userLog(GID(ev.Goroutine()), t, "task", taskMessage(verb, task.Type, task.ID))
	case xtrace.EventRegionBegin, xtrace.EventRegionEnd:
		verb := "begin"
		if ev.Kind() == xtrace.EventRegionEnd {
			verb = "end"
		}
		b.userLog(GID(ev.Goroutine()), t, "region", verb+" "+ev.Region().Type)
	}
}

// goroutine returns the builder's state for id, creating it when first seen.
func (b *builder) goroutine(id GID) *gstate {
	if s := b.lastG; s != nil && s.g.ID == id && !s.g.frozen {
		return s
	}
	if s := b.state(id); s != nil {
		if s.g.frozen {
			b.thaw(id)
		}
		b.lastG = s
		return s
	}
	var g *Goroutine
	if i := b.tl.GoroutineIndex(id); i >= 0 {
		// Named after its end, which only a damaged trace does: its
		// state went at its end (see forget).
		g = b.tl.Goroutines[i]
		if g.frozen {
			g = b.thaw(id)
		}
	} else {
		g = &Goroutine{ID: id, Parent: NoG, Created: NoTime, Ended: NoTime, GoStack: -1}
		b.tl.addGoroutine(g)
	}
	var s *gstate
	if n := len(b.spare); n > 0 {
		s, b.spare = b.spare[n-1], b.spare[:n-1]
	} else {
		s = new(gstate)
	}
	*s = gstate{g: g, block: -1, opChan: -1, op: -1, sel: -1, inheritOp: b.cont, inheritSel: b.cont}
	b.setState(s)
	b.lastG = s
	return s
}

// state returns the builder's state for id, or nil if it has none.
func (b *builder) state(id GID) *gstate {
	if n := b.ids.number(id); n < b.gs.n {
		return *b.gs.ref(int(n))
	}
	return nil
}

// waits returns g's waits, made if it has none yet.
func (b *builder) waits(g *Goroutine) *Blocks {
	if g.Blocks == nil {
		g.Blocks = &Blocks{names: b.names}
	}
	return g.Blocks
}

// forget lets go of the state of s's goroutine, which has ended: a trace
// of go test time has 2 million goroutines, whose states took a tenth of
// the reading's memory. A builder of a part after the first keeps them,
// for the stitching (see stitch.go).
func (b *builder) forget(s *gstate) {
	if b.cont {
		return
	}
	*b.gs.ref(int(b.ids.number(s.g.ID))) = nil
	if b.lastG == s {
		b.lastG = nil
	}
	b.spare = append(b.spare, s)
}

// setState makes s the builder's state for its goroutine.
func (b *builder) setState(s *gstate) {
	n := b.ids.number(s.g.ID)
	for b.gs.n <= n {
		b.gs.add(nil)
	}
	*b.gs.ref(int(n)) = s
}

// transition applies a goroutine's change of state.
func (b *builder) transition(ev *xtrace.Event, st *xtrace.StateTransition, t Time) {
	from, to := st.Goroutine()
	id := GID(st.Resource.Goroutine())
	restated := false // the first sight of a goroutine in a part after the first
	if from == to {
		// A generation restating a known state, which tells something
		// only to a builder of a later part that has not seen the
		// goroutine yet.
		if !b.cont {
			return
		}
		if s := b.goroutine(id); s.seen {
			return
		}
		restated = true
	}
	s := b.goroutine(id)
	s.seen = true
	actor := GID(ev.Goroutine())

	// The stack of the goroutine changing state: the transition's own, or
	// the event's when the goroutine itself made the transition.
	stack := st.Stack
	if stack == xtrace.NoStack && actor == id {
		stack = ev.Stack()
	}
	stk := int32(-1)
	switch {
	case restated:
		// One builder reading the whole trace would skip it: its stack
		// is interned only at the stitching, if one builder would have
		// met it (see stitch.go).
		if b.restated == nil {
			b.restated = map[GID]restatement{}
		}
		b.restated[id] = restatement{stackFrames(nil, stack), string(stackKey(nil, stack))}
	case to == xtrace.GoWaiting:
		// Only a wait keeps its stack: interning the stacks of going to
		// run, to a syscall or back was a third of the builder's time on
		// a trace of go test net/http.
		stk = b.stack(stack)
	}
	if s.g.Name == "" {
		if stk >= 0 {
			s.g.Name = b.tl.Stacks.Outermost(stk).Func
		} else {
			s.g.Name = b.outermost(stack)
		}
	}

	// Close the span that ends here.
	if s.state != 0 {
		b.closeSpan(s, t)
	}

	switch {
	case from == xtrace.GoNotExist:
		s.inheritOp, s.inheritSel = false, false
		s.g.Created = t
		s.g.Parent = actor
		if actor == id {
			s.g.Parent = NoG
		} else {
			s.g.GoStack = b.stack(ev.Stack())
		}
		b.step(Step{Time: t, Kind: StepCreate, G: id, Other: s.g.Parent})
	case restated:
		// Known since the start of the part, whenever the runtime said so.
		t, s.first = b.partStart, stateOf(to)
	case from == xtrace.GoUndetermined:
		// Known since the start of the trace, whenever the runtime said so.
		t = 0
	case from == xtrace.GoWaiting && s.block >= 0:
		waker := NoG
		if actor != id {
			waker = actor
		}
		s.g.Blocks.setEnd(s.block, t, waker)
		s.block = -1
		b.step(Step{Time: t, Kind: StepWake, G: id, Other: waker})
	}

	switch to {
	case xtrace.GoNotExist:
		s.g.Ended = t
		s.state = 0
		// A trace of go test has tens of thousands of goroutines that
		// end: what their spans and waits kept to grow was 4% of the
		// timeline.
		s.g.Spans.trim(&b.arena)
		s.g.Blocks.trim()
		b.step(Step{Time: t, Kind: StepEnd, G: id})
		b.forget(s)
		return
	case xtrace.GoWaiting:
		b.openBlock(s, st.Reason, t, stk, from == xtrace.GoUndetermined || restated)
	}
	s.state = stateOf(to)
	s.since = t
}

// stateOf maps the reader's goroutine states onto the Timeline's.
func stateOf(s xtrace.GoState) State {
	switch s {
	case xtrace.GoRunnable:
		return Runnable
	case xtrace.GoRunning:
		return Running
	case xtrace.GoWaiting:
		return Waiting
	case xtrace.GoSyscall:
		return Syscall
	}
	return Runnable
}

// closeSpan ends the goroutine's current span at t.
func (b *builder) closeSpan(s *gstate, t Time) {
	sp := Span{Start: s.since, End: t, State: s.state, Block: -1}
	if s.state == Waiting {
		sp.Block = s.block
	}
	b.appendSpan(&s.g.Spans, sp)
}

// appendSpan appends sp to spans, noting whether it begins before the
// span before it ended.
func (b *builder) appendSpan(spans *Spans, sp Span) {
	if sp.Start < spans.end {
		b.spansDisordered = true
	}
	spans.Append(sp)
}

// addStep appends st to the steps, noting whether it comes before the step
// before it.
func (b *builder) addStep(st Step) {
	if st.Time < b.lastStep {
		b.stepsDisordered = true
	}
	b.lastStep = st.Time
	b.steps.add(st)
}

// openBlock records that the goroutine began to wait, tying the wait to
// the probe operation or select it has under way.
func (b *builder) openBlock(s *gstate, reason string, t Time, stk int32, sinceStart bool) {
	blk := Block{
		Reason: reason, Start: t, End: NoTime, WokenBy: NoG, Stack: stk,
		SinceStart: sinceStart, Chan: s.opChan, Op: s.op, Select: s.sel,
	}
	// What is inherited is resolved when the parts are stitched.
	if s.inheritOp {
		blk.Chan, blk.Op = inherited, inherited
	}
	if s.inheritSel {
		blk.Select = inherited
	}
	if stk >= 0 {
		blk.Site = b.sites[stk]
	}
	s.block = int32(s.g.Blocks.Len())
	b.waits(s.g).add(blk)
	if !sinceStart {
		b.step(Step{Time: t, Kind: StepBlock, G: s.g.ID, Other: NoG, Block: s.block})
	}
}

// stack interns a stack, returning its number in tl.Stacks or -1 for none.
// A stack met again in a later generation, under a new handle, is looked
// up by its PCs without building its frames.
func (b *builder) stack(st xtrace.Stack) int32 {
	if st == xtrace.NoStack {
		return -1
	}
	if i, ok := b.handles[st]; ok {
		return i
	}
	b.key = stackKey(b.key[:0], st)
	i, ok := b.stacks[string(b.key)]
	if !ok {
		b.frames = stackFrames(b.frames[:0], st)
		i = b.intern(b.frames, string(b.key))
	}
	b.handles[st] = i
	return i
}

// stackKey appends to key the key a stack is interned by: its PCs.
func stackKey(key []byte, st xtrace.Stack) []byte {
	for f := range st.Frames() {
		key = binary.AppendUvarint(key, f.PC)
	}
	return key
}

// outermost returns outermostFunc(st), looked up by st's handle when
// met before in the generation: a trace of go test time names 2 million
// goroutines from far fewer stacks, and walking the frames of each
// took 5% of the builder's time on it, against 1.3% now.
func (b *builder) outermost(st xtrace.Stack) string {
	if fn, ok := b.starts[st]; ok {
		return fn
	}
	fn := outermostFunc(st)
	b.starts[st] = fn
	return fn
}

// outermostFunc returns the function of a stack's outermost frame, or ""
// for a stack without frames.
func outermostFunc(st xtrace.Stack) string {
	fn := ""
	for f := range st.Frames() {
		fn = f.Func
	}
	return fn
}

// stackFrames appends the frames of a stack to frames.
func stackFrames(frames []Frame, st xtrace.Stack) []Frame {
	for f := range st.Frames() {
		frames = append(frames, Frame{Func: f.Func, File: f.File, Line: int(f.Line)})
	}
	return frames
}

// intern returns the number in tl.Stacks of the stack with the given
// frames and key, adding it if new, or -1 for a stack without frames.
func (b *builder) intern(frames []Frame, key string) int32 {
	if len(frames) == 0 {
		return -1
	}
	i, ok := b.stacks[key]
	if !ok {
		i = b.tl.Stacks.add(frames)
		b.sites = append(b.sites, site(frames))
		b.stacks[key] = i
	}
	return i
}

// step appends a step, filling the indexes its kind does not use with -1.
func (b *builder) step(s Step) {
	if s.Kind != StepCreate && s.Kind != StepWake {
		s.Other = NoG
	}
	if s.Kind != StepBlock {
		s.Block = -1
	}
	switch s.Kind {
	case StepMake, StepSend, StepRecv, StepClose, StepSelect:
	default:
		s.Chan, s.Op = -1, -1
	}
	if s.Kind != StepSelect {
		s.Select = -1
	}
	if s.Kind != StepLog {
		s.Log = -1
	}
	b.addStep(s)
}

// untypedTask is the end of a task that a later part's reader met without
// its beginning: the log's index in Timeline.Logs, and the task.
type untypedTask struct {
	log int32
	id  xtrace.TaskID
}

// taskMessage is the message of the log of a task's beginning or end.
func taskMessage(verb, typ string, id xtrace.TaskID) string {
	return verb + " " + typ + " " + strconv.FormatUint(uint64(id), 10)
}

// userLog records a log, task or region event that is not the probe's.
func (b *builder) userLog(g GID, t Time, category, msg string) {
	b.tl.Logs = append(b.tl.Logs, Log{G: g, Time: t, Category: category, Message: msg})
	b.step(Step{Time: t, Kind: StepLog, G: g, Log: int32(len(b.tl.Logs) - 1)})
}
