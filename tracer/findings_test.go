package tracer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// TestDeadlock records a program that deadlocks: a goroutine sends on a
// channel nobody receives from while the main goroutine waits on another
// that nobody sends on. The probe's watchdog stops the trace; both
// goroutines must be reported as leaks, and the moment the second blocked
// as a deadlock.
func TestDeadlock(t *testing.T) {
	// The channels are made while tracing, so that the trace names them;
	// made hands them to the watchdog's callback and the cleanup.
	made := make(chan [2]*probe.Chan[int], 1)
	var orphans, never *probe.Chan[int]
	defer func() {
		orphans.Recv() // release the sender once the trace has stopped
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var buf bytes.Buffer
	err := probe.Record(ctx, &buf, func(ctx context.Context) error {
		made <- [2]*probe.Chan[int]{probe.NewChan[int]("orphans", 0), probe.NewChan[int]("never", 0)}
		chans := <-made
		made <- chans
		go sendForever(chans[0])
		chans[1].Recv()
		return nil
	}, func() {
		chans := <-made
		orphans, never = chans[0], chans[1]
		never.Close()
	})
	if err != nil {
		t.Fatal(err)
	}

	tl, err := tracer.Read(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadlocks := 0
	for _, f := range tl.Findings {
		if f.Kind == tracer.Deadlock {
			deadlocks++
		}
	}
	if deadlocks != 1 {
		t.Errorf("got %d deadlock findings, want 1: %v", deadlocks, tl.Findings)
	}
	sender := tl.Goroutine(findSender(t, tl, "orphans"))
	found := false
	for _, f := range tl.Findings {
		if f.Kind == tracer.Leak && f.G == sender.ID {
			found = true
		}
	}
	if !found {
		t.Errorf("the blocked sender g%d is not reported as a leak: %v", sender.ID, tl.Findings)
	}
}

func sendForever(c probe.Sender[int]) { c.Send(1) }

// findSender returns the goroutine that sent on the named channel.
func findSender(t *testing.T, tl *tracer.Timeline, name string) tracer.GID {
	t.Helper()
	_, c := chanByName(t, tl, name)
	for _, op := range c.Ops.All() {
		if op.Kind == tracer.Send {
			return op.G
		}
	}
	t.Fatalf("no send on %s", name)
	return tracer.NoG
}
