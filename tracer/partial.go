package tracer

import (
	"maps"
	"slices"
	"time"
)

// A big trace takes seconds to read. ReadOptions.Partial lets a viewer
// show what has been read so far: now and then Read hands it a finished
// timeline of the events read up to then, made without disturbing the
// builder, which goes on.

// When Read hands out timelines of the events read so far: the first once
// it has read for firstPartial, the others at least partialEvery apart,
// and never so often that making them takes more than a tenth of the
// reading (a snapshot costs time in proportion to the timeline).
const (
	firstPartial = 300 * time.Millisecond
	partialEvery = time.Second
	partialShare = 10
)

// partials decides when the next snapshot is due.
type partials struct {
	fn     func(*Timeline)
	start  time.Time
	next   time.Time
	first  time.Duration
	every  time.Duration
	handed int // snapshots handed out
}

// newPartials returns the schedule of calls of fn, or nil for a nil fn.
// With every zero, fn is called after every batch of events from first on.
func newPartials(fn func(*Timeline), first, every time.Duration) *partials {
	if fn == nil {
		return nil
	}
	now := time.Now()
	return &partials{fn: fn, start: now, next: now.Add(first), first: first, every: every}
}

// maybe hands fn a snapshot of b if one is due, read bytes of total into
// the trace (0 when not known). None is due when the rest of the trace
// should take less time to read than the wait for the next, or for the
// first than the wait for it so far: a snapshot near the end would be
// replaced at once, and, with its index, it was a sixth of the peak memory
// of the UI (15 MB of 94 for a 16 MB trace of go test net/http, which read
// whole in 0.4 s: its first picture came no later for it).
func (p *partials) maybe(b *builder, read, total int64) {
	if p == nil || b.events == b.syncs {
		return
	}
	now := time.Now()
	if !p.due(now, read, total) {
		return
	}
	p.fn(b.snapshot())
	p.handed++
	if p.every > 0 {
		cost := time.Since(now)
		p.next = time.Now().Add(max(p.every, partialShare*cost))
	}
}

// due reports whether a snapshot is due at now, read bytes of total into
// the trace (see maybe).
func (p *partials) due(now time.Time, read, total int64) bool {
	if now.Before(p.next) {
		return false
	}
	if p.every > 0 && read > 0 && total >= read {
		wait := p.every
		if p.handed == 0 {
			wait = p.first
		}
		left := time.Duration(float64(now.Sub(p.start)) * float64(total-read) / float64(read))
		return left >= wait
	}
	return true
}

// snapshot returns the finished timeline of the events read so far. It
// shares with the builder only what the builder never changes once
// written, behind slices clipped to their length, so that the builder's
// appends go elsewhere: the spans, the logs, the stacks and the steps
// (which finish changes on copies). Everything the builder or finish
// changes in place is copied.
//
// A goroutine that has ended no longer changes: it is frozen, and shared
// as it is, its waits naming their names and wakers in the snapshot's
// tables. A trace of go test time has 2 million goroutines, and copying
// each at every snapshot cost its replay a fifth of its memory and time.
// Only the builder of a trace that names a goroutine after its end would
// change one again, and it changes a copy (see thaw).
func (b *builder) snapshot() *Timeline {
	tl := *b.tl
	tl.Goroutines = make([]*Goroutine, len(b.tl.Goroutines))
	tl.byID = b.tl.byID.clone() // the builder goes on filing goroutines in it
	values, ids := b.values.snapshot(), b.ids.snapshot()
	names := b.names.snapshot(ids)
	for i, g := range b.tl.Goroutines {
		if !g.frozen && g.Ended != NoTime {
			if g.Blocks != nil {
				g.Blocks.names = names
			}
			g.System = isSystem(g) // as finish would set it
			g.frozen = true
		}
		if g.frozen {
			tl.Goroutines[i] = g
			continue
		}
		c := *g
		c.Spans = g.Spans.clip()
		c.Blocks = g.Blocks.share(names)
		tl.Goroutines[i] = &c
	}
	pairOps(b.tl)
	tl.Channels = make([]*Channel, len(b.tl.Channels))
	for i, ch := range b.tl.Channels {
		c := *ch
		c.Ops = ch.Ops.share(values, ids)
		tl.Channels[i] = &c
	}
	tl.Selects = slices.Clone(b.tl.Selects)
	for i := range tl.Selects {
		if s := &tl.Selects[i]; s.End == NoTime {
			s.Cases = slices.Clone(s.Cases) // cases are filled in as they come
		}
	}
	tl.Stacks = b.tl.Stacks.clip()
	tl.Logs = slices.Clip(b.tl.Logs)

	// finish closes the open spans, from the goroutines' states.
	// Of those that exist now, as they end the others' spans.
	var gs chunked[*gstate]
	for _, s := range b.gs.all() {
		var open *gstate
		if s != nil && s.state != 0 {
			c := *s
			c.g = tl.Goroutines[tl.GoroutineIndex(s.g.ID)]
			open = &c
		}
		gs.add(open)
	}
	sb := &builder{
		tl: &tl, steps: b.steps.share(ids), events: b.events, syncs: b.syncs, last: b.last,
		begin: b.begin, end: b.end, gs: gs, caseSeqs: maps.Clone(b.caseSeqs),
	}
	sb.finish()
	tl.Findings = nil // what is blocked now may yet be woken
	return &tl
}

// thawed replaces goroutine k of tl, which partial timelines share, with a
// copy to change, and returns the copy. Its lists copy a chunk before they
// change it, as a share's do, so that the shared goroutine stays as it is.
func thawed(tl *Timeline, k int) *Goroutine {
	g := tl.Goroutines[k]
	c := *g
	c.frozen = false
	c.Spans = g.Spans.clip()
	c.Blocks = g.Blocks.view()
	tl.Goroutines[k] = &c
	return &c
}

// thaw gives the builder a copy of goroutine id to change, where partial
// timelines share it (see snapshot), and returns it.
func (b *builder) thaw(id GID) *Goroutine {
	g := thawed(b.tl, b.tl.GoroutineIndex(id))
	if g.Blocks != nil {
		g.Blocks.names = b.names
	}
	if s := b.state(id); s != nil {
		s.g = g
	}
	return g
}
