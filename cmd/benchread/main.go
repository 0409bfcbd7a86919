// Command benchread measures how fast gocspviz loads big traces, against a
// bare x/exp/trace read loop over the same files, and how much memory each
// needs. It makes the traces itself: the pipeline scenario at several sizes
// (to show how load time grows with the number of events) and traces of
// `go test -trace` of a standard-library package (net/http by default:
// its tests run long enough to make a trace of many generations, and of
// tens of thousands of goroutines), its tests run once and 6 times over,
// and the tests of package time once: a trace of another shape, of few
// goroutines and millions of waits on timers and tickers, the densest
// there is of what the timeline keeps.
//
// "load" is tracer.Read as gocspviz calls it on this machine (with the
// collector paced by tracer.PaceGC, as gocspviz runs it), and "load/M events"
// its time for each million events, the same for every size if the load
// grows linearly; "in 2 parts" forces the reading of a trace in two parts
// at once (see tracer's parts.go), which Read does by itself on four
// cores or more. The "UI" columns replay the trace as gocspviz replay
// does, in a 200x60 terminal: the time until the first picture
// of a timeline (the part read so far), the time until the whole trace is
// shown, and the peak memory of it all, while the UI holds the whole
// timeline (with the collector paced the same way). A last line gives the
// peaks of loading and replaying pipeline -n 10, a trace of a few
// kilobytes: the part of every peak that is the program's own.
//
//	go run ./cmd/benchread                  # make the traces, measure, print the table
//	go run ./cmd/benchread -dir /tmp/traces # keep the traces between runs
//
// Each measurement runs in a child process of its own, so that its peak
// memory (the child's maximum resident set size) is its own. Each is made
// -runs times (3 by default), and the table gives the medians: on a shared
// machine one run's time or peak can be off by a fifth.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	xtrace "golang.org/x/exp/trace"

	"github.com/gocspviz/gocspviz/tracer"
)

func main() {
	if len(os.Args) == 3 && slices.Contains(ways, os.Args[1]) {
		measure := measureRead
		if os.Args[1] == "-ui" {
			measure = func(w io.Writer, _, path string) error { return measureUI(w, path) }
		}
		if err := measure(os.Stdout, os.Args[1], os.Args[2]); err != nil {
			fmt.Fprintf(os.Stderr, "benchread: %v\n", err)
			os.Exit(1)
		}
		return
	}
	dir := flag.String("dir", "", "where to make and keep the traces (default: a temporary directory)")
	sizes := flag.String("sizes", "100000,200000,400000", "pipeline -n values, comma separated")
	std := flag.String("std", "net/http", "standard-library package to trace with go test -trace; empty for none")
	counts := flag.String("counts", "1,6", "go test -count values for the package's traces, comma separated")
	also := flag.String("also", "time", "more standard-library packages to trace once each, comma separated")
	runs := flag.Int("runs", 3, "measure each trace this many times, and print the medians")
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "benchread: -runs must be at least 1")
		os.Exit(2)
	}
	if err := run(*dir, *sizes, *std, *counts, *also, *runs); err != nil {
		fmt.Fprintf(os.Stderr, "benchread: %v\n", err)
		os.Exit(1)
	}
}

// ways are the ways of reading a trace that a child process measures:
// the bare way, gocspviz's load, the load in two parts, and the replay.
var ways = []string{"-bare", "-load", "-parts", "-ui"}

// measureRead reads one trace in this process, the bare way or
// gocspviz's, and prints to w the time it took and the events it saw.
func measureRead(w io.Writer, how, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	events := 0
	if how == "-bare" {
		r, err := xtrace.NewReader(f)
		if err != nil {
			return err
		}
		for {
			_, err := r.ReadEvent()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			events++
		}
	} else {
		// As gocspviz reads it on this machine, or in two parts.
		if err := paceGC(f); err != nil {
			return err
		}
		var o tracer.ReadOptions
		if how == "-parts" {
			o.Parts = 2
		}
		tl, err := tracer.ReadWith(f, o)
		if err != nil {
			return err
		}
		events = tl.Events
	}
	fmt.Fprintln(w, time.Since(start).Nanoseconds(), events)
	return nil
}

// paceGC paces the collector for reading the trace f as gocspviz does
// (see tracer.PaceGC).
func paceGC(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	tracer.PaceGC(fi.Size())
	return nil
}

// result is one measurement of one trace.
type result struct {
	elapsed time.Duration
	events  int
	first   time.Duration // the replay's first picture of a timeline
	maxRSS  int64         // bytes
}

func run(dir, sizes, std, counts, also string, runs int) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "benchread-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	traces, err := makeTraces(dir, sizes, std, counts, also)
	if err != nil {
		return err
	}
	tiny, err := recordPipeline(filepath.Join(dir, "gocspviz"), dir, "10")
	if err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "trace\tsize\tevents\tbare read\tload\tload/M events\tload/bare\t"+
		"in 2 parts\tbare peak\tload peak/size\tUI first\tUI whole\tUI peak/size\t")
	for _, path := range traces {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		// The ways in turn, runs times, so that a noisy moment of a
		// shared machine falls on one run of each, not all of one.
		all := make([][]result, len(ways))
		for range runs {
			for i, how := range ways {
				r, err := child(self, how, path)
				if err != nil {
					return err
				}
				all[i] = append(all[i], r)
			}
		}
		bare, load, parts, replay := median(all[0]), median(all[1]), median(all[2]), median(all[3])
		if load.events != parts.events || load.events != replay.events {
			return fmt.Errorf("%s: %d events as loaded, %d read in two parts, %d replayed",
				path, load.events, parts.events, replay.events)
		}
		size := float64(fi.Size())
		ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
		perM := time.Duration(float64(load.elapsed) / float64(load.events) * 1e6)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%.2f\t%s\t%s\t%.1fx\t%s\t%s\t%.1fx\t\n",
			filepath.Base(path), mb(fi.Size()), bare.events, ms(bare.elapsed), ms(load.elapsed), ms(perM),
			float64(load.elapsed)/float64(bare.elapsed), ms(parts.elapsed), mb(bare.maxRSS),
			float64(load.maxRSS)/size, ms(replay.first), ms(replay.elapsed), float64(replay.maxRSS)/size)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	load, replay, err := fixedCost(self, tiny, runs)
	if err != nil {
		return err
	}
	fmt.Printf("\nof every peak, the program's own: %s for the load and %s for the replay "+
		"(of pipeline -n 10, a trace of a few kilobytes)\n", mb(load.maxRSS), mb(replay.maxRSS))
	return nil
}

// median returns the median times and the median peak of the results.
func median(rs []result) result {
	m := rs[0]
	ts := make([]time.Duration, len(rs))
	fs := make([]time.Duration, len(rs))
	ps := make([]int64, len(rs))
	for i, r := range rs {
		ts[i], fs[i], ps[i] = r.elapsed, r.first, r.maxRSS
	}
	slices.Sort(ts)
	slices.Sort(fs)
	slices.Sort(ps)
	m.elapsed, m.first, m.maxRSS = ts[len(ts)/2], fs[len(fs)/2], ps[len(ps)/2]
	return m
}

// makeTraces makes the traces that are not in dir yet and returns their
// paths.
func makeTraces(dir, sizes, std, counts, also string) ([]string, error) {
	bin := filepath.Join(dir, "gocspviz")
	if err := goCmd("build", "-o", bin, "./cmd/gocspviz"); err != nil {
		return nil, err
	}
	var paths []string
	for _, n := range strings.Split(sizes, ",") {
		if _, err := strconv.Atoi(n); err != nil {
			return nil, fmt.Errorf("-sizes: %q is not a number", n)
		}
		path, err := recordPipeline(bin, dir, n)
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	type test struct{ pkg, count string }
	var tests []test
	if std != "" {
		for _, n := range strings.Split(counts, ",") {
			if _, err := strconv.Atoi(n); err != nil {
				return nil, fmt.Errorf("-counts: %q is not a number", n)
			}
			tests = append(tests, test{std, n})
		}
	}
	if also != "" {
		for _, pkg := range strings.Split(also, ",") {
			tests = append(tests, test{pkg, "1"})
		}
	}
	for _, t := range tests {
		// The tests run n times over make a trace n times as big, of as
		// many goroutines again each time.
		name := strings.ReplaceAll(t.pkg, "/", "_") + "-test.trace"
		if t.count != "1" {
			name = strings.ReplaceAll(t.pkg, "/", "_") + "-test-x" + t.count + ".trace"
		}
		path := filepath.Join(dir, name)
		if !exists(path) {
			fmt.Fprintf(os.Stderr, "making %s\n", path)
			if err := goCmd("test", "-count="+t.count, "-run", ".", "-trace", path, t.pkg); err != nil {
				return nil, fmt.Errorf("go test -trace %s: %w", t.pkg, err)
			}
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// recordPipeline records pipeline -n n in dir with gocspviz bin, unless it
// is there already, and returns the trace's path.
func recordPipeline(bin, dir, n string) (string, error) {
	path := filepath.Join(dir, "pipeline-"+n+".trace")
	if exists(path) {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "making %s\n", path)
	cmd := exec.Command(bin, "run", "-timeout", "10m", "-o", path, "--json", "pipeline", "-n", n)
	cmd.Stderr = os.Stderr // its JSON on standard output is not wanted
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("record pipeline -n %s: %w", n, err)
	}
	return path, nil
}

// fixedCost measures the peaks of loading and replaying the trace of a few
// kilobytes at path, runs times each: what every peak holds whatever the
// trace, the program and the replay's screens.
func fixedCost(self, path string, runs int) (load, replay result, err error) {
	var loads, replays []result
	for range runs {
		l, err := child(self, "-load", path)
		if err != nil {
			return load, replay, err
		}
		r, err := child(self, "-ui", path)
		if err != nil {
			return load, replay, err
		}
		loads, replays = append(loads, l), append(replays, r)
	}
	return median(loads), median(replays), nil
}

// child measures a trace in a child process.
func child(self, how, path string) (result, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(self, how, path)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%s %s: %v: %s", how, path, err, strings.TrimSpace(errOut.String()))
	}
	var r result
	var ns, first int64
	fields := []any{&ns, &r.events}
	if how == "-ui" {
		fields = append(fields, &first)
	}
	if _, err := fmt.Sscan(out.String(), fields...); err != nil {
		return result{}, fmt.Errorf("%s %s: unexpected output %q", how, path, out.String())
	}
	r.elapsed, r.first = time.Duration(ns), time.Duration(first)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return r, nil
}

func goCmd(args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
		}
		return err
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
