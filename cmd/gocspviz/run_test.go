package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gocspviz runs the command line in-process and returns its exit code,
// standard output and standard error.
func gocspviz(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"no scenario", []string{"run"}, 2, "run needs a scenario"},
		{"unknown scenario", []string{"run", "--json", "pipelin"}, 2,
			`no scenario "pipelin"; did you mean pipeline?`},
		{"far from any scenario", []string{"run", "--json", "zzzzz"}, 2,
			`no scenario "zzzzz"; gocspviz list shows them`},
		{"bad scenario flag", []string{"run", "--json", "pipeline", "-x"}, 2,
			"flag provided but not defined: -x; gocspviz run pipeline -h shows its flags"},
		{"two outputs", []string{"run", "--json", "--text", "pipeline"}, 2, "exclude each other"},
		{"no terminal", []string{"run", "pipeline"}, 1, "needs a terminal"},
		{"no trace, no terminal", []string{"replay", "/nonexistent/p.trace"}, 1, "no such file"},
		{"list takes nothing", []string{"list", "x"}, 2, "list takes no arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := gocspviz(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d and stderr %q, want exit %d and %q", code, stderr, tc.code, tc.want)
			}
			if strings.Contains(stderr, "goroutine ") && strings.Contains(stderr, ".go:") {
				t.Errorf("stderr holds a stack trace: %s", stderr)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

// TestNoCommand checks that gocspviz alone prints the usage.
func TestNoCommand(t *testing.T) {
	code, stdout, stderr := gocspviz(t)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "Usage:") {
		t.Errorf("got exit %d, stdout %q and stderr %q, want exit 2 and the usage on stderr", code, stdout, stderr)
	}
}

func TestNearest(t *testing.T) {
	names := []string{"clock", "echo", "pipeline", "mirror", "crawler", "countdown", "du", "du-cancel", "chat"}
	tests := []struct{ word, want string }{
		{"pipelin", "pipeline"},
		{"pipeilne", "pipeline"},
		{"du-cancl", "du-cancel"},
		{"dh", "du"},
		{"cl", "clock"}, // the only one it begins
		{"c", ""},       // begins four
		{"zzzzz", ""},   // near none
		{"countdwn", "countdown"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := nearest(tc.word, names); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"abc", "abc", 0},
		{"kitten", "sitting", 3}, {"pipelin", "pipeline", 1}, {"ab", "ba", 2},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestList(t *testing.T) {
	code, stdout, _ := gocspviz(t, "list")
	if code != 0 || !strings.Contains(stdout, "pipeline") {
		t.Errorf("got exit %d and %q, want 0 and a line for pipeline", code, stdout)
	}
}

func TestRunScenarioHelp(t *testing.T) {
	code, stdout, _ := gocspviz(t, "run", "pipeline", "-h")
	if code != 0 || !strings.Contains(stdout, "-buffer") || !strings.Contains(stdout, "-n") {
		t.Errorf("got exit %d and %q, want 0 and the pipeline's flags", code, stdout)
	}
}

// TestRunKeepsTrace records the pipeline into a file and checks the JSON
// printed, the file kept, and that no temporary file is left beside it.
func TestRunKeepsTrace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.trace")
	code, stdout, stderr := gocspviz(t, "run", "-o", path, "--json", "pipeline", "-n", "5")
	if code != 0 {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	var out struct {
		Channels []struct {
			Name string
			Ops  []struct{ Op string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	names := map[string]int{}
	for _, c := range out.Channels {
		names[c.Name] = len(c.Ops)
	}
	// Five sends, five receives, a close and the closed receive each.
	if names["naturals"] != 12 || names["squares"] != 12 {
		t.Errorf("got channel ops %v, want 12 on naturals and on squares", names)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "p.trace" {
		t.Errorf("got %v in the directory, want just p.trace", entries)
	}

	// The kept trace replays to the same JSON.
	code, again, _ := gocspviz(t, "replay", "--json", path)
	if code != 0 || again != stdout {
		t.Errorf("replay of the kept trace: got exit %d and different JSON", code)
	}
}

// TestRunCutShort checks that a scenario still running at the deadline is
// stopped and what was recorded until then is kept.
func TestRunCutShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cut.trace")
	code, stdout, stderr := gocspviz(t, "run", "-timeout", "50ms", "-o", path, "--text", "pipeline", "-n", "100000000")
	if code != 0 {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	if !strings.Contains(stderr, "still running") {
		t.Errorf("got stderr %q, want a word that the run was cut short", stderr)
	}
	if !strings.Contains(stdout, "sent 0 on naturals") {
		t.Errorf("the replay of the cut run lacks its first send")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("trace not kept: %v", err)
	}
}
