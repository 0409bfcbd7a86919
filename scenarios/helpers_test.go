package scenarios

import (
	"bytes"
	"context"
	"flag"
	"io"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// record runs the named scenario with args under the probe, as gocspviz run
// does, and returns what it printed and its trace read into a timeline.
func record(t *testing.T, name string, args ...string) (string, *tracer.Timeline) {
	t.Helper()
	s, ok := Lookup(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, tr bytes.Buffer
	err := probe.Record(ctx, &tr, func(ctx context.Context) error { return run(ctx, &out) }, nil)
	if err != nil {
		t.Fatalf("run %s %v: %v", name, args, err)
	}
	tl, err := tracer.Read(&tr, nil)
	if err != nil {
		t.Fatalf("read trace of %s: %v", name, err)
	}
	return out.String(), tl
}

// channel returns the timeline's channel with the given name, failing the
// test if there is not exactly one.
func channel(t *testing.T, tl *tracer.Timeline, name string) *tracer.Channel {
	t.Helper()
	var found *tracer.Channel
	for _, c := range tl.Channels {
		if c.Name == name {
			if found != nil {
				t.Fatalf("two channels named %q", name)
			}
			found = c
		}
	}
	if found == nil {
		t.Fatalf("no channel named %q", name)
	}
	return found
}
