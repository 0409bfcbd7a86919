// Command gocspviz records the concurrent programs of chapter 8 of "The Go
// Programming Language" under the execution tracer and replays any Go
// execution trace in the terminal, step by step: who blocked, on what, who
// woke whom, and every send, receive, close and select.
//
// Usage:
//
//	gocspviz list
//	gocspviz run [flags] SCENARIO [scenario flags]
//	gocspviz replay [flags] TRACE
//
// Exit codes: 0 on success, 1 on a failure, 2 on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/gocspviz/gocspviz/tracer"
)

const usage = `gocspviz shows goroutines and channels at work.

Usage:
  gocspviz list                         list the scenarios
  gocspviz run [flags] SCENARIO [args]  record a scenario, then replay it
  gocspviz replay [flags] TRACE         replay a trace: a file, - for standard
                                        input, or an http(s) URL of a trace
                                        endpoint (/debug/pprof/trace?seconds=5)

Flags of run and replay:
  --text        print the replay step by step instead of opening the UI
  --json        print the timeline as JSON instead of opening the UI
  -o FILE       (run) keep the trace in FILE
  -timeout D    (run) stop recording after D (default 5s);
                (replay) give up fetching a URL after D
  --summary     (replay) print the trace's facts instead of opening the UI
  --partial     (replay) of a trace cut short or damaged, replay the events
                before the damage

Run "gocspviz run SCENARIO -h" for a scenario's own flags.
`

// usageErr is a mistake in the command line. run prints it on one line,
// with where to find the right usage, and exits 2.
type usageErr struct {
	msg  string
	hint string // where to look: "gocspviz help shows the usage"
}

func (e *usageErr) Error() string { return e.msg + "; " + e.hint }

// usageError returns a usage error that points to gocspviz help.
func usageError(format string, a ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, a...), hint: "gocspviz help shows the usage"}
}

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(tracer.GCPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run carries out one command line and returns the process's exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	err := dispatch(args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.As(err, new(*usageErr)):
		fmt.Fprintf(stderr, "gocspviz: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "gocspviz: %v\n", err)
		return 1
	}
}

// dispatch carries out the command args[0], of at least one argument.
func dispatch(args []string, stdout, stderr io.Writer) error {
	switch cmd, rest := args[0], args[1:]; cmd {
	case "list":
		if len(rest) > 0 {
			return usageError("list takes no arguments")
		}
		return list(stdout)
	case "run":
		return runCmd(rest, stdout, stderr)
	case "replay":
		return replayCmd(rest, stdout, stderr)
	case childCommand:
		return child(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError("unknown command %q", cmd)
	}
}
