package probe

import (
	"bytes"
	"context"
	"io"
	"testing"

	"go.uber.org/goleak"
	xtrace "golang.org/x/exp/trace"
)

// TestRecordGenerations records the same handoffs with generations ended
// every 64 KB, and left to the runtime, and counts the generations of each
// trace by their sync events. Either way Record leaves no goroutine
// behind: not the one that ends generations.
func TestRecordGenerations(t *testing.T) {
	defer goleak.VerifyNone(t)
	const every = 64 << 10
	for _, tc := range []struct {
		name  string
		bytes int64
	}{{"every 64 KB", every}, {"by the runtime", -1}} {
		var buf bytes.Buffer
		err := RecordWith(context.Background(), &buf, func(context.Context) error {
			c := NewChan[int]("handoffs", 0)
			go func() {
				defer c.Close()
				for i := range 20000 {
					c.Send(i)
				}
			}()
			for range c.All() {
			}
			return nil
		}, RecordOptions{GenerationBytes: tc.bytes})
		if err != nil {
			t.Fatal(err)
		}
		gens := syncs(t, buf.Bytes())
		t.Logf("%s: %d bytes, %d generations", tc.name, buf.Len(), gens)
		// An ask for a new generation waits while the one before is
		// under way, so a fast program gets fewer than it asked for.
		switch {
		case tc.bytes > 0 && gens < 5:
			t.Errorf("%s: %d generations in %d bytes, want %d or so", tc.name, gens, buf.Len(), buf.Len()/every)
		case tc.bytes < 0 && gens > 3:
			t.Errorf("%s: %d generations in a run shorter than a second", tc.name, gens)
		}
	}
}

// syncs returns the number of sync events of a trace: one a generation.
func syncs(t *testing.T, data []byte) int {
	t.Helper()
	r, err := xtrace.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind() == xtrace.EventSync {
			n++
		}
	}
}
