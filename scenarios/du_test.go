package scenarios

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
			tree := duSetUp(t, tt.depth, tt.fanout, tt.files, tt.args...)
			out, tl := record(t, "du", tree.args...)

			lines := strings.Split(strings.TrimSpace(out), "\n")
			files, bytes := duTotals(t, lines[len(lines)-1])
			if files != tree.files || bytes != tree.bytes {
				t.Errorf("du: got %d files %d bytes, want %d files %d bytes",
					files, bytes, tree.files, tree.bytes)
			}
			duCheckTmpEmpty(t, tree.tmp)
			duCheckWalkers(t, tl, ".walkDir", tree.dirs)
			duCheckSema(t, tl)
			if got := channel(t, tl, "sema").Ops.Len(); got != 2*tree.dirs {
				t.Errorf("sema: got %d operations, want %d: one acquire and one release per directory",
					got, 2*tree.dirs)
			}
			duCheckFileSizes(t, tl, tree.files)

			// Every tick printed the totals so far; the last line is the end.
			if slices.Contains(tree.args, "-v") {
				tick := channel(t, tl, "tick")
				if !tick.External {
					t.Errorf("tick: got External false, want true")
				}
				if got, want := len(lines)-1, completed(tick, tracer.Recv); got != want {
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
				_, err := runDirect(t, context.Background(), name, tt.args...)
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
			_, err := runDirect(t, ctx, name, args...)
			if err != nil {
				t.Errorf("%s: got error %v, want nil", name, err)
			}
			duCheckTmpEmpty(t, tmp)
		})
	}
}

// duTree is a tree of the shape du and du-cancel generate, made beforehand
// so that a test knows what the scenario must find.
type duTree struct {
	dirs         int      // its directories, the root included
	files, bytes int64    // its files and their bytes
	tmp          string   // the empty TMPDIR the scenario is to make its own in
	args         []string // the shape's flags, then the test's
}

// duSetUp makes a tree of the given shape with makeTree and measures it,
// points TMPDIR at a new empty directory for the scenario's own tree, and
// returns the flags for that shape followed by args.
func duSetUp(t *testing.T, depth, fanout, files int, args ...string) duTree {
	t.Helper()

	// The same shape made here gives the sizes the scenario must find.
	dir := t.TempDir()
	var n int64
	if err := makeTree(context.Background(), dir, depth, fanout, files, &n); err != nil {
		t.Fatal(err)
	}
	var tree duTree
	tree.dirs, tree.files, tree.bytes = duTreeTotals(t, dir)

	// The scenario makes its own tree, of the shape the flags say, in TMPDIR.
	tree.tmp = t.TempDir()
	t.Setenv("TMPDIR", tree.tmp)
	tree.args = append([]string{
		"-depth", strconv.Itoa(depth),
		"-fanout", strconv.Itoa(fanout),
		"-files", strconv.Itoa(files),
	}, args...)
	return tree
}

// duCheckTmpEmpty checks that the scenario removed its tree from tmp, its
// TMPDIR.
func duCheckTmpEmpty(t *testing.T, tmp string) {
	t.Helper()
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in TMPDIR: got %d entries, want 0", len(left))
	}
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

// duCheckWalkers checks that there was one walker goroutine per directory
// and that each of them ended.
func duCheckWalkers(t *testing.T, tl *tracer.Timeline, suffix string, dirs int) {
	t.Helper()
	gs := goroutinesRunning(tl, suffix)
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
// as far as mostHeld can tell, and that every token taken was given back.
func duCheckSema(t *testing.T, tl *tracer.Timeline) {
	t.Helper()
	sema := channel(t, tl, "sema")
	if most := mostHeld(sema); most > sema.Cap {
		t.Errorf("sema: got %d tokens held at once, want at most its capacity %d", most, sema.Cap)
	}
	acquired, released := completed(sema, tracer.Send), completed(sema, tracer.Recv)
	if acquired != released {
		t.Errorf("sema: got %d tokens taken and %d given back, want as many", acquired, released)
	}
}

// duCheckFileSizes checks that fileSizes was closed once, after carrying
// sends sizes that were all received.
func duCheckFileSizes(t *testing.T, tl *tracer.Timeline, sends int64) {
	t.Helper()
	c := channel(t, tl, "fileSizes")
	if got := completed(c, tracer.Send); int64(got) != sends {
		t.Errorf("fileSizes: got %d completed sends, want %d", got, sends)
	}
	received := 0
	for _, op := range c.Ops.All() {
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
	// A close counts whether or not its end was logged.
	if got := len(opsOf(c, tracer.Close)); got != 1 {
		t.Errorf("fileSizes: got %d closes, want 1", got)
	}
}
