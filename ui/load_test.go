package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// frameWith waits for the first frame from number n on whose text holds
// want, and returns it.
func (h *harness) frameWith(n int, want string) frame {
	h.t.Helper()
	for ; ; n++ {
		if f := h.frameAfter(n); strings.Contains(f.text(), want) {
			return f
		}
	}
}

func TestLoadShowsProgressThenReplay(t *testing.T) {
	tl := pipeline(t)
	release := make(chan struct{})
	h := startWith(t, func(o Options) error {
		return Load(func(ctx context.Context, progress func(read, total int64),
			_ func(*tracer.Timeline)) (*tracer.Timeline, error) {
			progress(50, 100)
			<-release
			return tl, nil
		}, o)
	})
	h.frameWith(0, "50%")
	n := h.count()
	close(release)
	f := h.frameWith(n, "goroutines")
	wantText(t, f, "counter", "squarer", "naturals")
	if strings.Contains(f.text(), "indexing") {
		t.Errorf("a trace loaded before any partial timeline is indexed apart:\n%s", f.text())
	}
	if err := h.stop(); err != nil {
		t.Errorf("got %v from Load, want nil", err)
	}
}

// TestLoadReplaysWhatIsRead has the loader hand over the first half of a
// timeline, steps through it, and checks that the whole, once loaded,
// keeps the cursor at the same step, and that the keys following a
// goroutine work once its lists, made after, have come.
func TestLoadReplaysWhatIsRead(t *testing.T) {
	whole := pipeline(t)
	part := *whole
	var steps []tracer.Step
	for _, s := range whole.Steps.All() {
		steps = append(steps, s)
	}
	part.Steps = tracer.MakeSteps(steps[:len(steps)/2]...)
	part.Duration = part.Steps.At(part.Steps.Len() - 1).Time
	part.End, part.Findings = part.Duration, nil
	release := make(chan struct{})
	h := startWith(t, func(o Options) error {
		return Load(func(ctx context.Context, progress func(read, total int64),
			partial func(*tracer.Timeline)) (*tracer.Timeline, error) {
			progress(40, 100)
			partial(&part)
			<-release
			return whole, nil
		}, o)
	})
	f := h.frameWith(0, "loading: 40% read")
	wantText(t, f, "counter", "squarer", "naturals", fmt.Sprintf("step 1/%d ", newIndex(&part, false).steps.Len()))
	f = h.keys("Right", "Right", "Right")
	wantText(t, f, "step 4/")
	before := currentStep(t, f)
	n := h.count()
	close(release)
	shown := newIndex(whole, false).steps.Len()
	f = h.frameWith(n, fmt.Sprintf("step 4/%d ", shown))
	if strings.Contains(f.text(), "loading") {
		t.Errorf("the whole timeline is loaded, and the header still says loading:\n%s", f.text())
	}
	if after := currentStep(t, f); after != before {
		t.Errorf("the current step changed when the whole timeline came:\nbefore: %s\nafter:  %s", before, after)
	}

	// The keys' lists come after the whole timeline: the header says so
	// until they have, and then the keys that use them go where they go
	// in a replay of the whole from the start.
	for n = h.count() - 1; strings.Contains(h.frameAfter(n).text(), "indexing"); n++ {
	}
	got := currentStep(t, h.keys("]"))
	direct := start(t, whole)
	want := currentStep(t, direct.keys("Right", "Right", "Right", "]"))
	if err := direct.stop(); err != nil {
		t.Fatal(err)
	}
	if got != want || got == before {
		t.Errorf("lane keys after loading went to\n%s\nwhere a replay of the whole goes to\n%s\n(from %s)", got, want, before)
	}
	if err := h.stop(); err != nil {
		t.Errorf("got %v from Load, want nil", err)
	}
}

func TestLoadQuitCancels(t *testing.T) {
	cancelled := make(chan struct{})
	h := startWith(t, func(o Options) error {
		return Load(func(ctx context.Context, progress func(read, total int64),
			_ func(*tracer.Timeline)) (*tracer.Timeline, error) {
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		}, o)
	})
	h.frameWith(0, "reading test")
	if err := h.stop(); err != nil {
		t.Errorf("got %v from Load after q, want nil", err)
	}
	select {
	case <-cancelled:
	default:
		t.Error("Load returned before its loader saw the cancellation")
	}
}

func TestLoadError(t *testing.T) {
	broken := errors.New("broken trace")
	h := startWith(t, func(o Options) error {
		return Load(func(context.Context, func(int64, int64), func(*tracer.Timeline)) (*tracer.Timeline, error) {
			return nil, broken
		}, o)
	})
	if err := <-h.done; !errors.Is(err, broken) {
		t.Errorf("got %v from Load, want the loader's error", err)
	}
	h.done <- nil // for the cleanup
}

func TestLoadingLine(t *testing.T) {
	tests := []struct {
		read, total int64
		want        string
	}{
		{0, -1, "reading t: 0.0 MB"},
		{2_500_000, -1, "reading t: 2.5 MB"},
		{0, 100, "reading t  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  0%  0.0 MB of 0.0 MB"},
		{50, 100, "reading t  ███████████████░░░░░░░░░░░░░░░  50%  0.0 MB of 0.0 MB"},
		{200, 100, "reading t  ██████████████████████████████  100%  0.0 MB of 0.0 MB"},
	}
	for _, tc := range tests {
		if got := loadingLine("t", tc.read, tc.total); got != tc.want {
			t.Errorf("loadingLine(%d, %d) = %q, want %q", tc.read, tc.total, got, tc.want)
		}
	}
}
