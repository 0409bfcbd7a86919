package scenarios

import (
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

func TestDuCancel(t *testing.T) {
	// In "midway", every directory takes 80ms to read and the tree is four
	// levels deep, so the walk cannot end before 320ms; done closes at
	// 120ms. In "finished first", done closes only when Main stops the
	// canceller, after the walk.
	tests := []struct {
		name                 string
		depth, fanout, files int
		args                 []string
		cancelled            bool
	}{
		{"midway", 3, 3, 2, []string{"-delay", "80ms", "-cancel-after", "120ms"}, true},
		{"midway few tokens", 3, 3, 2, []string{"-delay", "80ms", "-cancel-after", "120ms",
			"-open", "2", "-v", "-tick", "10ms"}, true},
		{"finished first", 2, 2, 2, []string{"-delay", "0", "-cancel-after", "1m"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := duSetUp(t, tt.depth, tt.fanout, tt.files, tt.args...)
			out, tl := record(t, "du-cancel", tree.args...)
			duCheckTmpEmpty(t, tree.tmp)

			// The totals: all of them, or fewer once cancelled.
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			if got := last == "du: cancelled"; got != tt.cancelled {
				t.Fatalf("last line: got %q, want cancelled %v", last, tt.cancelled)
			}
			if tt.cancelled {
				last = lines[len(lines)-2]
			}
			files, bytes := duTotals(t, last)
			switch {
			case !tt.cancelled && (files != tree.files || bytes != tree.bytes):
				t.Errorf("du-cancel: got %d files %d bytes, want %d files %d bytes",
					files, bytes, tree.files, tree.bytes)
			case tt.cancelled && files >= tree.files:
				t.Errorf("du-cancel: got %d files counted, want fewer than %d once cancelled",
					files, tree.files)
			}

			// done is closed once, by the canceller; once cancelled midway,
			// before fileSizes is.
			done := channel(t, tl, "done")
			closeOf := func(c *tracer.Channel) tracer.Op {
				t.Helper()
				closes := opsOf(c, tracer.Close)
				if len(closes) != 1 {
					t.Fatalf("%s: got %d closes, want 1", c.Name, len(closes))
				}
				return closes[0]
			}
			doneClose, sizesClose := closeOf(done), closeOf(channel(t, tl, "fileSizes"))
			if g := tl.Goroutine(doneClose.G); g == nil || !strings.HasSuffix(g.Name, ".cancelAfter") {
				t.Errorf("done: got closed by goroutine %d (%v), want cancelAfter", doneClose.G, g)
			}
			if got := doneClose.Start < sizesClose.Start; got != tt.cancelled {
				t.Errorf("close of done before close of fileSizes: got %v, want %v", got, tt.cancelled)
			}

			// Every walker ended, polled done first, and one that found it
			// closed stopped there, without taking a token.
			gs := goroutinesRunning(tl, ".walkDirUntilDone")
			if !tt.cancelled && len(gs) != tree.dirs {
				t.Errorf("walker goroutines: got %d, want %d, one per directory", len(gs), tree.dirs)
			}
			if tt.cancelled && (len(gs) == 0 || len(gs) > tree.dirs) {
				t.Errorf("walker goroutines: got %d, want 1 to %d", len(gs), tree.dirs)
			}
			doneIdx := duChannelIndex(t, tl, "done")
			for _, g := range gs {
				if g.Ended == tracer.NoTime {
					t.Errorf("walker %d: got Ended NoTime, want it ended", g.ID)
				}
				poll, ok := duFirstSelect(tl, g.ID)
				if !ok || !duIsPoll(poll, doneIdx) {
					t.Errorf("walker %d: got first select %+v, want a poll of done with a default", g.ID, poll)
					continue
				}
				if poll.Chosen == 0 && duUsedSema(tl, g.ID) {
					t.Errorf("walker %d: found done closed but went on to sema, want it stopped", g.ID)
				}
			}

			// Nothing was left blocked: no leaks, every token given back,
			// every size sent was received (counted or drained).
			for _, f := range tl.Findings {
				if g := tl.Goroutine(f.G); g != nil && strings.Contains(g.Name, "scenarios.") {
					t.Errorf("finding %s on %s: %s, want none", f.Kind, g.Name, f.Detail)
				}
			}
			duCheckSema(t, tl)
			sizes := channel(t, tl, "fileSizes")
			duCheckFileSizes(t, tl, int64(completed(sizes, tracer.Send)))
		})
	}
}

// duChannelIndex returns the index in tl.Channels of the channel called name.
func duChannelIndex(t *testing.T, tl *tracer.Timeline, name string) int32 {
	t.Helper()
	c := channel(t, tl, name)
	for i, x := range tl.Channels {
		if x == c {
			return int32(i)
		}
	}
	t.Fatalf("channel %q not in the timeline's list", name)
	return -1
}

// duFirstSelect returns the first select run by goroutine g.
func duFirstSelect(tl *tracer.Timeline, g tracer.GID) (tracer.Select, bool) {
	for _, s := range tl.Selects {
		if s.G == g {
			return s, true
		}
	}
	return tracer.Select{}, false
}

// duIsPoll reports whether s is the book's cancelled: a receive from done,
// or the default.
func duIsPoll(s tracer.Select, done int32) bool {
	return len(s.Cases) == 2 &&
		s.Cases[0].Dir == probe.DirRecv && s.Cases[0].Chan == done &&
		s.Cases[1].Dir == probe.DirDefault
}

// duUsedSema reports whether goroutine g did anything on sema.
func duUsedSema(tl *tracer.Timeline, g tracer.GID) bool {
	for _, c := range tl.Channels {
		if c.Name != "sema" {
			continue
		}
		for _, op := range c.Ops.All() {
			if op.G == g {
				return true
			}
		}
	}
	return false
}
