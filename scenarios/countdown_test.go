package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestCountdown(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		n       int
		aborted bool
	}{
		{"abort", []string{"-n", "5", "-tick", "20ms", "-abort-after", "2"}, 5, true},
		{"abort at once", []string{"-n", "3", "-tick", "20ms", "-abort-after", "0"}, 3, true},
		{"launch", []string{"-n", "3", "-tick", "20ms", "-abort-after", "-1"}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tl := record(t, "countdown", tt.args...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			counts := len(lines) - 2 // the lines between the banner and the last
			for _, f := range scenarioLeaks(tl) {
				t.Errorf("leak reported: %s", f.Detail)
			}

			// Every tick is received by the countdown's select, and one
			// count is printed before each wait for a tick.
			abort, tick := channel(t, tl, "abort"), channel(t, tl, "tick")
			ticks := opsOf(tick, tracer.Recv)
			for _, op := range ticks {
				if op.End == tracer.NoTime || op.Select < 0 {
					t.Errorf("tick receive by %d ending at %d, select %d; want one completed "+
						"in a select", op.G, op.End, op.Select)
				}
			}

			if !tt.aborted {
				if last != "Lift off!" {
					t.Errorf("last line %q, want %q", last, "Lift off!")
				}
				if len(ticks) != tt.n || counts != tt.n {
					t.Errorf("got %d ticks and %d counts, want %d of each", len(ticks), counts, tt.n)
				}
				if abort.Ops.Len() != 0 {
					t.Errorf("got %d operations on abort, want none", abort.Ops.Len())
				}
				return
			}

			// Aborted: fewer than n ticks, then the select took abort.
			if last != "Launch aborted." {
				t.Errorf("last line %q, want %q", last, "Launch aborted.")
			}
			if len(ticks) >= tt.n || counts != len(ticks)+1 {
				t.Errorf("got %d ticks and %d counts, want fewer than %d ticks and one count more",
					len(ticks), counts, tt.n)
			}
			recvs, sends := opsOf(abort, tracer.Recv), opsOf(abort, tracer.Send)
			if len(recvs) != 1 || len(sends) != 1 {
				t.Fatalf("got %d receives and %d sends on abort, want 1 of each",
					len(recvs), len(sends))
			}
			r, s := recvs[0], sends[0]
			if r.End == tracer.NoTime || r.Send < 0 || abort.Ops.At(int(r.Send)).G != s.G {
				t.Errorf("abort receive ending at %d got send %d, want it completed with "+
					"the only send", r.End, r.Send)
			}
			if g := tl.Goroutine(s.G); g == nil || !strings.HasSuffix(g.Name, ".pressReturn") {
				t.Errorf("abort sent by goroutine %d, want one running pressReturn", s.G)
			}
			if len(ticks) > 0 && ticks[0].G != r.G {
				t.Errorf("ticks received by %d, abort by %d; want the same goroutine",
					ticks[0].G, r.G)
			}
			abortIdx := int32(slices.Index(tl.Channels, abort))
			if r.Select < 0 {
				t.Fatalf("abort receive not chosen by a select")
			}
			sel := tl.Selects[r.Select]
			if sel.Chosen < 0 || sel.Cases[sel.Chosen].Chan != abortIdx || len(sel.Cases) != 3 {
				t.Errorf("select of %d cases chose %d, want the abort case of 3",
					len(sel.Cases), sel.Chosen)
			}
			for _, op := range ticks {
				if op.End > r.End {
					t.Errorf("tick received at %d, after the abort at %d", op.End, r.End)
				}
			}
		})
	}
}
