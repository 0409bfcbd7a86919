package scenarios

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestEcho(t *testing.T) {
	tests := []struct {
		name   string
		shouts int
	}{
		{"one shout", 1},
		{"four shouts", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tl := record(t, "echo", "-shouts", strconv.Itoa(tt.shouts),
				"-pause", "20ms", "-delay", "60ms")
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")

			// Each shout comes back three times, loud to soft, in that order
			// whatever the echoes of other shouts do; "done" comes last.
			if len(lines) != 3*tt.shouts+1 || lines[len(lines)-1] != "done" {
				t.Fatalf("got %d lines, want %d echoes and then done:\n%s", len(lines), 3*tt.shouts, out)
			}
			for i := range tt.shouts {
				s := shoutTexts[i%len(shoutTexts)]
				want := []string{"\t " + strings.ToUpper(s), "\t " + s, "\t " + strings.ToLower(s)}
				if got := echoesOf(lines, want); !slices.Equal(got, want) {
					t.Errorf("echoes of %q: got %q, want %q in that order", s, got, want)
				}
			}

			// The server: serve starts a handleConn per connection, and
			// handleConn an echo per shout.
			serves := goroutinesRunning(tl, ".reverb.serve")
			handlers := goroutinesRunning(tl, ".reverb.handleConn")
			echoes := goroutinesRunning(tl, ".reverb.echo")
			if len(serves) != 1 || len(handlers) != 1 {
				t.Fatalf("got %d serve and %d handleConn goroutines, want 1 of each",
					len(serves), len(handlers))
			}
			if handlers[0].Parent != serves[0].ID {
				t.Errorf("handleConn was started by goroutine %d, want serve's %d",
					handlers[0].Parent, serves[0].ID)
			}
			if len(echoes) != tt.shouts {
				t.Errorf("got %d echo goroutines, want %d, one per shout", len(echoes), tt.shouts)
			}
			for _, g := range echoes {
				if g.Parent != handlers[0].ID {
					t.Errorf("echo goroutine %d was started by %d, want handleConn's %d",
						g.ID, g.Parent, handlers[0].ID)
				}
			}

			// The client: printEchoes sends once on done, and main receives
			// that very value, having waited for it.
			copiers := goroutinesRunning(tl, ".printEchoes")
			if len(copiers) != 1 {
				t.Fatalf("got %d printEchoes goroutines, want 1", len(copiers))
			}
			done := channel(t, tl, "done")
			if done.Ops.Len() != 2 {
				t.Fatalf("got %d operations on done, want a send and a receive", done.Ops.Len())
			}
			kind := func(k tracer.OpKind) func(tracer.Op) bool {
				return func(op tracer.Op) bool { return op.Kind == k }
			}
			send := slices.IndexFunc(opsOf(done, 0), kind(tracer.Send))
			recv := slices.IndexFunc(opsOf(done, 0), kind(tracer.Recv))
			if send < 0 || recv < 0 {
				t.Fatalf("got ops %+v on done, want a send and a receive", done.Ops)
			}
			if g := done.Ops.At(int(send)).G; g != copiers[0].ID {
				t.Errorf("done was sent by goroutine %d, want printEchoes's %d", g, copiers[0].ID)
			}
			r := done.Ops.At(int(recv))
			if r.G != copiers[0].Parent || r.End == tracer.NoTime || r.Send != int32(send) {
				t.Errorf("receive on done by %d, paired with op %d, "+
					"want one by main (%d) paired with the send (%d)",
					r.G, r.Send, copiers[0].Parent, send)
			}

			// Main blocked on done: the background copy cannot end before
			// the server's last echo, 2*delay after the last shout, while
			// main receives as soon as it has half-closed.
			doneIdx := int32(slices.Index(tl.Channels, done))
			main := tl.Goroutine(r.G)
			waited := false
			for _, b := range main.Blocks.All() {
				waited = waited || b.Reason == "chan receive" && b.Chan == doneIdx
			}
			if !waited {
				t.Errorf("main never waited on done, want a \"chan receive\" wait on it")
			}

			// Nothing the scenario started outlives it.
			for _, g := range slices.Concat(serves, handlers, echoes, copiers) {
				if g.Ended == tracer.NoTime {
					t.Errorf("goroutine %d (%s) has not ended", g.ID, g.Name)
				}
			}
		})
	}
}

// echoesOf returns the lines that are one of want, in the order they came.
func echoesOf(lines, want []string) []string {
	var got []string
	for _, l := range lines {
		if slices.Contains(want, l) {
			got = append(got, l)
		}
	}
	return got
}
