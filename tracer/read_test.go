package tracer_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"strings"
	"testing"
	"testing/iotest"

	"go.uber.org/goleak"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

var update = flag.Bool("update", false, "regenerate the traces in testdata")

// toolchains are the Go releases whose trace formats testdata holds a
// trace of, written by testdata/tracegen; "local" is the go command's own.
// Go 1.24 is left out: it writes the format of Go 1.23.
var toolchains = []struct {
	file, toolchain, format string
}{
	{"tracegen-go1.21.trace", "go1.21.13", "go 1.21"},
	{"tracegen-go1.22.trace", "go1.22.12", "go 1.22"},
	{"tracegen-go1.23.trace", "go1.23.12", "go 1.23"},
	{"tracegen-go1.25.trace", "go1.25.0", "go 1.25"},
	{"tracegen-go1.26.trace", "local", "go 1.26"},
}

// The traces recorded in this process, in the format of the running Go.
const (
	pipelineTrace    = "pipeline.trace"    // pipeline -n 3, annotated by the probe
	generationsTrace = "generations.trace" // three generations of tracegen's work
)

// TestMain regenerates the traces in testdata under -update, before any
// test reads them.
func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		if err := writeTestdata(); err != nil {
			os.Stderr.WriteString("update testdata: " + err.Error() + "\n")
			os.Exit(1)
		}
	}
	// No test leaves a goroutine behind: the decoder's, the parts' and
	// the recorded scenarios' end with their reading.
	goleak.VerifyTestMain(m)
}

// writeTestdata records the traces in testdata: tracegen under each
// toolchain (which the go command downloads through the module proxy),
// and the pipeline and a trace of several generations in this process.
func writeTestdata() error {
	for _, tc := range toolchains {
		if err := runTracegen(tc.toolchain, filepath.Join("testdata", tc.file)); err != nil {
			return err
		}
		if tc.format != "go 1.21" {
			if err := runTracegen(tc.toolchain, filepath.Join("testdata", gensFile(tc.file)),
				"-generations"); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := recordPipelineTo(&buf, "-n", "3"); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("testdata", pipelineTrace), buf.Bytes(), 0o644); err != nil {
		return err
	}
	buf.Reset()
	if err := recordGenerations(&buf, 3); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join("testdata", generationsTrace), buf.Bytes(), 0o644)
}

// gensFile names the trace of several generations that tracegen
// -generations writes beside its trace in file.
func gensFile(file string) string { return strings.Replace(file, "tracegen-", "tracegen-gens-", 1) }

// runTracegen runs testdata/tracegen with the given toolchain and flags,
// writing its trace to out. It builds in a module of its own, outside this
// one, whose go.mod would ask for a newer Go.
func runTracegen(toolchain, out string, flags ...string) error {
	src, err := os.ReadFile(filepath.Join("testdata", "tracegen", "main.go"))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "tracegen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module tracegen\n\ngo 1.21\n"), 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", append([]string{"run", ".", abs}, flags...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return errors.New(toolchain + ": " + err.Error() + ": " + string(msg))
	}
	return nil
}

// recordGenerations traces n generations of a pipeline's work into w. A
// flight recorder running beside the trace ends a generation whenever it
// is asked for its contents.
func recordGenerations(w io.Writer, n int) error {
	if err := trace.Start(w); err != nil {
		return err
	}
	defer trace.Stop()
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{})
	if err := fr.Start(); err != nil {
		return err
	}
	defer fr.Stop()
	for i := 0; i < n; i++ {
		work()
		if i < n-1 {
			if _, err := fr.WriteTo(io.Discard); err != nil {
				return err
			}
		}
	}
	return nil
}

// work runs a two-stage pipeline of ten values.
func work() {
	naturals := make(chan int) // counter -> printer
	go func() {
		for x := range 10 {
			naturals <- x
		}
		close(naturals)
	}()
	for range naturals {
	}
}

// readTestdata returns the content of a trace in testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (go test -update ./tracer records it)", err)
	}
	return data
}

// TestFormats reads tracegen's trace in each format: the header's version,
// the program's goroutines and their waits, the runtime's goroutines, and
// the task, region and logs as steps.
func TestFormats(t *testing.T) {
	for _, tc := range toolchains {
		t.Run(tc.format, func(t *testing.T) {
			data := readTestdata(t, tc.file)
			version, err := tracer.HeaderVersion(data)
			if err != nil || version != tc.format {
				t.Errorf("got version %q (%v), want %q", version, err, tc.format)
			}
			tl, err := tracer.Read(bytes.NewReader(data), nil)
			if err != nil {
				t.Fatal(err)
			}
			checkTracegen(t, tl)
		})
	}
}

// checkTracegen checks a timeline of tracegen's trace.
func checkTracegen(t *testing.T, tl *tracer.Timeline) {
	t.Helper()
	names := map[string]*tracer.Goroutine{}
	for _, g := range tl.Goroutines {
		names[g.Name] = g
		if strings.HasPrefix(g.Name, "runtime.") && g.Name != "runtime.main" && !g.System {
			t.Errorf("got %s not a system goroutine, want it marked", g.Name)
		}
	}
	for _, name := range []string{"main.counter", "main.squarer"} {
		g := names[name]
		if g == nil {
			t.Errorf("got no goroutine %s", name)
			continue
		}
		if g.System || g.Created == tracer.NoTime || g.Ended == tracer.NoTime {
			t.Errorf("%s: got system %v, created %d, ended %d; want a program's goroutine born and ended in the trace",
				name, g.System, g.Created, g.Ended)
		}
		if g.Blocks.Len() == 0 || !strings.HasPrefix(g.Blocks.At(0).Reason, "chan ") {
			t.Errorf("%s: got waits %+v, want it to wait on a channel", name, g.Blocks)
		}
	}

	// The task, the region and the three logs are steps, in order.
	var got []string
	for _, s := range tl.Steps.All() {
		if s.Kind == tracer.StepLog {
			l := tl.Logs[s.Log]
			got = append(got, l.Category+" "+l.Message)
		}
	}
	want := []string{
		"task begin tracegen 1", "region begin print", "square 0", "square 1",
		"square 4", "region end print", "task end tracegen 1",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got logs %q, want %q", got, want)
	}
}

// TestReadBroken reads input that is no trace or a damaged one: each gives
// an error that wraps ErrBroken and says what is wrong, on one line.
func TestReadBroken(t *testing.T) {
	good := readTestdata(t, pipelineTrace)
	gens := readTestdata(t, generationsTrace)
	v21 := readTestdata(t, "tracegen-go1.21.trace")
	v23 := readTestdata(t, "tracegen-go1.23.trace")
	tests := []struct {
		name  string
		input []byte
		want  string // in the error
	}{
		{"empty", nil, "empty input"},
		{"text", []byte("hello, world\n"), "not a Go execution trace"},
		{"html", []byte("<!DOCTYPE html>\n<html><body>404 page not found</body></html>\n"), "not a Go execution trace"},
		{"short header", good[:10], "not a Go execution trace"},
		{"future version", append([]byte("go 1.99 trace\x00\x00\x00"), good[16:]...),
			"unsupported trace format go 1.99"},
		{"ancient version", []byte("go 1.5 trace\x00\x00\x00\x00"), "unsupported trace format go 1.5"},
		{"header only", good[:16], "no events"},
		{"cut in a batch header", good[:20], "cut short: "},
		{"cut in half", good[:len(good)/2], "cut short: failed to read full batch"},
		{"cut at the last byte", good[:len(good)-1], "cut short: "},
		{"corrupt in the middle", corrupt(good, len(good)/2), "damaged: "},
		{"corrupt header byte", corrupt(good, 3), "not a Go execution trace"},
		{"go 1.21 cut in half", v21[:len(v21)/2], "cut short"},
		// Before Go 1.26 a generation had no end mark: a trace cut in its
		// last generation looks damaged.
		{"go 1.23 cut in half", v23[:len(v23)/2], "damaged: "},
		{"generations cut in the last", gens[:len(gens)-100], "cut short after "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl, err := tracer.Read(bytes.NewReader(tc.input), nil)
			if err == nil {
				t.Fatalf("got a timeline of %d events, want an error", tl.Events)
			}
			if !errors.Is(err, tracer.ErrBroken) {
				t.Errorf("got %v, want an error that wraps ErrBroken", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("got %q, want one line with %q", msg, tc.want)
			}
			if testing.Verbose() {
				t.Log(msg)
			}
		})
	}
}

// corrupt returns a copy of data with 32 bytes from at inverted.
func corrupt(data []byte, at int) []byte {
	c := bytes.Clone(data)
	for i := at; i < min(at+32, len(c)); i++ {
		c[i] ^= 0xff
	}
	return c
}

// TestReadPartial cuts a trace of three generations in its last one: the
// error holds the timeline of the first two.
func TestReadPartial(t *testing.T) {
	data := readTestdata(t, generationsTrace)
	whole, err := tracer.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tracer.Read(bytes.NewReader(data[:len(data)-100]), nil)
	var be *tracer.BrokenError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BrokenError", err)
	}
	if be.Events == 0 || be.Events >= whole.Events || be.Partial == nil {
		t.Fatalf("got %d events and partial %v, want some of the %d events and their timeline",
			be.Events, be.Partial != nil, whole.Events)
	}
	p := be.Partial
	if p.Duration <= 0 || p.Duration > whole.Duration || len(p.Goroutines) == 0 || p.Steps.Len() == 0 {
		t.Errorf("got a partial timeline of %d ns, %d goroutines and %d steps; want some of %d ns",
			p.Duration, len(p.Goroutines), p.Steps.Len(), whole.Duration)
	}
	if len(p.Findings) != 0 {
		t.Errorf("got findings %v in a partial timeline, want none", p.Findings)
	}
	if !be.Truncated || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("got %q, want the reader's word that the trace is cut short", err)
	}
}

// TestReadFailing reads from an input that fails: the error is the
// input's, not a broken trace.
func TestReadFailing(t *testing.T) {
	good := readTestdata(t, pipelineTrace)
	errDisk := errors.New("disk on fire")
	for _, n := range []int{0, 8, 100, len(good) / 2} {
		r := io.MultiReader(bytes.NewReader(good[:n]), iotest.ErrReader(errDisk))
		_, err := tracer.Read(r, nil)
		if !errors.Is(err, errDisk) || errors.Is(err, tracer.ErrBroken) {
			t.Errorf("failing after %d bytes: got %v, want the input's error", n, err)
		}
	}
}

// TestReadHostile hands the reader lengths far larger than the input: it
// must fail without allocating what they declare.
func TestReadHostile(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
	}{
		// A batch: EvEventBatch, generation 1, thread 1, time 1, then a
		// size of 1 TiB.
		{"huge batch", append([]byte("go 1.26 trace\x00\x00\x00\x01\x01\x01\x01"), uvarint(1<<40)...)},
		// The same in the format of Go 1.22 to 1.25.
		{"huge batch go 1.23", append([]byte("go 1.23 trace\x00\x00\x00\x01\x01\x01\x01"), uvarint(1<<40)...)},
		// Go 1.21's format: an EvString (37) with a length of 1 TiB.
		{"huge string go 1.21", append([]byte("go 1.21 trace\x00\x00\x00\x25\x01"), uvarint(1<<40)...)},
		// An EvBatch (1) of Go 1.21 with 3 arguments prefixed by their
		// length, 1 TiB.
		{"huge arguments go 1.21", append([]byte("go 1.21 trace\x00\x00\x00\xc1"), uvarint(1<<40)...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := tracer.Read(bytes.NewReader(tc.input), nil)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tracer.ErrBroken) {
				t.Errorf("got %v, want a broken trace", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("got %d MiB allocated, want less than 64", alloc>>20)
			}
		})
	}
}

// uvarint encodes x as the trace format does.
func uvarint(x uint64) []byte {
	var b []byte
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

// TestHeaderVersion reads the versions of headers.
func TestHeaderVersion(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{"go 1.26 trace\x00\x00\x00", "go 1.26", true},
		{"go 1.11 trace\x00\x00\x00", "go 1.11", true},
		{"go 1.24 trace\x00\x00\x00", "go 1.24", false},
		{"go 1.100 trace\x00\x00", "go 1.100", false},
		{"go 1. trace\x00\x00\x00\x00", "", false},
		{"go 2.0 trace\x00\x00\x00\x00", "", false},
		{"go 1.26", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, err := tracer.HeaderVersion([]byte(tc.header))
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("HeaderVersion(%q): got %q, %v; want %q, ok %v", tc.header, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, tracer.ErrBroken) {
			t.Errorf("HeaderVersion(%q): got %v, want an error that wraps ErrBroken", tc.header, err)
		}
	}
}

// recordPipelineTo records the pipeline scenario with the given flags
// into w, as gocspviz run does.
func recordPipelineTo(w io.Writer, args ...string) error {
	s, ok := scenarios.Lookup("pipeline")
	if !ok {
		return errors.New("no pipeline scenario")
	}
	fs := flag.NewFlagSet("pipeline", flag.ContinueOnError)
	run := s.Setup(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return probe.Record(context.Background(), w, func(ctx context.Context) error {
		return run(ctx, io.Discard)
	}, nil)
}
