package tracer

import (
	"testing"
	"time"
)

// TestPartialsDue checks when a timeline of the trace read so far is due:
// not before its time, and not when the rest should be read sooner than
// the wait for it, so that a trace read whole in little more than the
// wait for the first gets none.
func TestPartialsDue(t *testing.T) {
	const first, every = 300 * time.Millisecond, time.Second
	start := time.Now()
	at := func(d time.Duration) time.Time { return start.Add(d) }
	for _, tc := range []struct {
		name        string
		handed      int
		now         time.Duration
		read, total int64
		want        bool
	}{
		{"too soon", 0, 200 * time.Millisecond, 10, 100, false},
		{"first, much left", 0, first, 10, 100, true},               // 2.7 s left
		{"first, little left", 0, first, 60, 100, false},            // 0.2 s left
		{"first, as long left", 0, first, 50, 100, true},            // 0.3 s left
		{"first, size unknown", 0, first, 60, -1, true},             // nothing to go by
		{"second, little left", 1, 2 * time.Second, 70, 100, false}, // 0.86 s left
		{"second, much left", 1, 2 * time.Second, 60, 100, true},    // 1.3 s left
	} {
		p := newPartials(func(*Timeline) {}, first, every)
		p.start, p.next, p.handed = start, at(first), tc.handed
		if tc.handed > 0 {
			p.next = at(time.Second)
		}
		if got := p.due(at(tc.now), tc.read, tc.total); got != tc.want {
			t.Errorf("%s: due %v, want %v", tc.name, got, tc.want)
		}
	}
}
