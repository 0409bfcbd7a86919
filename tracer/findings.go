package tracer

import (
	"fmt"
	"slices"
	"strings"
)

// stuck reports whether a wait with this reason can only end through
// another goroutine of the program: a channel operation, a select or a
// sync primitive. A sleep, a network read or a system call may end by
// itself, so a goroutine waiting on one is not counted as leaked.
func stuck(reason string) bool {
	return strings.HasPrefix(reason, "chan ") || strings.HasPrefix(reason, "select") ||
		strings.HasPrefix(reason, "sync") || reason == "forever"
}

// findings reports the program's goroutines still stuck at the end of the
// trace (leaks), and the moment from which every goroutine of the program
// stayed stuck until the end (a deadlock).
//
// A goroutine that was already waiting when the trace began and never ran
// during it is not reported as a leak: all the trace shows of it is that
// wait (the test runner's goroutines in a trace of a test, say).
//
// BUG: A select that also waits on a timer is counted as stuck; the trace
// does not say which channels a select of an uninstrumented program waits
// on.
//
// programEnded says that the probe marked the end of the recorded
// function: the goroutines still blocked then are blocked for good. In any
// other trace (an endpoint's window on a live server, say) the program may
// have gone on after the trace, and the detail says only that they were
// still blocked when it ended. There, a wait that began in the trace's
// last quarter is not reported at all, nor a deadlock that did: in the
// window of a live server, a worker waiting for its next job as the
// window closed is no leak, and the trace cannot tell it from one.
func findings(tl *Timeline, programEnded bool) []Finding {
	var fs []Finding
	live, deadlock, since := 0, true, Time(0)
	lastQuarter := tl.End - (tl.End-tl.Begin)/4
	recent := func(t Time) bool { return !programEnded && t > lastQuarter }
	for _, g := range tl.Goroutines {
		if g.System || g.Ended != NoTime {
			continue
		}
		live++
		// A wait since the trace began has no reason (the runtime states
		// only that the goroutine waits); one that lasts the whole trace
		// counts as stuck.
		n := g.Blocks.Len()
		var blk Block
		if n > 0 {
			blk = g.Blocks.At(n - 1)
		}
		if n == 0 || blk.End != NoTime || !stuck(blk.Reason) && !blk.SinceStart {
			deadlock = false
			continue
		}
		since = max(since, blk.Start)
		if !blk.SinceStart && !recent(blk.Start) {
			detail := leakDetail(tl, g, blk)
			if !programEnded {
				detail += ", still blocked when the trace ended"
			}
			fs = append(fs, Finding{Kind: Leak, G: g.ID, Time: blk.Start, Detail: detail})
		}
	}
	if deadlock && live > 0 && !recent(since) {
		fs = append(fs, Finding{
			Kind: Deadlock, G: NoG, Time: since,
			Detail: fmt.Sprintf("all %d goroutines of the program are blocked from here on", live),
		})
	}
	slices.SortStableFunc(fs, func(a, b Finding) int { return int(a.Time - b.Time) })
	return fs
}

// leakDetail says what a leaked goroutine waits on, on which channel when
// the probe says so, where and since when.
func leakDetail(tl *Timeline, g *Goroutine, blk Block) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s blocked in %s", ShortName(g.Name), blk.Reason)
	if blk.Chan >= 0 {
		fmt.Fprintf(&b, " on %s", tl.ChanName(blk.Chan))
	}
	if blk.Site != "" {
		fmt.Fprintf(&b, " at %s", blk.Site)
	}
	if blk.SinceStart {
		b.WriteString(" since the trace began")
	} else {
		fmt.Fprintf(&b, " since %s", FormatTime(blk.Start))
	}
	return b.String()
}
