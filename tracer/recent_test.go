package tracer

import (
	"fmt"
	"slices"
	"testing"
)

// TestRecentWaits checks which waits still open at the end of a trace are
// reported: all of them when the probe ended the program, and in any
// other trace only those that began before its last quarter, a deadlock
// too.
func TestRecentWaits(t *testing.T) {
	blocked := func(id GID, from Time) *Goroutine {
		return &Goroutine{ID: id, Name: "main.worker", Parent: NoG, Created: NoTime, Ended: NoTime,
			Blocks: MakeBlocks(Block{Reason: "chan receive", Start: from, End: NoTime, WokenBy: NoG,
				Stack: -1, Chan: -1, Op: -1, Select: -1})}
	}
	for _, tc := range []struct {
		name         string
		starts       []Time // of the waits, in a trace from 100 to 500
		programEnded bool
		want         []string // sorted
	}{
		{"old and recent waits, window", []Time{150, 450}, false, []string{"leak g1"}},
		{"old and recent waits, probe", []Time{150, 450}, true, []string{"deadlock", "leak g1", "leak g2"}},
		{"all old, window", []Time{150, 390}, false, []string{"deadlock", "leak g1", "leak g2"}},
		{"all recent, window", []Time{420, 499}, false, nil},
		{"all recent, probe", []Time{420, 499}, true, []string{"deadlock", "leak g1", "leak g2"}},
	} {
		tl := &Timeline{Begin: 100, End: 500, Duration: 500}
		for i, from := range tc.starts {
			tl.Goroutines = append(tl.Goroutines, blocked(GID(i+1), from))
		}
		var got []string
		for _, f := range findings(tl, tc.programEnded) {
			if f.Kind == Deadlock {
				got = append(got, "deadlock")
			} else {
				got = append(got, fmt.Sprintf("leak g%d", f.G))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got findings %v, want %v", tc.name, got, tc.want)
		}
	}
}
