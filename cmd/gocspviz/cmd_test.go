package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The traces the tests replay are those the tracer's tests keep, recorded
// by go test -update ./tracer.
var (
	pipelineTrace    = filepath.Join("..", "..", "tracer", "testdata", "pipeline.trace")
	generationsTrace = filepath.Join("..", "..", "tracer", "testdata", "generations.trace")
)

// command runs a command line in-process and returns its exit code,
// standard output and standard error.
func command(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// readFileOrFail returns the content of a file.
func readFileOrFail(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeTemp writes data to a file in a temporary directory and returns its
// path.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkOneLine checks that stderr is one line starting "gocspviz: " that
// holds want, and no stack trace.
func checkOneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "gocspviz: ") || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, want) {
		t.Errorf("got stderr %q, want one line starting gocspviz: with %q", stderr, want)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("stderr holds a panic: %s", stderr)
	}
}

// TestReplayBadInput replays files that are no trace, or broken ones:
// each gives exit 1 and one line that says what is wrong.
func TestReplayBadInput(t *testing.T) {
	good := readFileOrFail(t, pipelineTrace)
	gens := readFileOrFail(t, generationsTrace)
	corrupt := bytes.Clone(good)
	for i := len(corrupt) / 2; i < len(corrupt)/2+32; i++ {
		corrupt[i] ^= 0xff
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", filepath.Join(t.TempDir(), "nosuch.trace"), "nosuch.trace: no such file or directory"},
		{"directory", t.TempDir(), "is a directory, not a trace"},
		{"empty file", writeTemp(t, "empty.trace", nil), "empty.trace: tracer: broken trace: empty input"},
		{"not a trace", writeTemp(t, "notes.txt", []byte("hello\n")),
			"notes.txt: tracer: broken trace: not a Go execution trace"},
		{"unsupported version", writeTemp(t, "future.trace", append([]byte("go 1.99 trace\x00\x00\x00"), good[16:]...)),
			"unsupported trace format go 1.99"},
		{"truncated", writeTemp(t, "cut.trace", good[:len(good)/2]), "cut.trace: tracer: broken trace: cut short: "},
		{"corrupt in the middle", writeTemp(t, "corrupt.trace", corrupt),
			"corrupt.trace: tracer: broken trace: damaged: "},
		{"truncated after generations", writeTemp(t, "gens.trace", gens[:len(gens)-100]),
			"events before it"},
	}
	for _, tc := range tests {
		for _, mode := range []string{"--json", "--text", "--summary"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				code, stdout, stderr := command(t, "replay", mode, tc.path)
				if code != 1 || stdout != "" {
					t.Errorf("got exit %d and output %q, want exit 1 and none", code, stdout)
				}
				checkOneLine(t, stderr, tc.want)
			})
		}
	}
}

// TestReplayPartial replays a trace of three generations cut short in the
// last one: the error offers --partial, which replays the first two.
func TestReplayPartial(t *testing.T) {
	gens := readFileOrFail(t, generationsTrace)
	path := writeTemp(t, "gens.trace", gens[:len(gens)-100])
	code, _, stderr := command(t, "replay", "--json", path)
	if code != 1 || !strings.Contains(stderr, "cut short after ") ||
		!strings.Contains(stderr, "; --partial replays the ") {
		t.Fatalf("got exit %d and %q, want exit 1 and an offer of --partial", code, stderr)
	}

	code, stdout, stderr := command(t, "replay", "--partial", "--json", path)
	if code != 0 {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	checkOneLine(t, stderr, "events before it")
	var out struct {
		Trace      struct{ Events int }
		Goroutines []struct{ ID int }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if out.Trace.Events == 0 || len(out.Goroutines) == 0 {
		t.Errorf("got %d events and %d goroutines, want some of each", out.Trace.Events, len(out.Goroutines))
	}

	// The summary says the trace is partial.
	code, stdout, _ = command(t, "replay", "--partial", "--summary", path)
	if code != 0 || !strings.Contains(stdout, "the trace is cut short") {
		t.Errorf("got exit %d and summary %q, want 0 and a word that the trace is cut short", code, stdout)
	}
}

// TestReplayStdin replays a trace that comes through a pipe on standard
// input, and compares it with the same trace replayed from its file.
func TestReplayStdin(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		code int
		want string // in stdout when code is 0, else in stderr
	}{
		{"trace", readFileOrFail(t, pipelineTrace), 0, `"name": "naturals"`},
		{"not a trace", []byte("hello\n"), 1, "standard input: tracer: broken trace: not a Go execution trace"},
		{"nothing", nil, 1, "standard input: tracer: broken trace: empty input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			stdin := os.Stdin
			os.Stdin = r
			defer func() { os.Stdin = stdin; r.Close() }()
			go func() {
				w.Write(tc.data)
				w.Close()
			}()
			code, stdout, stderr := command(t, "replay", "--json", "-")
			if code != tc.code {
				t.Fatalf("got exit %d (%s), want %d", code, stderr, tc.code)
			}
			if code != 0 {
				checkOneLine(t, stderr, tc.want)
				return
			}
			if !strings.Contains(stdout, tc.want) {
				t.Errorf("got %q, want %q in it", stdout, tc.want)
			}
			_, fromFile, _ := command(t, "replay", "--json", pipelineTrace)
			if stdout != fromFile {
				t.Errorf("got JSON from standard input that differs from the file's")
			}
		})
	}
}

// traceServer serves the pipeline's trace on 127.0.0.1 at /debug/pprof/trace,
// as net/http/pprof does, and other answers at other paths.
func traceServer(t *testing.T) *httptest.Server {
	t.Helper()
	data := readFileOrFail(t, pipelineTrace)
	gens := readFileOrFail(t, generationsTrace)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/trace", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		// What net/http/pprof answers when a trace is already running.
		http.Error(w, "Could not enable tracing: tracing is already enabled", http.StatusInternalServerError)
	})
	mux.HandleFunc("/debug/pprof/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><body>profiles</body></html>"))
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		w.Write(gens[:len(gens)-100])
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestReplayURL replays traces fetched from a server, and URLs that give
// none.
func TestReplayURL(t *testing.T) {
	srv := traceServer(t)
	_, fromFile, _ := command(t, "replay", "--json", pipelineTrace)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr when code is not 0
	}{
		{"trace", []string{srv.URL + "/debug/pprof/trace?seconds=1"}, 0, ""},
		{"not found", []string{srv.URL + "/nosuch"}, 1, "the server answered 404 Not Found: 404 page not found"},
		{"busy", []string{srv.URL + "/busy"}, 1,
			"the server answered 500 Internal Server Error: Could not enable tracing: tracing is already enabled"},
		{"web page", []string{srv.URL + "/debug/pprof/"}, 1, "the server sent a web page, not a trace"},
		{"connection refused", []string{closed.URL + "/debug/pprof/trace"}, 1, "connection refused"},
		{"timeout", []string{"-timeout", "100ms", srv.URL + "/slow"}, 1,
			"no answer after 100ms; -timeout sets how long to wait"},
		{"cut short", []string{srv.URL + "/cut"}, 1, "--partial replays the "},
		{"cut short, partial", []string{"--partial", srv.URL + "/cut"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"replay", "--json"}, tc.args...)
			code, stdout, stderr := command(t, args...)
			if code != tc.code {
				t.Fatalf("got exit %d (%s), want %d", code, stderr, tc.code)
			}
			if code != 0 {
				checkOneLine(t, stderr, tc.want)
				return
			}
			if tc.name == "trace" && stdout != fromFile {
				t.Errorf("got JSON from the URL that differs from the file's")
			}
		})
	}
}

// TestFetchProgress fetches a trace that comes slowly, with a progress
// writer: lines say how much has arrived, and the last clears them.
func TestFetchProgress(t *testing.T) {
	data := readFileOrFail(t, pipelineTrace)
	var served atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(data[:100])
		w.(http.Flusher).Flush()
		time.Sleep(3 * progressEvery)
		w.Write(data[100:])
		served.Store(true)
	}))
	defer srv.Close()

	var progress bytes.Buffer
	got, err := fetch(srv.URL+"/debug/pprof/trace?seconds=1", 0, &progress)
	if err != nil || !bytes.Equal(got, data) || !served.Load() {
		t.Fatalf("got %d bytes and %v, want the %d of the trace", len(got), err, len(data))
	}
	p := progress.String()
	if !strings.Contains(p, "gocspviz: fetching "+srv.URL) || !strings.Contains(p, "100 B in 0s of 1") ||
		!strings.HasSuffix(p, "\r\x1b[K") {
		t.Errorf("got progress %q, want lines of bytes received that end cleared", p)
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		got     int64
		elapsed time.Duration
		seconds int
		want    string
	}{
		{0, 0, 0, "gocspviz: fetching U: 0 B in 0s"},
		{2500, 1500 * time.Millisecond, 5, "gocspviz: fetching U: 2.5 kB in 1s of 5"},
		{12_345_678, 7 * time.Second, 5, "gocspviz: fetching U: 12.3 MB in 7s of 5"},
		{3 << 30, time.Minute, 0, "gocspviz: fetching U: 3.2 GB in 60s"},
	}
	for _, tc := range tests {
		if got := progressLine("U", tc.got, tc.elapsed, tc.seconds); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestReplaySummary checks the lines of the summary of the pipeline.
func TestReplaySummary(t *testing.T) {
	code, stdout, stderr := command(t, "replay", "--summary", pipelineTrace)
	if code != 0 {
		t.Fatalf("got exit %d (%s), want 0", code, stderr)
	}
	for _, want := range []string{
		"format              go 1.26, written by Go 1.26\n",
		"goroutines          3 of the program, ",
		"channels            2 annotated, with ",
		"chan receive\n",
		"most-blocked sites  ",
		"chan send at pipeline.go:",
		"findings            0\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got summary\n%s\nwant a line with %q", stdout, want)
		}
	}
}

// TestReplayUsage checks replay's usage errors.
func TestReplayUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no trace", []string{"replay", "--json"}, "replay needs one trace"},
		{"two traces", []string{"replay", "--json", "a", "b"}, "replay needs one trace"},
		{"negative timeout", []string{"replay", "--json", "-timeout", "-1s", "a"}, "-timeout must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := command(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("got exit %d and %q, want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestLoadCancelled loads a file and a download with a context cancelled
// already, as the UI's loader is when the user quits: the reading stops
// with the context's error.
func TestLoadCancelled(t *testing.T) {
	data := readFileOrFail(t, pipelineTrace)
	path := writeTemp(t, "p.trace", data)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, o := range []loadOptions{{ctx: ctx}, {ctx: ctx, fetched: data}} {
		src := path
		if o.fetched != nil {
			src = "http://127.0.0.1:1/trace"
		}
		if _, err := loadTrace(src, o, io.Discard); !errors.Is(err, context.Canceled) {
			t.Errorf("loading %s with a cancelled context: got %v, want context.Canceled", src, err)
		}
	}
}
