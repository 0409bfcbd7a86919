package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestMirror(t *testing.T) {
	// Far enough apart that europe answers first even on a loaded machine.
	latencies := []string{"-asia", "150ms", "-europe", "10ms", "-americas", "200ms"}
	tests := []struct {
		name    string
		args    []string
		cap     int
		blocked int // senders still blocked on responses when the trace ends
	}{
		{"buffered", nil, 3, 0},
		{"leaky", []string{"-leaky"}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tl := record(t, "mirror", append(latencies, tt.args...)...)
			const want = "response from europe.gopl.io"
			if got := strings.TrimSpace(out); got != want {
				t.Errorf("printed %q, want %q", got, want)
			}
			responses := channel(t, tl, "responses")
			if responses.Cap != tt.cap {
				t.Errorf("responses has capacity %d, want %d", responses.Cap, tt.cap)
			}

			// Three senders, one goroutine each, each running queryMirror.
			sends := opsOf(responses, tracer.Send)
			if len(sends) != 3 {
				t.Fatalf("got %d sends on responses, want 3", len(sends))
			}
			senders := map[tracer.GID]bool{}
			for _, op := range sends {
				senders[op.G] = true
				if g := tl.Goroutine(op.G); g == nil || !strings.HasSuffix(g.Name, ".queryMirror") {
					t.Errorf("send by goroutine %d, want one running queryMirror", op.G)
				}
			}
			if len(senders) != 3 {
				t.Errorf("got %d sending goroutines, want 3", len(senders))
			}

			// The main goroutine takes exactly one response: the first.
			recvs := opsOf(responses, tracer.Recv)
			if len(recvs) != 1 {
				t.Fatalf("got %d receives on responses, want 1", len(recvs))
			}
			r := recvs[0]
			if senders[r.G] || r.End == tracer.NoTime || r.Value != want {
				t.Errorf("receive by %d ending at %d got %q, want one by the main goroutine "+
					"that completes with %q", r.G, r.End, r.Value, want)
			}

			// The others are either in the buffer, their senders gone, or
			// (leaky) blocked in their send until the end.
			responsesIdx := int32(slices.Index(tl.Channels, responses))
			blocked := 0
			for _, op := range sends {
				g := tl.Goroutine(op.G)
				if op.End != tracer.NoTime {
					if g.Ended == tracer.NoTime {
						t.Errorf("goroutine %d sent, but has not ended", op.G)
					}
					continue
				}
				blocked++
				if g.Ended != tracer.NoTime || g.Blocks.Len() == 0 {
					t.Errorf("goroutine %d: unfinished send, but it is not blocked", op.G)
					continue
				}
				last := g.Blocks.At(g.Blocks.Len() - 1)
				if last.Reason != "chan send" || last.End != tracer.NoTime ||
					last.Chan != responsesIdx {
					t.Errorf("goroutine %d ends blocked in %q on channel %d, ending %d; "+
						"want \"chan send\" on responses (%d), never ending",
						op.G, last.Reason, last.Chan, last.End, responsesIdx)
				}
				if !leakReported(tl, op.G) {
					t.Errorf("no leak reported for goroutine %d", op.G)
				}
			}
			if blocked != tt.blocked {
				t.Errorf("got %d senders blocked at the end, want %d", blocked, tt.blocked)
			}
			if leaks := scenarioLeaks(tl); len(leaks) != tt.blocked {
				t.Errorf("got %d leaks reported, want %d", len(leaks), tt.blocked)
			}
		})
	}
}
