package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer"
)

// list prints the scenarios with a line each.
func list(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, s := range scenarios.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Section, s.Summary)
	}
	return tw.Flush()
}

// output says how to show a timeline.
type output struct {
	text, json, summary bool
}

func (o *output) flags(fs *flag.FlagSet, summary bool) {
	fs.BoolVar(&o.text, "text", false, "print the replay step by step, no UI")
	fs.BoolVar(&o.json, "json", false, "print the timeline as JSON, no UI")
	if summary {
		fs.BoolVar(&o.summary, "summary", false, "load the whole trace and print its facts")
	}
}

func (o *output) check() error {
	n := 0
	for _, b := range []bool{o.text, o.json, o.summary} {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageError("--text, --json and --summary exclude each other")
	}
	return nil
}

// show presents the timeline as o asks: printed, or replayed in the UI.
func (o *output) show(tl *tracer.Timeline, title string, stdout io.Writer) error {
	switch {
	case o.json:
		return tracer.WriteJSON(stdout, tl)
	case o.text:
		return writeText(stdout, tl)
	}
	return replayUI(tl, title)
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, turning a bad flag into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError("%s: %v", fs.Name(), err)
	}
	return nil
}

// runCmd records a scenario in a child process, then shows its trace.
func runCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run")
	var out output
	out.flags(fs, false)
	keep := fs.String("o", "", "keep the trace in `file`")
	timeout := fs.Duration("timeout", 5*time.Second, "stop recording after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &usageErr{msg: "run needs a scenario", hint: "gocspviz list shows them"}
	}
	name, scenarioArgs := fs.Arg(0), fs.Args()[1:]
	sc, ok := scenarios.Lookup(name)
	if !ok {
		return unknownScenario(name)
	}
	if *timeout <= 0 {
		return usageError("-timeout must be positive")
	}

	// Check the scenario's flags here, so that a mistake is a usage error
	// and -h prints them, before any process is started.
	sfs := newFlagSet(name)
	sc.Setup(sfs)
	if err := sfs.Parse(scenarioArgs); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintf(stdout, "gocspviz run %s: %s (section %s of the book)\n\nFlags:\n",
				name, sc.Summary, sc.Section)
			sfs.SetOutput(stdout)
			sfs.PrintDefaults()
			return nil
		}
		return &usageErr{msg: fmt.Sprintf("%s: %v", name, err), hint: "gocspviz run " + name + " -h shows its flags"}
	}
	if !out.text && !out.json && !isTerminal() {
		return errNoTerminal
	}

	// Without -o the trace lives in a temporary directory for as long as
	// the replay does.
	path := *keep
	if path == "" {
		dir, err := os.MkdirTemp("", "gocspviz-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, name+".trace")
	}
	if err := record(path, name, scenarioArgs, *timeout, stderr); err != nil {
		return err
	}
	tl, err := readFile(path)
	if err != nil {
		return err
	}
	return out.show(tl, "run "+name, stdout)
}

// unknownScenario is the usage error for a scenario name that is not one,
// suggesting the scenario it is most likely a misspelling of.
func unknownScenario(name string) error {
	hint := "gocspviz list shows them"
	var names []string
	for _, s := range scenarios.All() {
		names = append(names, s.Name)
	}
	if near := nearest(name, names); near != "" {
		hint = "did you mean " + near + "? " + hint
	}
	return &usageErr{msg: fmt.Sprintf("no scenario %q", name), hint: hint}
}

// nearest returns the name of names that word is most likely a misspelling
// of: the one fewest edits away, if that is at most a third of word's
// length (or one edit), else the only one that begins with word. It
// returns "" when none is.
func nearest(word string, names []string) string {
	best, bestDist := "", max(1, len(word)/3)+1
	begun, begins := "", 0 // a name that begins with word, and how many do
	for _, n := range names {
		if d := editDistance(word, n); d < bestDist {
			best, bestDist = n, d
		}
		if word != "" && strings.HasPrefix(n, word) {
			begun, begins = n, begins+1
		}
	}
	if best == "" && begins == 1 {
		best = begun
	}
	return best
}

// editDistance returns the least number of bytes to insert, delete or
// replace to turn a into b.
func editDistance(a, b string) int {
	row := make([]int, len(b)+1) // distances from a[:i] to each b[:j]
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0] // the distance from a[:i-1] to b[:j-1]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}

// replayCmd reads a trace and shows it.
func replayCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("replay")
	var out output
	out.flags(fs, true)
	partial := fs.Bool("partial", false, "replay what precedes the damage in a broken trace")
	timeout := fs.Duration("timeout", 0, "give up fetching a URL after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := out.check(); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("replay needs one trace: a file, - for standard input, or an http(s) URL")
	}
	if *timeout < 0 {
		return usageError("-timeout must not be negative")
	}
	src := fs.Arg(0)
	if !out.text && !out.json && !out.summary && !canShowUI(src == "-") {
		// A trace that cannot be read is the first thing to mend.
		if src != "-" && !isURL(src) {
			f, err := os.Open(src)
			if err != nil {
				return err
			}
			f.Close()
		}
		return errNoTerminal
	}

	lo := loadOptions{partial: *partial, timeout: *timeout}
	if !out.text && !out.json && !out.summary {
		return loadUI(src, lo, stderr)
	}
	l, err := loadTrace(src, lo, stderr)
	if err != nil {
		return err
	}
	if l.broken != nil {
		fmt.Fprintf(stderr, "gocspviz: %s: %v; replaying the %d events before it\n", l.name, l.broken, l.broken.Events)
	}
	if out.summary {
		return writeSummaryOf(stdout, l)
	}
	return out.show(l.tl, l.title, stdout)
}

// readFile reads the trace in the named file.
func readFile(path string) (*tracer.Timeline, error) {
	l, err := loadTrace(path, loadOptions{}, io.Discard)
	if err != nil {
		return nil, err
	}
	return l.tl, nil
}
