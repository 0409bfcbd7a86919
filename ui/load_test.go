package ui

import (
	"context"
	"errors"
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
		return Load(func(ctx context.Context, progress func(read, total int64)) (*tracer.Timeline, error) {
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
	if err := h.stop(); err != nil {
		t.Errorf("got %v from Load, want nil", err)
	}
}

func TestLoadQuitCancels(t *testing.T) {
	cancelled := make(chan struct{})
	h := startWith(t, func(o Options) error {
		return Load(func(ctx context.Context, progress func(read, total int64)) (*tracer.Timeline, error) {
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
		return Load(func(context.Context, func(int64, int64)) (*tracer.Timeline, error) {
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
