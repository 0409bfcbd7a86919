package tracer

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPacePercent(t *testing.T) {
	for _, c := range []struct {
		live, budget uint64
		want         int
	}{
		{0, 100, maxPacePercent},     // before the first collection
		{100, 150, 50},               // the goal is the budget
		{100, 201, maxPacePercent},   // no more than the default
		{100, 110, minPacePercent},   // no less than the floor
		{100, 100, minPacePercent},   // a heap at the budget
		{300, 100, minPacePercent},   // and over it
		{1 << 40, 1<<41 + 1, 100},    // big numbers
		{1 << 30, 1<<30 + 1<<28, 25}, // a quarter
	} {
		if got := pacePercent(c.live, c.budget); got != c.want {
			t.Errorf("pacePercent(%d, %d) = %d, want %d", c.live, c.budget, got, c.want)
		}
	}
}

// gcPercent returns the collector's percent now.
func gcPercent(t *testing.T) int {
	t.Helper()
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Skip("the runtime has no /gc/gogc:percent")
	}
	return int(s[0].Value.Uint64())
}

// liveHeap returns the live heap the last collection found.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// waitFor waits until cond holds, failing the test after a generous
// while: the pacer runs after a collection, on a goroutine of the runtime.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 10 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPaceGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer PaceGC(0)

	keep := make([]byte, 8<<20) // a live heap of some size
	runtime.GC()
	live := liveHeap()

	// At once, for the heap the last collection left.
	PaceGC(1 << 40)
	if got := gcPercent(t); got != maxPacePercent {
		t.Errorf("for a trace far bigger than the heap: percent %d, want %d", got, maxPacePercent)
	}
	PaceGC(1)
	if got := gcPercent(t); got != minPacePercent {
		t.Errorf("for a trace far smaller than the heap: percent %d, want %d", got, minPacePercent)
	}
	size := int64(float64(live) * 1.6 / heapBudget) // a goal of 1.6 times the heap
	PaceGC(size)
	if got, want := gcPercent(t), pacePercent(live, uint64(float64(size)*heapBudget)); got != want || want < 55 || want > 65 {
		t.Errorf("for a goal of 1.6 times the heap: percent %d, want %d, near 60", got, want)
	}

	// After each collection, as the heap grows past the goal.
	PaceGC(int64(live))
	if got := gcPercent(t); got != maxPacePercent {
		t.Fatalf("for a goal of 2.2 times the heap: percent %d, want %d", got, maxPacePercent)
	}
	func() {
		more := make([]byte, 4*live)
		runtime.GC()
		waitFor(t, "paced for a heap over its goal", func() bool { return gcPercent(t) == minPacePercent })
		runtime.KeepAlive(more)
	}()
	runtime.GC()
	waitFor(t, "paced again for a heap that shrank", func() bool { return gcPercent(t) == maxPacePercent })

	// Stopped, the pacer leaves the percent alone.
	PaceGC(0)
	debug.SetGCPercent(70)
	runtime.GC()
	waitFor(t, "stopped", func() bool {
		pacing.Lock()
		defer pacing.Unlock()
		return !pacing.armed
	})
	runtime.GC()
	if got := gcPercent(t); got != 70 {
		t.Errorf("stopped: percent %d, want the 70 set since", got)
	}
	runtime.KeepAlive(keep)
}
