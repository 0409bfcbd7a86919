package tracer

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
)

// finish completes the timeline once every event has been read.
func (b *builder) finish() *Timeline {
	tl := b.tl
	tl.Steps, b.steps = b.steps, Steps{}
	tl.Events = b.events
	tl.Duration = b.last

	// Close what is still open at the end of the trace.
	for _, s := range b.gs.all() {
		if s != nil && s.state != 0 {
			b.closeSpan(s, tl.Duration)
		}
	}
	for _, g := range tl.Goroutines {
		if !g.frozen { // which snapshot set, as it shares it
			g.System = isSystem(g)
		}
	}

	b.window()
	b.recoverSends()
	b.sortOps()
	tl.Steps.seal()
	pairOps(tl)
	tl.Findings = findings(tl, b.end != NoTime)
	return tl
}

// window sets the program's window and drops the steps outside it: those
// of the tracing machinery before and after the recorded function.
func (b *builder) window() {
	tl := b.tl
	tl.Begin, tl.End = 0, tl.Duration
	if b.begin != NoTime {
		tl.Begin = b.begin
	}
	if b.end != NoTime && b.end >= tl.Begin {
		tl.End = b.end
	}
	if tl.Begin == 0 && tl.End == tl.Duration {
		return
	}
	tl.Steps.keep(tl.Steps.Search(tl.Begin), tl.Steps.Search(tl.End+1))
}

// recoverSends adds the sends of selects whose completion the trace lacks
// but whose value a receive got: the trace stopped between the handoff and
// the sender's note that its select chose the send.
func (b *builder) recoverSends() {
	tl := b.tl
	type key struct {
		ch  int32
		seq uint64
	}
	open := map[key][2]int64{} // an unchosen send case -> select, case
	for sc, seq := range b.caseSeqs {
		c := tl.Selects[sc[0]].Cases[sc[1]]
		open[key{c.Chan, seq}] = sc
	}
	if len(open) == 0 {
		return
	}
	for ci, c := range tl.Channels {
		for _, op := range c.Ops.All() {
			sc, ok := open[key{int32(ci), op.Seq}]
			if op.Kind != Recv || !op.OK || op.End == NoTime || !ok {
				continue
			}
			sel := &tl.Selects[sc[0]]
			sel.Chosen = int(sc[1])
			c.Ops.add(Op{
				Kind: Send, G: sel.G, Start: sel.Start, End: op.End, Seq: op.Seq,
				Value: sel.Cases[sc[1]].Value, Send: -1, OK: true,
				Select: int32(sc[0]), Stack: sel.Stack,
			})
		}
	}
}

// isSystem reports whether g is a runtime goroutine (see IsSystem). A
// goroutine of a Go 1.21 or 1.22 trace that predates it and never ran has
// no stack and so no name: all the trace shows of it is that it waited,
// as runtime goroutines idly do.
func isSystem(g *Goroutine) bool {
	return IsSystem(g.Name) || g.Name == "" && g.Created == NoTime && !ran(g)
}

// ran reports whether g ran during the trace.
func ran(g *Goroutine) bool {
	for _, sp := range g.Spans.All() {
		if sp.State == Running {
			return true
		}
	}
	return false
}

// sortOps puts every channel's operations in the order they began (a
// select's operation is added when it completes, but began with the
// select), and renumbers the references to them.
func (b *builder) sortOps() {
	tl := b.tl
	perms := make([][]int32, len(tl.Channels)) // old index -> new, or nil
	permuted := false
	for ci, c := range tl.Channels {
		sorted := true
		for i := int32(1); int(i) < c.Ops.Len() && sorted; i++ {
			sorted = c.Ops.start(i-1) <= c.Ops.start(i)
		}
		if sorted {
			continue
		}
		order := make([]int32, c.Ops.Len())
		starts := make([]Time, c.Ops.Len())
		for i := range order {
			order[i], starts[i] = int32(i), c.Ops.start(int32(i))
		}
		slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(starts[x], starts[y]) })
		perms[ci] = c.Ops.permute(order)
		permuted = true
	}
	if !permuted {
		return // as for most traces, and every one without a select
	}
	renumber := func(ci, op *int32) {
		if *ci >= 0 && *op >= 0 && perms[*ci] != nil {
			*op = perms[*ci][*op]
		}
	}
	for k, g := range tl.Goroutines {
		for i := range g.Blocks.Len() {
			if ch, op := g.Blocks.op(i); ch >= 0 && op >= 0 && perms[ch] != nil {
				if g.frozen {
					g = thawed(tl, k)
				}
				renumber(&ch, &op)
				g.Blocks.setOp(i, ch, op)
			}
		}
	}
	tl.Steps.rewrite(func(s Step) (Step, bool) {
		op := s.Op
		renumber(&s.Chan, &s.Op)
		return s, s.Op != op
	})
}

// pairOps names, for every completed receive, the send whose value it got,
// by the sequence number the value carried. It changes only the
// operations whose pairing is new: a reader pairs its operations before
// each partial timeline shares them, so that neither the partial's
// finish nor the next one copies them all to pair them again.
func pairOps(tl *Timeline) {
	for _, c := range tl.Channels {
		ops := &c.Ops
		sends := sendsBySeq(ops)
		for i := range int32(ops.Len()) {
			op := *ops.list.ref(int(i))
			if op.kind() != Recv || op.open() || !op.ok() || ops.seq(i) == 0 {
				continue
			}
			si := sends.find(ops.seq(i))
			if si < 0 {
				continue
			}
			send := *ops.list.ref(int(si))
			if send.open() {
				// The trace stopped before the sender noted that its
				// send completed; the receive shows it did. (A reader
				// pairing for a partial timeline may yet read the note,
				// and the send's end with it.)
				ops.setEnd(si, ops.end(i))
			}
			if op.send != si || op.value == 0 && send.value != 0 {
				recv := ops.list.mut(int(i))
				recv.send = si
				if recv.value == 0 {
					recv.value = send.value // in the same arena
				}
			}
		}
	}
}

// seqIndex finds a channel's send by the sequence number of its value.
// The probe numbers a channel's values from 1 on, so the sends are mostly
// found in a slice by number, which for a channel of a million sends
// takes 4 MB where a map took ten times that; a map holds the numbers
// too big for it, as a damaged trace may have.
type seqIndex struct {
	dense  []int32 // by number: the send's index, or -1
	sparse map[uint64]int32
}

// sendsBySeq indexes ops' sends by sequence number.
func sendsBySeq(ops *Ops) seqIndex {
	var x seqIndex
	n := 0
	for i := range int32(ops.Len()) {
		if p := ops.list.ref(int(i)); p.kind() == Send && ops.seq(i) > 0 {
			n++
		}
	}
	x.dense = make([]int32, 2*n+1)
	for i := range x.dense {
		x.dense[i] = -1
	}
	for i := range int32(ops.Len()) {
		switch seq := ops.seq(i); {
		case ops.list.ref(int(i)).kind() != Send || seq == 0:
		case seq < uint64(len(x.dense)):
			x.dense[seq] = i
		default:
			if x.sparse == nil {
				x.sparse = map[uint64]int32{}
			}
			x.sparse[seq] = i
		}
	}
	return x
}

// find returns the index of the send of the value numbered seq, or -1.
func (x seqIndex) find(seq uint64) int32 {
	if seq < uint64(len(x.dense)) {
		return x.dense[seq]
	}
	if i, ok := x.sparse[seq]; ok {
		return i
	}
	return -1
}

// IsSystem reports whether a goroutine with the given start function is
// the runtime's or the tracing machinery's rather than the program's:
// functions in package runtime other than runtime.main, and in
// runtime/trace, os/signal and the probe.
func IsSystem(name string) bool {
	if name == "runtime.main" {
		return false
	}
	pkg := funcPackage(name)
	switch pkg {
	case "runtime", "runtime/trace", "os/signal":
		return true
	}
	return strings.HasPrefix(pkg, "runtime/") || strings.HasSuffix(pkg, "/tracer/probe")
}

// funcPackage returns the import path of a function's package, given the
// function's name as a stack frame has it ("net/http.(*conn).serve").
// The type arguments of a generic function's name may hold import paths
// of their own, so they are not looked at.
func funcPackage(fn string) string {
	if i := strings.IndexByte(fn, '['); i >= 0 {
		fn = fn[:i]
	}
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

// isStd reports whether an import path belongs to the standard library:
// its first element has no dot, and it is not the main package.
func isStd(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return pkg != "main" && !strings.Contains(first, ".")
}

// site returns "file.go:41" for the frame a person would call the place of
// a wait: the first frame of the program's own code, past the runtime, the
// standard library and the probe; failing that, the first frame outside
// the runtime.
func site(frames []Frame) string {
	fallback := -1
	for i, f := range frames {
		pkg := funcPackage(f.Func)
		if fallback < 0 && pkg != "runtime" && !strings.HasPrefix(pkg, "internal/") &&
			!strings.HasPrefix(pkg, "runtime/") {
			fallback = i
		}
		if !isStd(pkg) && !strings.HasSuffix(pkg, "/tracer/probe") {
			return frameSite(f)
		}
	}
	if fallback >= 0 {
		return frameSite(frames[fallback])
	}
	if len(frames) > 0 {
		return frameSite(frames[0])
	}
	return ""
}

// ProgramFrames returns a stack without its innermost frames of the
// runtime and of package probe: the program's own frames, from where it
// made the operation or began to wait.
func ProgramFrames(stack []Frame) []Frame {
	for i, f := range stack {
		pkg := funcPackage(f.Func)
		if pkg != "runtime" && !strings.HasPrefix(pkg, "runtime/") &&
			!strings.HasPrefix(pkg, "internal/") && !strings.HasSuffix(pkg, "/tracer/probe") {
			return stack[i:]
		}
	}
	return stack
}

func frameSite(f Frame) string {
	return fmt.Sprintf("%s:%d", path.Base(f.File), f.Line)
}

// ShortName returns the name a person would give a goroutine: its start
// function without the import path, and without the package name for the
// program's own code ("counter", "http.(*conn).serve"). Goroutine 1 is
// "main".
func ShortName(name string) string {
	if name == "" {
		return "?"
	}
	if name == "runtime.main" || name == "main.main" {
		return "main"
	}
	pkg := funcPackage(name)
	if len(pkg) >= len(name) {
		return name // no function after the package: not a name we know
	}
	short := name[strings.LastIndexByte(pkg, '/')+1:]
	if !isStd(pkg) {
		short = name[len(pkg)+1:]
	}
	return short
}
