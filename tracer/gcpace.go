package tracer

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// How PaceGC paces the collector. No fixed percent suits every trace: the
// timeline and reader of a small trace of many goroutines make a live heap
// of over twice the file, where a percent of 50 lets the program reach four
// times the file before a collection; for a big trace, whose heap stays
// under twice the file, the same percent collects more often than need be.
// So after every collection the percent is set for the next goal to be
// heapBudget times the trace's size, within the bounds. Measured with
// cmd/benchread against a fixed 50 (two sittings of five runs each), the
// load's peak went from 3.6-3.7 to 3.4 times a 16 MB trace of go test
// net/http, and its time from 1.37-1.46 to 1.30-1.35 times a bare read;
// for the 84 MB trace of the same tests run 6 times, from 2.9 to 2.6
// times and from 1.29-1.30 to 1.25-1.28. Pipelines stayed within a tenth
// of where they were, their load's peak under 2.7 times their size.
//
// The floor is for the replay, whose peak comes as the reading ends and
// the collector can no longer keep the heap within the budget: at 15
// rather than 25, the replay of the 16 MB trace peaked at 3.64-3.70
// times its size instead of 4.00 (medians of 5 and 7), and took 12-21
// ms longer, of 340; that of the 84 MB one at 2.81 times instead of
// 2.92, in the same time. The load alone was no smaller.
const (
	heapBudget     = 2.2
	minPacePercent = 15
	maxPacePercent = 100
)

// pacer is PaceGC's state; the program has one, pacing.
type pacer struct {
	sync.Mutex
	budget uint64 // the heap goal sought, in bytes; 0 when not pacing
	armed  bool   // a cleanup will call afterGC at the next collection
	live   []metrics.Sample
}

var pacing pacer

// PaceGC paces the garbage collector of a program that reads a trace of
// size bytes and then holds its timeline, in place of a fixed percent
// (see GCPercent): after each collection it lets the heap grow towards
// about twice the trace's size, by no more than the default of 100% of the
// live heap and no less than 15%. A later call replaces the size, and a
// size of 0 or less stops the pacing, leaving the percent where it is.
// It starts no goroutine.
func PaceGC(size int64) {
	p := &pacing
	p.Lock()
	defer p.Unlock()
	if size <= 0 {
		p.budget = 0
		return
	}
	p.budget = uint64(float64(size) * heapBudget)
	if !p.armed {
		p.armed = true
		armPacing()
	}
	p.tune()
}

// armPacing has afterGC called once the next collection has run: at the
// first collection that finds the token unreachable, which is the next.
func armPacing() {
	runtime.AddCleanup(&pacingToken{}, func(struct{}) { afterGC() }, struct{}{})
}

// pacingToken is what armPacing watches. It holds a pointer: the allocator
// packs small objects without any into shared blocks, and a cleanup on one
// would wait for every object of its block to go.
type pacingToken struct{ _ *int }

// afterGC sets the percent for the heap the last collection left, and
// waits for the next.
func afterGC() {
	p := &pacing
	p.Lock()
	defer p.Unlock()
	if p.budget == 0 {
		p.armed = false
		return
	}
	p.tune()
	armPacing()
}

// tune sets the collector's percent for the live heap. p must be locked.
func (p *pacer) tune() {
	if p.live == nil {
		p.live = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	}
	metrics.Read(p.live)
	if p.live[0].Value.Kind() != metrics.KindUint64 {
		return // not a metric of this runtime
	}
	debug.SetGCPercent(pacePercent(p.live[0].Value.Uint64(), p.budget))
}

// pacePercent returns the percent by which a live heap may grow before the
// next collection for its goal to be budget, within the pacing's bounds.
func pacePercent(live, budget uint64) int {
	switch {
	case live == 0: // no collection yet
		return maxPacePercent
	case budget <= live:
		return minPacePercent
	}
	growth := (budget - live) * 100 / live
	return int(min(max(growth, minPacePercent), maxPacePercent))
}
