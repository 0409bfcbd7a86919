package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// e2eWait bounds every wait for the screen to show something; recording
// and reading the pipeline take well under a second.
const e2eWait = 20 * time.Second

// terminal is a tmux server of the test's own, running one session.
type terminal struct {
	t      *testing.T
	socket string // tmux -L name, so that no other server is touched
}

// tmux runs a tmux command against the test's server and returns what it
// printed.
func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	args = append([]string{"-L", term.socket, "-f", "/dev/null"}, args...)
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen returns the text of the pane as a person sees it.
func (term *terminal) screen() string {
	term.t.Helper()
	return term.tmux("capture-pane", "-p", "-t", "e2e")
}

// waitFor polls the screen until ok holds of it, and fails the test with
// the last screen when it does not within e2eWait.
func (term *terminal) waitFor(what string, ok func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for {
		s := term.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("got no %s after %v; the screen:\n%s", what, e2eWait, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the screen shows text.
func (term *terminal) waitText(text string) string {
	term.t.Helper()
	return term.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// keys types the keys, named as tmux names them.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	term.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// TestEndToEnd runs the real binary in a real terminal: it records the
// pipeline, steps, opens and closes the help, survives a terminal too small
// and quits, leaving the terminal as it found it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}

	// Build the command as a user would.
	bin := filepath.Join(t.TempDir(), "gocspviz")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Start it in a detached session of a server of our own, 100x30.
	term := &terminal{t: t, socket: fmt.Sprintf("gocspviz-e2e-%d", time.Now().UnixNano())}
	t.Cleanup(func() {
		exec.Command("tmux", "-L", term.socket, "kill-server").Run()
	})
	cmdline := shellQuote(bin) + " run pipeline -n 3; echo EXIT=$?; sleep 600"
	term.tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", cmdline)

	// The first screen: the lanes, the channels and the first step.
	s := term.waitText("goroutines")
	for _, want := range []string{" channels ", " steps ", "step 1/", "naturals", "squares"} {
		if !strings.Contains(s, want) {
			t.Errorf("got a first screen without %q:\n%s", want, s)
		}
	}
	for _, lane := range []string{"main", "counter", "squarer"} {
		if !regexp.MustCompile(`(?m)^[│║]` + lane + ` g\d+ `).MatchString(s) {
			t.Errorf("got no lane for %s on the first screen:\n%s", lane, s)
		}
	}

	// A step forward.
	term.keys("Right")
	term.waitText("step 2/")

	// The help, and Esc closes it.
	term.keys("?")
	term.waitText("help: Esc or ? to close")
	term.keys("Escape")
	term.waitFor("help closed", func(s string) bool {
		return !strings.Contains(s, "help: Esc") && strings.Contains(s, "step 2/")
	})

	// Too small a terminal says so; enlarged again, the replay is back at
	// the same step.
	term.tmux("resize-window", "-t", "e2e", "-x", "70", "-y", "20")
	term.waitText("terminal too small: 70x20, need 80x24")
	term.tmux("resize-window", "-t", "e2e", "-x", "100", "-y", "30")
	s = term.waitText("goroutines")
	if !strings.Contains(s, "step 2/") {
		t.Errorf("got after resizing back a screen not at step 2:\n%s", s)
	}

	// q quits with status 0, and the terminal is back: the shell's own
	// screen, not the replay's alternate one.
	term.keys("q")
	s = term.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") {
		t.Errorf("got an exit status other than 0:\n%s", s)
	}
	if strings.Contains(s, "goroutines") {
		t.Errorf("got the replay still on the screen after it quit:\n%s", s)
	}
	if alt := strings.TrimSpace(term.tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}")); alt != "0" {
		t.Errorf("got alternate_on %s after quitting, want 0: the terminal was not restored", alt)
	}
}

// shellQuote quotes s for the shell that tmux runs the command line in.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
