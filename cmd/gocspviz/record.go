package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gocspviz/gocspviz/scenarios"
	"github.com/gocspviz/gocspviz/tracer/probe"
)

// childCommand is the hidden command with which gocspviz runs a scenario
// in a child process of its own.
const childCommand = "__record"

// Exit codes of the child, besides 0 and 1.
const (
	exitExpired = 3 // the scenario was still running at the deadline
)

// killGrace is how long the parent waits past the deadline before it
// kills a child that did not stop by itself.
const killGrace = 5 * time.Second

// record runs the scenario in a child process under the tracer and leaves
// its trace in path. The trace is written to a temporary file in path's
// directory and renamed when complete, so that path never holds half a
// trace. A scenario still running at the deadline is stopped and its trace
// kept; a scenario that fails is reported with the end of what it printed
// to stderr.
func record(path, name string, args []string, timeout time.Duration, stderr io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // a no-op once renamed

	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	cargs := append([]string{childCommand, "-o", tmp.Name(), "-timeout", timeout.String(), name}, args...)
	cmd := exec.Command(exe, cargs...)
	var errOut tail
	cmd.Stdout = io.Discard // what the program prints is not part of the picture
	cmd.Stderr = &errOut

	// Ctrl-C stops the recording early rather than gocspviz: the child
	// gets it too, stops its scenario and keeps the trace.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("record: start %s: %w", name, err)
	}
	kill := time.AfterFunc(timeout+probe.Grace+killGrace, func() { cmd.Process.Kill() })
	err = cmd.Wait()
	kill.Stop()

	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() == exitExpired:
		fmt.Fprintf(stderr, "gocspviz: %s was still running after %s; replaying what was recorded until then\n",
			name, timeout)
	case errors.As(err, &exit) && !exit.Exited():
		return fmt.Errorf("%s did not stop and was killed; no trace kept", name)
	default:
		return fmt.Errorf("%s failed: %s", name, errOut.lastLine(err.Error()))
	}
	// CreateTemp made the file private; a kept trace is an ordinary file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// child is the child process's side: run the scenario under the tracer,
// writing the trace to the file the parent named.
func child(args []string, _, stderr io.Writer) error {
	fs := newFlagSet(childCommand)
	out := fs.String("o", "", "")
	timeout := fs.Duration("timeout", 5*time.Second, "")
	if err := parseFlags(fs, args); err != nil || fs.NArg() == 0 {
		return usageError("%s is for gocspviz's own use", childCommand)
	}
	sc, ok := scenarios.Lookup(fs.Arg(0))
	if !ok {
		return fmt.Errorf("no scenario %q", fs.Arg(0))
	}
	sfs := flag.NewFlagSet(sc.Name, flag.ContinueOnError)
	sfs.SetOutput(stderr)
	main := sc.Setup(sfs)
	if err := sfs.Parse(fs.Args()[1:]); err != nil {
		return err
	}

	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	closeTrace := func() error {
		err := w.Flush()
		if serr := f.Sync(); err == nil {
			err = serr
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	// A scenario stuck past the deadline (a deadlock, say) cannot be
	// waited for: the probe stops the trace and we leave at once.
	expired := func() {
		if err := closeTrace(); err != nil {
			fmt.Fprintf(stderr, "write trace: %v\n", err)
			os.Exit(1)
		}
		os.Exit(exitExpired)
	}
	runErr := probe.Record(ctx, w, func(ctx context.Context) error { return main(ctx, io.Discard) }, expired)
	if err := closeTrace(); err != nil {
		return fmt.Errorf("write trace: %w", err)
	}
	if runErr != nil {
		return runErr
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		os.Exit(exitExpired)
	}
	return nil
}

// tail keeps the last few kilobytes written to it.
type tail struct{ buf bytes.Buffer }

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > 8<<10 {
		t.buf.Next(t.buf.Len() - 4<<10)
	}
	return len(p), nil
}

// lastLine returns the last non-empty line written, or def.
func (t *tail) lastLine(def string) string {
	lines := strings.Split(strings.TrimSpace(t.buf.String()), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return strings.TrimPrefix(l, "gocspviz: ")
	}
	return def
}
