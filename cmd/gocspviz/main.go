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

// errUsage is wrapped by errors that call for the usage and exit code 2.
var errUsage = errors.New("usage")

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(tracer.GCPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run carries out one command line and returns the process's exit code.
func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.Is(err, errUsage):
		if msg := err.Error(); msg != errUsage.Error() {
			fmt.Fprintf(stderr, "gocspviz: %s\n\n", unwrapUsage(err))
		}
		fmt.Fprint(stderr, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "gocspviz: %v\n", err)
		return 1
	}
}

// usageError returns an error that prints msg and the usage, and exits 2.
func usageError(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// unwrapUsage returns the message of a usage error without its prefix.
func unwrapUsage(err error) string {
	msg := err.Error()
	prefix := errUsage.Error() + ": "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("no command")
	}
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
