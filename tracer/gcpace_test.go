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

// TestPaceGC checks that the pacer sets the percent at once and after
// each collection, and not once stopped. Other tests may run meanwhile,
// so the budgets are far above or below any heap they make.
func TestPaceGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer PaceGC(0)

	// At once, for the heap the last collection left.
	runtime.GC()
	PaceGC(1 << 40)
	if got := gcPercent(t); got != maxPacePercent {
		t.Errorf("for a trace far bigger than the heap: percent %d, want %d", got, maxPacePercent)
	}
	PaceGC(1)
	if got := gcPercent(t); got != minPacePercent {
		t.Errorf("for a trace far smaller than the heap: percent %d, want %d", got, minPacePercent)
	}

	// After each collection: the budget changes here without the
	// percent, as a heap's growth past it or its shrinking would.
	setBudget := func(b uint64) {
		pacing.Lock()
		defer pacing.Unlock()
		pacing.budget = b
	}
	setBudget(1 << 42)
	runtime.GC()
	waitFor(t, "paced after a collection", func() bool { return gcPercent(t) == maxPacePercent })
	setBudget(1)
	runtime.GC()
	waitFor(t, "paced after the next collection", func() bool { return gcPercent(t) == minPacePercent })

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
}
