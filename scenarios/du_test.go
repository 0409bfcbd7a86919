package scenarios

import (
	"bytes"
	"context"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestDuTotals(t *testing.T) {
	tests := []struct {
		name                 string
		depth, fanout, files int
		args                 []string
	}{
		{"flat", 0, 0, 5, []string{"-delay", "0"}},
		{"tree", 2, 3, 2, []string{"-delay", "1ms", "-open", "2"}},
		{"no files", 2, 2, 0, []string{"-delay", "0"}},
		{"verbose", 2, 2, 3, []string{"-delay", "2ms", "-v", "-tick", "1ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The same shape generated here gives the sizes du must find.
			want := t.TempDir()
			var n int64
			if err := makeTree(context.Background(), want, tt.depth, tt.fanout, tt.files, &n); err != nil {
				t.Fatal(err)
			}
			dirs, wantFiles, wantBytes := duTreeTotals(t, want)

			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			args := append([]string{
				"-depth", strconv.Itoa(tt.depth),
				"-fanout", strconv.Itoa(tt.fanout),
				"-files", strconv.Itoa(tt.files),
			}, tt.args...)
			out, tl := record(t, "du", args...)

			lines := strings.Split(strings.TrimSpace(out), "\n")
			files, bytes := duTotals(t, lines[len(lines)-1])
			if files != wantFiles || bytes != wantBytes {
				t.Errorf("du: got %d files %d bytes, want %d files %d bytes",
					files, bytes, wantFiles, wantBytes)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in TMPDIR: got %d entries, want 0", len(left))
			}
			duCheckWalkers(t, tl, ".walkDir", dirs)
			duCheckSema(t, tl)
			if got := len(channel(t, tl, "sema").Ops); got != 2*dirs {
				t.Errorf("sema: got %d operations, want %d: one acquire and one release per directory",
					got, 2*dirs)
			}
			duCheckFileSizes(t, tl, wantFiles)

			// Every tick printed the totals so far; the last line is the end.
			if slices.Contains(args, "-v") {
				tick := channel(t, tl, "tick")
				if !tick.External {
					t.Errorf("tick: got External false, want true")
				}
				if got, want := len(lines)-1, duCompleted(tick, tracer.Recv); got != want {
					t.Errorf("progress lines: got %d, want %d, one per tick received", got, want)
				}
			} else if len(lines) != 1 {
				t.Errorf("output without -v: got %d lines, want 1", len(lines))
			}
		})
	}
}

func TestDuPath(t *testing.T) {
	// A tree of real content, made by hand rather than by makeTree.
	dir := t.TempDir()
	for _, f := range []struct{ path, data string }{
		{"a.txt", "hello"},
		{"sub/b.txt", strings.Repeat("x", 1000)},
		{"sub/deeper/c.txt", ""},
		{"sub/deeper/d.txt", "12345678"},
		{"other/e.txt", "e"},
	} {
		p := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	dirs, wantFiles, wantBytes := duTreeTotals(t, dir)

	for _, name := range []string{"du", "du-cancel"} {
		t.Run(name, func(t *testing.T) {
			args := []string{"-path", dir, "-delay", "0"}
			if name == "du-cancel" {
				args = append(args, "-cancel-after", "1m")
			}
			out, tl := record(t, name, args...)
			files, bytes := duTotals(t, strings.TrimSpace(out))
			if files != wantFiles || bytes != wantBytes {
				t.Errorf("%s -path: got %d files %d bytes, want %d files %d bytes",
					name, files, bytes, wantFiles, wantBytes)
			}
			if d, f, b := duTreeTotals(t, dir); d != dirs || f != wantFiles || b != wantBytes {
				t.Errorf("-path after the run: got %d dirs %d files %d bytes, want %d %d %d",
					d, f, b, dirs, wantFiles, wantBytes)
			}
			duCheckSema(t, tl)
		})
	}
}

func TestDuBadFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"negative depth", []string{"-depth", "-1"}},
		{"no tokens", []string{"-open", "0"}},
		{"negative delay", []string{"-delay", "-1s"}},
		{"zero tick", []string{"-tick", "0"}},
		{"huge tree", []string{"-depth", "10", "-fanout", "10"}},
		{"missing path", []string{"-path", filepath.Join(t.TempDir(), "nothing")}},
		{"path is a file", []string{"-path", file}},
	}
	for _, name := range []string{"du", "du-cancel"} {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				err := duRunDirect(t, context.Background(), name, tt.args...)
				if err == nil || !strings.HasPrefix(err.Error(), name+": ") {
					t.Errorf("%s %v: got error %v, want one starting %q", name, tt.args, err, name+": ")
				}
			})
		}
	}
}

// TestDuContextCancelled checks that both scenarios return, leaving no
// tree behind, when their context ends midway.
func TestDuContextCancelled(t *testing.T) {
	for _, name := range []string{"du", "du-cancel"} {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			ctx, cancel := context.WithCancel(context.Background())
			stop := time.AfterFunc(50*time.Millisecond, cancel)
			defer stop.Stop()
			args := []string{"-depth", "2", "-fanout", "3", "-files", "1", "-delay", "20ms", "-open", "2"}
			if name == "du-cancel" {
				args = append(args, "-cancel-after", "1m")
			}
			err := duRunDirect(t, ctx, name, args...)
			if err != nil {
				t.Errorf("%s: got error %v, want nil", name, err)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in TMPDIR: got %d entries, want 0", len(left))
			}
		})
	}
}

// duRunDirect runs the named scenario without tracing and returns its error.
func duRunDirect(t *testing.T, ctx context.Context, name string, args ...string) error {
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
	var out bytes.Buffer
	return run(ctx, &out)
}

// duTreeTotals walks dir as du does, with filepath.WalkDir, and returns its
// directories (dir included), files and their bytes.
func duTreeTotals(t *testing.T, dir string) (dirs int, files, bytes int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs++
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += info.Size()
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return dirs, files, bytes
}

// duTotals reads the files and bytes of a line printed by printDiskUsage.
func duTotals(t *testing.T, line string) (files, bytes int64) {
	t.Helper()
	f := strings.Fields(line)
	if len(f) != 6 || f[1] != "files" || f[3] != "bytes" {
		t.Fatalf("got line %q, want \"N files  N bytes  N MB\"", line)
	}
	files, err1 := strconv.ParseInt(f[0], 10, 64)
	bytes, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("got line %q, want numbers", line)
	}
	return files, bytes
}

// walkers returns the goroutines whose start function's name ends in
// suffix.
func duWalkers(tl *tracer.Timeline, suffix string) []*tracer.Goroutine {
	var gs []*tracer.Goroutine
	for _, g := range tl.Goroutines {
		if strings.HasSuffix(g.Name, suffix) {
			gs = append(gs, g)
		}
	}
	return gs
}

// duCheckWalkers checks that there was one walker goroutine per directory
// and that each of them ended.
func duCheckWalkers(t *testing.T, tl *tracer.Timeline, suffix string, dirs int) {
	t.Helper()
	gs := duWalkers(tl, suffix)
	if len(gs) != dirs {
		t.Errorf("walker goroutines (%s): got %d, want %d, one per directory", suffix, len(gs), dirs)
	}
	for _, g := range gs {
		if g.Ended == tracer.NoTime {
			t.Errorf("walker goroutine %d: got Ended NoTime, want it ended", g.ID)
		}
	}
}

// duCheckSema checks that sema never held more tokens than its capacity,
// and that every token taken was given back.
//
// An acquisition counts from the moment its completion was logged and a
// release from the moment its start was logged: the probe logs a send
// after it completes and a receive before it begins, so the count here is
// never above the channel's real occupancy. Counting both at completion
// could show one token too many when a release is logged late.
func duCheckSema(t *testing.T, tl *tracer.Timeline) {
	t.Helper()
	sema := channel(t, tl, "sema")
	type change struct {
		at    tracer.Time
		delta int
	}
	var changes []change
	var acquired, released int
	for _, op := range sema.Ops {
		switch {
		case op.Kind == tracer.Send && op.End != tracer.NoTime:
			changes = append(changes, change{op.End, +1})
			acquired++
		case op.Kind == tracer.Recv:
			changes = append(changes, change{op.Start, -1})
			if op.End != tracer.NoTime {
				released++
			}
		}
	}
	sort.SliceStable(changes, func(i, j int) bool {
		if changes[i].at != changes[j].at {
			return changes[i].at < changes[j].at
		}
		return changes[i].delta < changes[j].delta
	})
	held, most := 0, 0
	for _, c := range changes {
		held += c.delta
		most = max(most, held)
	}
	if most > sema.Cap {
		t.Errorf("sema: got %d tokens held at once, want at most its capacity %d", most, sema.Cap)
	}
	if acquired != released {
		t.Errorf("sema: got %d tokens taken and %d given back, want as many", acquired, released)
	}
}

// duCheckFileSizes checks that fileSizes was closed once, after carrying
// sends sizes that were all received.
func duCheckFileSizes(t *testing.T, tl *tracer.Timeline, sends int64) {
	t.Helper()
	c := channel(t, tl, "fileSizes")
	if got := duCompleted(c, tracer.Send); int64(got) != sends {
		t.Errorf("fileSizes: got %d completed sends, want %d", got, sends)
	}
	received := 0
	for _, op := range c.Ops {
		if op.Kind == tracer.Recv && op.End != tracer.NoTime && op.OK {
			received++
		}
		if op.End == tracer.NoTime {
			t.Errorf("fileSizes: got an operation that never completed by goroutine %d, want none", op.G)
		}
	}
	if int64(received) != sends {
		t.Errorf("fileSizes: got %d values received, want %d", received, sends)
	}
	if got := duCompleted(c, tracer.Close); got != 1 {
		t.Errorf("fileSizes: got %d closes, want 1", got)
	}
}

// completed counts the operations of kind on c that completed.
func duCompleted(c *tracer.Channel, kind tracer.OpKind) int {
	n := 0
	for _, op := range c.Ops {
		if op.Kind == kind && (op.End != tracer.NoTime || kind == tracer.Close) {
			n++
		}
	}
	return n
}
