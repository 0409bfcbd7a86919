package tracer_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	xtrace "golang.org/x/exp/trace"

	"github.com/gocspviz/gocspviz/tracer"
)

// The tests in this file check the JSON contract against independent
// readings of the same traces: a minimal reader over x/exp/trace written
// here, which knows nothing of the builder, and the go command's own
// trace tool (go tool trace -d=parsed), which has a parser of its own.

// transition is one goroutine state transition into or out of waiting, as
// the independent readers see it.
type transition struct {
	g          int64  // the goroutine
	actor      int64  // the goroutine whose event it is, or -1
	from, to   string // "Running", "Waiting", "Undetermined", ...
	reason     string
	intoWait   bool
	outOfWait  bool
	sinceStart bool // into waiting from the state the trace began in
}

// counts is what an independent reader counts in a trace.
type counts struct {
	goroutines  map[int64]bool
	transitions map[int64][]transition // per goroutine, into and out of waiting
	userEvents  int                    // logs, task and region begins and ends
}

func newCounts() *counts {
	return &counts{goroutines: map[int64]bool{}, transitions: map[int64][]transition{}}
}

// add counts one goroutine state transition.
func (c *counts) add(g, actor int64, from, to, reason string) {
	c.goroutines[g] = true
	if from == to || (from != "Waiting" && to != "Waiting") {
		return
	}
	c.transitions[g] = append(c.transitions[g], transition{
		g: g, actor: actor, from: from, to: to, reason: reason,
		intoWait: to == "Waiting", outOfWait: from == "Waiting",
		sinceStart: to == "Waiting" && from == "Undetermined",
	})
}

// countXtrace counts a trace with x/exp/trace, and nothing else.
func countXtrace(t *testing.T, data []byte) *counts {
	t.Helper()
	r, err := xtrace.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := newCounts()
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return c
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind() {
		case xtrace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != xtrace.ResourceGoroutine {
				continue
			}
			from, to := st.Goroutine()
			c.add(int64(st.Resource.Goroutine()), int64(ev.Goroutine()), from.String(), to.String(), st.Reason)
		case xtrace.EventLog, xtrace.EventTaskBegin, xtrace.EventTaskEnd,
			xtrace.EventRegionBegin, xtrace.EventRegionEnd:
			c.userEvents++
		}
	}
}

// parsedLine matches a goroutine's state transition in the output of go
// tool trace -d=parsed.
var parsedLine = regexp.MustCompile(`^M=-?\d+ P=-?\d+ G=(-?\d+) StateTransition ` +
	`Time=\d+ GoID=(\d+) (\w+)->(\w+) Reason="(.*)"$`)

// countGoTool counts a trace with go tool trace -d=parsed.
func countGoTool(t *testing.T, path string) *counts {
	t.Helper()
	cmd := exec.Command("go", "tool", "trace", "-d=parsed", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := newCounts()
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := parsedLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		actor, _ := strconv.ParseInt(m[1], 10, 64)
		g, _ := strconv.ParseInt(m[2], 10, 64)
		reason, err := strconv.Unquote(`"` + m[5] + `"`)
		if err != nil {
			reason = m[5]
		}
		c.add(g, actor, m[3], m[4], reason)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go tool trace: %v", err)
	}
	return c
}

// jsonTimeline is the JSON contract as another tool would read it.
type jsonTimeline struct {
	Trace      struct{ Events int }
	Goroutines []struct {
		ID     int64
		Name   string
		Parent int64
		System bool
		Blocks []struct {
			Reason     string
			StartNs    int64  `json:"start_ns"`
			EndNs      *int64 `json:"end_ns"`
			WokenBy    int64  `json:"woken_by"`
			SinceStart bool   `json:"since_start"`
		}
	}
}

// readJSON reads a trace with tracer.Read and returns its JSON, decoded.
func readJSON(t *testing.T, data []byte) (*tracer.Timeline, *jsonTimeline) {
	t.Helper()
	tl, err := tracer.Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tracer.WriteJSON(&buf, tl); err != nil {
		t.Fatal(err)
	}
	var out jsonTimeline
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return tl, &out
}

// compare checks the JSON against an independent reading: the same
// goroutines; for each, one block for every transition into waiting, in
// order, with the runtime's reason, since_start for one the trace began
// with; and for each wait that ended, the goroutine whose event ended it
// as woken_by, or -1 for none.
func compare(t *testing.T, got *jsonTimeline, want *counts) {
	t.Helper()
	var ids []int64
	for _, g := range got.Goroutines {
		ids = append(ids, g.ID)
	}
	slices.Sort(ids)
	var wantIDs []int64
	for id := range want.goroutines {
		wantIDs = append(wantIDs, id)
	}
	slices.Sort(wantIDs)
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("got %d goroutines %v, want %d %v", len(ids), ids, len(wantIDs), wantIDs)
	}

	var blocks, wakes int
	from := map[string]int{} // transitions into waiting by the state left
	for _, g := range got.Goroutines {
		var into, out []transition
		for _, tr := range want.transitions[g.ID] {
			if tr.intoWait {
				into = append(into, tr)
				from[tr.from]++
			}
			if tr.outOfWait {
				out = append(out, tr)
			}
		}
		if len(g.Blocks) != len(into) {
			t.Errorf("g%d %s: got %d blocks, want %d transitions into waiting", g.ID, g.Name, len(g.Blocks), len(into))
			continue
		}
		for i, b := range g.Blocks {
			blocks++
			if b.Reason != into[i].reason || b.SinceStart != into[i].sinceStart {
				t.Errorf("g%d block %d: got %q since start %v, want %q from %s", g.ID, i, b.Reason, b.SinceStart,
					into[i].reason, into[i].from)
			}
			if b.EndNs == nil {
				if i < len(out) || b.WokenBy != -1 {
					t.Errorf("g%d block %d: got no end, woken by %d; want %d transitions out of waiting",
						g.ID, i, b.WokenBy, len(out))
				}
				continue
			}
			wakes++
			if i >= len(out) {
				t.Errorf("g%d block %d: got an end, want none: %d transitions out of waiting", g.ID, i, len(out))
				continue
			}
			waker := out[i].actor
			if waker == g.ID {
				waker = -1 // the goroutine's own event: no other goroutine woke it
			}
			if b.WokenBy != waker {
				t.Errorf("g%d block %d: got woken by %d, want %d", g.ID, i, b.WokenBy, waker)
			}
		}
	}
	t.Logf("%d goroutines, %d blocks (from %v), %d wakes agree", len(ids), blocks, from, wakes)
}

// checkSystem checks that the runtime's goroutines are marked system and
// the program's are not, where the trace names them, and that the JSON
// says what IsSystem does of every named goroutine. (An unnamed one that
// predates the trace and never ran is counted as the runtime's.)
func checkSystem(t *testing.T, got *jsonTimeline) {
	t.Helper()
	for _, g := range got.Goroutines {
		runtimes := strings.HasPrefix(g.Name, "runtime.") && g.Name != "runtime.main"
		programs := strings.HasPrefix(g.Name, "main.") || strings.HasPrefix(g.Name, "testing.") ||
			strings.Contains(g.Name, "_test.")
		if (runtimes && !g.System) || (programs && g.System) {
			t.Errorf("g%d %s: got system %v, want %v", g.ID, g.Name, g.System, runtimes)
		}
		if g.Name != "" && g.System != tracer.IsSystem(g.Name) {
			t.Errorf("g%d %s: got system %v, want IsSystem's %v", g.ID, g.Name, g.System, !g.System)
		}
	}
}

// checkUserSteps checks that every user annotation, log, task or region,
// is a step.
func checkUserSteps(t *testing.T, tl *tracer.Timeline, want *counts) {
	t.Helper()
	var steps int
	for _, s := range tl.Steps.All() {
		if s.Kind == tracer.StepLog {
			steps++
		}
	}
	if steps != want.userEvents || len(tl.Logs) != want.userEvents {
		t.Errorf("got %d log steps and %d logs, want %d user events", steps, len(tl.Logs), want.userEvents)
	}
}

// TestAgreesWithTestdata compares the JSON of the traces in testdata,
// every format from Go 1.21 on, with the minimal reader's counts.
func TestAgreesWithTestdata(t *testing.T) {
	names := []string{pipelineTrace, generationsTrace}
	for _, tc := range toolchains {
		names = append(names, tc.file)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			tl, got := readJSON(t, data)
			want := countXtrace(t, data)
			compare(t, got, want)
			checkSystem(t, got)
			if name != pipelineTrace {
				// The probe's logs are channel operations, not user
				// annotations.
				checkUserSteps(t, tl, want)
			}
		})
	}
}

// TestAgreesWithGoTest records traces of the tests of a few standard
// packages with real concurrency, and compares the JSON with the minimal
// reader's counts and with go tool trace's.
func TestAgreesWithGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("records go test -trace of standard packages")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	tests := []struct {
		pkg, run string
	}{
		// Runs chosen to give traces of 20 to 100 kB: go tool trace takes
		// 10 s a megabyte to print one.
		{"sync", "TestWaitGroup|TestRWMutex"},
		{"context", "."},
		{"io", "Pipe"},
		{"time", "Ticker|AfterFunc|Sleep$"},
	}
	for _, tc := range tests {
		t.Run(tc.pkg, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "trace.out")
			cmd := exec.Command("go", "test", "-short", "-count=1", "-run", tc.run, "-trace", path, tc.pkg)
			cmd.Env = append(os.Environ(), "GOFLAGS=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go test -trace %s: %v\n%s", tc.pkg, err, out)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tl, got := readJSON(t, data)
			t.Run("x/exp/trace", func(t *testing.T) { compare(t, got, countXtrace(t, data)) })
			t.Run("go tool trace", func(t *testing.T) { compare(t, got, countGoTool(t, path)) })
			checkSystem(t, got)

			// A test's goroutines are the program's: tRunner runs each.
			var runners int
			for _, g := range got.Goroutines {
				if g.Name == "testing.tRunner" && !g.System {
					runners++
				}
			}
			if runners == 0 {
				t.Errorf("got no testing.tRunner goroutine of the program, want one per test")
			}
			t.Logf("%s: %d bytes, %d events, %d goroutines", tc.pkg, len(data), tl.Events, len(got.Goroutines))
		})
	}
}
