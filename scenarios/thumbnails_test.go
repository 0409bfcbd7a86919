package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestThumbnails(t *testing.T) {
	tests := []struct {
		name  string
		files int
		bad   bool
	}{
		{"good files", 4, false},
		{"one bad file", 3, true},
		{"no files", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Measure the thumbnails on disk before the scenario removes
			// them.
			var onDisk []int64
			inspectThumbnails = func(dir string) {
				thumbs, _ := filepath.Glob(filepath.Join(dir, "*.thumb.jpg"))
				for _, f := range thumbs {
					if info, err := os.Stat(f); err == nil {
						onDisk = append(onDisk, info.Size())
					}
				}
			}
			t.Cleanup(func() { inspectThumbnails = nil })
			args := []string{"-files", strconv.Itoa(tt.files), "-width", "64"}
			if tt.bad {
				args = append(args, "-bad")
			}
			out, tl := record(t, "thumbnails", args...)

			// The total printed is the sum of the thumbnails' sizes.
			lines := strings.Split(strings.TrimSpace(out), "\n")
			var n int
			var total, sum int64
			if _, err := fmt.Sscanf(lines[len(lines)-1], "%d thumbnails, %d bytes", &n, &total); err != nil {
				t.Fatalf("last line %q: %v", lines[len(lines)-1], err)
			}
			for _, size := range onDisk {
				sum += size
			}
			if n != tt.files || len(onDisk) != tt.files || total != sum {
				t.Errorf("printed %d thumbnails, %d bytes; want %d, %d bytes (on disk: %d)",
					n, total, tt.files, sum, len(onDisk))
			}
			wantErrs := 0
			if tt.bad {
				wantErrs = 1
			}
			if got := strings.Count(out, "decode broken.jpg"); got != wantErrs {
				t.Errorf("printed %d decode errors, want %d", got, wantErrs)
			}

			// One completed send per file, each by its own worker, and the
			// values sent add up to the total.
			sizes := channel(t, tl, "sizes")
			sends := opsOf(sizes, tracer.Send)
			workers := map[tracer.GID]bool{}
			var sent int64
			errSends := 0
			for _, op := range sends {
				workers[op.G] = true
				if g := tl.Goroutine(op.G); g == nil || !strings.HasSuffix(g.Name, ".thumbnailWorker") {
					t.Errorf("send by goroutine %d, want one running thumbnailWorker", op.G)
				}
				if op.End == tracer.NoTime {
					t.Errorf("send by goroutine %d never completed", op.G)
				}
				if strings.HasPrefix(op.Value, "error: ") {
					errSends++
					continue
				}
				v, err := strconv.ParseInt(op.Value, 10, 64)
				if err != nil {
					t.Errorf("send of %q, want a size", op.Value)
				}
				sent += v
			}
			if len(sends) != tt.files+wantErrs || len(workers) != len(sends) {
				t.Errorf("got %d sends by %d goroutines, want %d by as many",
					len(sends), len(workers), tt.files+wantErrs)
			}
			if errSends != wantErrs || sent != total {
				t.Errorf("sent %d errors and %d bytes, want %d errors and %d bytes",
					errSends, sent, wantErrs, total)
			}

			// The closer closes sizes once, after every send, and the main
			// goroutine's last receive sees it closed.
			closes := opsOf(sizes, tracer.Close)
			if len(closes) != 1 {
				t.Fatalf("got %d closes of sizes, want 1", len(closes))
			}
			c := closes[0]
			if g := tl.Goroutine(c.G); g == nil || !strings.HasSuffix(g.Name, ".closeSizes") {
				t.Errorf("sizes closed by goroutine %d, want the one running closeSizes", c.G)
			}
			for _, op := range sends {
				if op.End > c.Start {
					t.Errorf("send by %d completed at %d, after the close at %d", op.G, op.End, c.Start)
				}
			}
			recvs := opsOf(sizes, tracer.Recv)
			if len(recvs) != len(sends)+1 {
				t.Fatalf("got %d receives, want %d: one per send and one that sees the close",
					len(recvs), len(sends)+1)
			}
			for i, op := range recvs {
				closed := i == len(recvs)-1
				if op.G != recvs[0].G || op.End == tracer.NoTime || op.OK == closed {
					t.Errorf("receive %d by %d: ok %v, ends %d; want by %d, completed, ok %v",
						i, op.G, op.OK, op.End, recvs[0].G, !closed)
				}
			}
		})
	}
}
