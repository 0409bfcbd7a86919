package ui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"go.uber.org/goleak"

	"github.com/gocspviz/gocspviz/tracer"
)

// stepNumber returns the number of the current step as the header shows
// it, counting from 1.
func stepNumber(t *testing.T, f frame) int {
	t.Helper()
	m := regexp.MustCompile(`step (\d+)/`).FindStringSubmatch(f.row(0))
	if m == nil {
		t.Fatalf("got a header without the step: %q", f.row(0))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// currentStep returns the line of the steps pane that the cursor is on.
func currentStep(t *testing.T, f frame) string {
	t.Helper()
	for y := 0; y < f.h; y++ {
		if row := f.row(y); strings.HasPrefix(row, "│▶") || strings.HasPrefix(row, "║▶") {
			return row
		}
	}
	t.Fatalf("got no current step on the screen:\n%s", f.text())
	return ""
}

func TestStepWithinLane(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))

	// Filtering to the squarer selects its lane, the only one.
	f := h.keys("/", "squarer", "Enter")
	wantText(t, f, `lanes matching "squarer": 1 of`)
	if laneRow(f, "counter") >= 0 || laneRow(f, "squarer") < 0 {
		t.Fatalf("got lanes other than the squarer's after filtering:\n%s", f.text())
	}

	// . goes from one of its steps to the next, and , back.
	var seen []int
	for range 4 {
		f = h.keys(".")
		if line := currentStep(t, f); !strings.Contains(line, "squarer g") {
			t.Fatalf("got current step %q after ., want one of the squarer", line)
		}
		seen = append(seen, stepNumber(t, f))
	}
	for i := len(seen) - 2; i >= 0; i-- {
		if got := stepNumber(t, h.keys(",")); got != seen[i] {
			t.Errorf("got step %d after ',', want %d", got, seen[i])
		}
	}

	// n and N go among the filtered goroutines' steps too; Esc while
	// typing a filter clears it.
	if got := stepNumber(t, h.keys("n")); got != seen[1] {
		t.Errorf("got step %d after n, want %d", got, seen[1])
	}
	f = h.keys("/", "Esc")
	if laneRow(f, "counter") < 0 {
		t.Errorf("got no counter lane after clearing the filter:\n%s", f.text())
	}
}

func TestFollowWake(t *testing.T) {
	tl := pipeline(t, "-n", "3")
	ix := newIndex(tl, false)
	h := start(t, tl)

	// From the first receive of the squarer, [ goes to its wake-up.
	recv := -1
	for pos, k := range ix.steps.All() {
		if s := tl.Steps.At(int(k)); s.Kind == tracer.StepRecv && strings.Contains(tl.Name(s.G), "squarer") {
			recv = pos
			break
		}
	}
	if recv < 0 {
		t.Fatal("got no receive by the squarer")
	}
	for range recv {
		h.keys("Right")
	}
	want, _ := ix.wakeBack(recv)
	f := h.keys("[")
	if got := stepNumber(t, f); got != want+1 {
		t.Fatalf("got step %d after [, want %d", got, want+1)
	}
	line := currentStep(t, f)
	if !strings.Contains(line, "was woken by") && !strings.Contains(line, "was created by") {
		t.Errorf("got current step %q after [, want a wake-up", line)
	}

	// ] from the wake-up goes to what the woken goroutine did next.
	next, _ := ix.wakeForward(want)
	if got := stepNumber(t, h.keys("]")); got != next+1 {
		t.Errorf("got step %d after ], want %d", got, next+1)
	}
}

func TestMark(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	h.keys("Right", "Right")
	f := h.keys("m")
	wantText(t, f, "marked step 3")
	h.keys("Right", "Right", "Right", "Right")
	if got := stepNumber(t, h.keys("'")); got != 3 {
		t.Errorf("got step %d after ', want the mark, 3", got)
	}
	if got := stepNumber(t, h.keys("'")); got != 7 {
		t.Errorf("got step %d after ' again, want where it left, 7", got)
	}
}

func TestTabMovesTheArrows(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	f := h.keys("Tab")
	if !strings.Contains(f.text(), "╔═") || !strings.Contains(f.text(), "═ steps ═") {
		t.Errorf("got no double border on the steps pane after Tab:\n%s", f.text())
	}
	if got := stepNumber(t, h.keys("Down", "Down")); got != 3 {
		t.Errorf("got step %d after Tab Down Down, want 3", got)
	}
	f = h.keys("Backtab")
	if !strings.Contains(f.text(), "═ goroutines ═") {
		t.Errorf("got the lanes pane unfocused after Shift-Tab:\n%s", f.text())
	}
}

func TestClickSelectsLane(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	row := laneRow(h.last(), "squarer")
	if row < 0 {
		t.Fatal("got no lane for the squarer")
	}
	n := h.count()
	h.sim.InjectMouse(5, row, tcell.Button1, tcell.ModNone)
	f := h.frameAfter(n)
	if _, _, attrs := f.styles[row*f.w+1].Decompose(); attrs&tcell.AttrUnderline == 0 {
		t.Errorf("got the clicked squarer lane not underlined, want it selected")
	}
	h.sim.InjectMouse(5, row, tcell.ButtonNone, tcell.ModNone)
	h.frameAfter(n + 1)
	if line := currentStep(t, h.keys(".")); !strings.Contains(line, "squarer g") {
		t.Errorf("got current step %q after clicking the squarer and ., want one of the squarer", line)
	}
}

// findingsTimeline is smallTimeline with a leak and a deadlock.
func findingsTimeline() *tracer.Timeline {
	tl := smallTimeline()
	tl.Findings = []tracer.Finding{
		{Kind: tracer.Leak, G: 2, Time: 60, Detail: "consumer blocked in chan receive"},
		{Kind: tracer.Deadlock, G: tracer.NoG, Time: 85,
			Detail: "all 2 goroutines of the program are blocked from here on"},
	}
	return tl
}

func TestFindings(t *testing.T) {
	tl := findingsTimeline()
	h := start(t, tl)
	wantText(t, h.last(), "2 findings: f")

	f := h.keys("f")
	wantText(t, f, "findings: ↑↓ choose", "leak", "consumer blocked in chan receive", "deadlock")
	f = h.keys("Down", "Enter")
	if strings.Contains(f.text(), "findings: ↑↓") {
		t.Errorf("got the findings still open after Enter:\n%s", f.text())
	}
	ix := newIndex(tl, false)
	if got, want := stepNumber(t, f), ix.atTime(85)+1; got != want {
		t.Errorf("got step %d after choosing the deadlock, want %d", got, want)
	}

	// The leak's goroutine is selected when it is chosen.
	f = h.keys("f", "Up", "Enter")
	if got, want := stepNumber(t, f), ix.atTime(60)+1; got != want {
		t.Errorf("got step %d after choosing the leak, want %d", got, want)
	}
	if line := currentStep(t, h.keys(".")); !strings.Contains(line, " g2 ") {
		t.Errorf("got current step %q after ., want one of the leaked g2", line)
	}
}

func TestNoFindings(t *testing.T) {
	h := start(t, smallTimeline())
	wantText(t, h.keys("f"), "no findings")
	if f := h.keys("Esc"); strings.Contains(f.text(), "no findings") {
		t.Errorf("got the findings still open after Esc:\n%s", f.text())
	}
}

func TestDetails(t *testing.T) {
	tl := pipeline(t, "-n", "3")
	h := start(t, tl)
	h.resize(120, 50)
	f := h.keys("End")
	wantText(t, f, " details ", "stack:", "printer  pipeline.go:")
	if strings.Contains(f.text(), "chan.go:") {
		t.Errorf("got the probe's own frames in the stack, want the program's alone:\n%s", f.text())
	}

	// At 80x24 the stack is further down the pane than it shows.
	h.resize(80, 24)
	f = h.keys("Tab", "Tab", "Tab")
	for range 10 {
		if strings.Contains(f.text(), "stack:") {
			break
		}
		f = h.keys("Down")
	}
	wantText(t, f, "═ details ═", "stack:")
}

func TestSelectCases(t *testing.T) {
	tl := smallTimeline()
	sel := tracer.Select{Chosen: 1, Cases: []tracer.SelectCase{
		{Dir: 1, Chan: chJobs, Value: "7"},
		{Dir: 2, Chan: chDone},
		{Dir: 3, Chan: -1},
	}}
	got := strings.Join(selectCases(tl, sel), "\n")
	want := "    send 7 to jobs\n  ▶ receive from done\n    default"
	if got != want {
		t.Errorf("got cases\n%s\nwant\n%s", got, want)
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"two words here", 9, []string{"two words", "here"}},
		{"  indented text that wraps", 14, []string{"  indented", "  text that", "  wraps"}},
		{"unbreakablelongword", 8, []string{"unbreaka", "blelongw", "ord"}},
	} {
		got := wrap(tc.text, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("got wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

func TestPlayThenQuit(t *testing.T) {
	tl := pipeline(t, "-n", "3")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := start(t, tl)
	h.keys(">", ">", ">", " ")
	for h.count() < 10 {
		h.frameAfter(h.count())
	}
	if err := h.stop(); err != nil {
		t.Errorf("got %v from Replay after playing and q, want nil", err)
	}
}

func TestFilterMatchingNothing(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	f := h.keys("/", "nosuchgoroutine")
	wantText(t, f, `no lane matches "nosuchgoroutine"`, "filter lanes: nosuchgoroutine")
	if got := stepNumber(t, h.keys("Enter", ".")); got != 1 {
		t.Errorf("got step %d after . with no lane, want to stay at 1", got)
	}
	wantText(t, h.last(), "no lane selected")
	f = h.keys("/", "Backtab")
	for range len("nosuchgoroutine") {
		f = h.press(tcell.KeyBackspace2, 0)
	}
	wantText(t, f, "filter lanes: ▏")
	if laneRow(f, "counter") < 0 {
		t.Errorf("got no counter lane once the filter was erased:\n%s", f.text())
	}
}

// TestClickOnLaneMovesCursor clicks in the middle of the squarer's lane:
// the cursor goes to the squarer's step nearest that time.
func TestClickOnLaneMovesCursor(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	f := h.last()
	row := laneRow(f, "squarer")
	if row < 0 {
		t.Fatal("got no lane for the squarer")
	}
	x := labelWidth + 2 + (f.w-labelWidth-4)/2
	n := h.count()
	h.sim.InjectMouse(x, row, tcell.Button1, tcell.ModNone)
	if line := currentStep(t, h.frameAfter(n)); !strings.Contains(line, "squarer g") {
		t.Errorf("got current step %q after a click on the squarer's lane, want one of the squarer", line)
	}
}

// TestWheelZoomsLanes turns the wheel over the lanes: the axis changes,
// and turning it back restores it.
func TestWheelZoomsLanes(t *testing.T) {
	h := start(t, pipeline(t, "-n", "3"))
	before := h.last()
	row := laneRow(before, "squarer")
	n := h.count()
	h.sim.InjectMouse(labelWidth+10, row, tcell.WheelUp, tcell.ModNone)
	zoomed := h.frameAfter(n)
	if zoomed.row(2) == before.row(2) {
		t.Errorf("got the same axis after the wheel, want it zoomed:\n%s", zoomed.row(2))
	}
	n = h.count()
	h.sim.InjectMouse(labelWidth+10, row, tcell.WheelDown, tcell.ModNone)
	if back := h.frameAfter(n); back.row(2) != before.row(2) {
		t.Errorf("got axis %q after zooming back, want %q", back.row(2), before.row(2))
	}
}
