package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/gocspviz/gocspviz/tracer"
)

// maxFetched bounds what replay downloads from a URL. The download is held
// in memory whole before it is read, so that a server that never stops
// sending cannot exhaust memory.
const maxFetched = 1 << 30

// fetchSlack is how long fetching a URL may take, by default, beyond the
// seconds the URL asks the server to trace for.
const fetchSlack = 30 * time.Second

// loaded is a trace read for replay, and what is known about where it came
// from.
type loaded struct {
	tl      *tracer.Timeline
	name    string // the file's path, "standard input", or the URL
	title   string // a short name for the UI's title
	version string // the trace format, "go 1.26", or "" when unknown

	// broken is the damage found in the trace when only the part before
	// it is replayed; nil for a whole trace.
	broken *tracer.BrokenError
}

// loadOptions say how to load a trace.
type loadOptions struct {
	partial bool          // replay what precedes the damage in a broken trace
	timeout time.Duration // for a URL; 0 for the default

	// ctx, if not nil, ends the reading early when cancelled; progress,
	// if not nil, is told the bytes read and the size, and sofar, if not
	// nil, is handed the timeline read so far now and then (see
	// tracer.ReadWith).
	ctx      context.Context
	progress func(read, total int64)
	sofar    func(*tracer.Timeline)

	// fetched, if not nil, is the content of a URL already downloaded.
	fetched []byte
}

// ctxReader fails its reads once its context, if not nil, is cancelled,
// which ends a tracer.Read under way.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx != nil && c.ctx.Err() != nil {
		return 0, c.ctx.Err()
	}
	return c.r.Read(p)
}

// sized is a trace of known size that tracer.Read may read at offsets,
// and so in parts: a file or a download, never read from before. Its
// reads fail once its context is cancelled, as a ctxReader's.
type sized struct {
	ctxReader
	ra   io.ReaderAt
	size int64
}

func (s sized) ReadAt(p []byte, off int64) (int, error) {
	if s.ctx != nil && s.ctx.Err() != nil {
		return 0, s.ctx.Err()
	}
	return s.ra.ReadAt(p, off)
}

// Size returns the trace's size.
func (s sized) Size() int64 { return s.size }

// loadTrace reads the trace that src names: a file, "-" for standard
// input, or an http or https URL of a trace endpoint. A URL is downloaded
// whole first, with its progress shown on stderr when stderr is a
// terminal. Errors start with src, or name it.
func loadTrace(src string, o loadOptions, stderr io.Writer) (*loaded, error) {
	var r io.Reader
	size := int64(-1) // for the progress, when known
	l := &loaded{name: src, title: filepath.Base(src)}
	switch {
	case src == "-":
		r, l.name, l.title = os.Stdin, "standard input", "standard input"
	case isURL(src):
		data := o.fetched
		if data == nil {
			var err error
			if data, err = fetch(src, o.timeout, terminalOrNil(stderr)); err != nil {
				return nil, err
			}
		}
		r, l.title, size = bytes.NewReader(data), src, int64(len(data))
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err == nil && fi.IsDir() {
			return nil, fmt.Errorf("%s is a directory, not a trace", src)
		}
		if err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
		r = f
	}

	// The header's version is for the summary; Read checks it again. A
	// file or a download is handed to Read as it is, which can then read
	// it in parts at once (see tracer.ReadOptions.Parts).
	if ra, ok := r.(io.ReaderAt); ok && size >= 0 {
		var header [16]byte
		n, _ := ra.ReadAt(header[:], 0)
		l.version, _ = tracer.HeaderVersion(header[:n])
		r = sized{ctxReader{o.ctx, r}, ra, size}
	} else {
		br := bufio.NewReaderSize(ctxReader{o.ctx, r}, 64<<10)
		if header, _ := br.Peek(16); len(header) > 0 {
			l.version, _ = tracer.HeaderVersion(header)
		}
		r = br
	}
	// Of a trace of known size, the collector is paced by it (see
	// tracer.PaceGC); a GOGC the user set has the last word.
	if size > 0 && os.Getenv("GOGC") == "" {
		tracer.PaceGC(size)
	}
	var progress func(read, total int64)
	if o.progress != nil {
		progress = func(read, _ int64) { o.progress(read, size) }
	}
	tl, err := tracer.ReadWith(r, tracer.ReadOptions{Progress: progress, Partial: o.sofar})
	var be *tracer.BrokenError
	switch {
	case err == nil:
		l.tl = tl
	case errors.As(err, &be) && be.Partial != nil && o.partial:
		l.tl, l.broken = be.Partial, be
	case errors.As(err, &be) && be.Partial != nil:
		return nil, fmt.Errorf("%s: %w; --partial replays the %d events before it", l.name, err, be.Events)
	default:
		return nil, fmt.Errorf("%s: %w", l.name, err)
	}
	return l, nil
}

// isURL reports whether a trace's name is an http or https URL.
func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// terminalOrNil returns w if it is a terminal, to show progress on, or
// nil.
func terminalOrNil(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return w
	}
	return nil
}

// fetch downloads the trace at rawURL, giving up after timeout, or when
// timeout is 0 after the seconds the URL's "seconds" parameter asks the
// server to trace for (as /debug/pprof/trace does) plus fetchSlack. If
// progress is not nil, a line on it says how much has arrived, and is
// cleared when fetch returns.
func fetch(rawURL string, timeout time.Duration, progress io.Writer) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	seconds, _ := strconv.Atoi(u.Query().Get("seconds"))
	if timeout == 0 {
		timeout = time.Duration(max(seconds, 1))*time.Second + fetchSlack
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}

	var got atomic.Int64 // bytes of the body so far
	if progress != nil {
		stop := showProgress(progress, rawURL, seconds, &got)
		defer stop()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s: no answer after %s; -timeout sets how long to wait", rawURL, timeout)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if err := checkResponse(resp); err != nil {
		return nil, fmt.Errorf("%s: %w", rawURL, err)
	}

	body := &countingBody{r: io.LimitReader(resp.Body, maxFetched+1), n: &got}
	data, err := io.ReadAll(body)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("%s: gave up after %s with %s received; -timeout sets how long to wait",
			rawURL, timeout, formatBytes(int64(len(data))))
	case err != nil:
		return nil, fmt.Errorf("%s: after %s: %w", rawURL, formatBytes(int64(len(data))), err)
	case len(data) > maxFetched:
		return nil, fmt.Errorf("%s: more than %s; save the trace to a file to replay it",
			rawURL, formatBytes(maxFetched))
	}
	return data, nil
}

// checkResponse returns an error for a response that cannot be a trace: a
// status other than 200, with the first line of the server's message, or
// a web page.
func checkResponse(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		line, _, _ := strings.Cut(strings.TrimSpace(string(msg)), "\n")
		if line == "" || strings.HasPrefix(line, "<") {
			return fmt.Errorf("the server answered %s", resp.Status)
		}
		return fmt.Errorf("the server answered %s: %s", resp.Status, strings.TrimSpace(line))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/html" {
		return errors.New("the server sent a web page, not a trace; " +
			"the trace endpoint of net/http/pprof is /debug/pprof/trace?seconds=N")
	}
	return nil
}

// countingBody counts the bytes read through it into n.
type countingBody struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// progressEvery is how often the download's progress line is redrawn.
const progressEvery = 200 * time.Millisecond

// showProgress redraws a line on w that says how much of the download has
// arrived, until the function it returns is called; that function clears
// the line and returns once the goroutine drawing it has stopped.
func showProgress(w io.Writer, rawURL string, seconds int, got *atomic.Int64) (stop func()) {
	start := time.Now()
	done := make(chan struct{}) // closed to stop the drawing
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\x1b[K")
				return
			case <-tick.C:
				fmt.Fprint(w, "\r\x1b[K"+progressLine(rawURL, got.Load(), time.Since(start), seconds))
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// progressLine says how a download is going: "gocspviz: fetching URL:
// 1.2 MB in 3s of 5". seconds is what the URL asks the server to trace
// for, or 0.
func progressLine(rawURL string, got int64, elapsed time.Duration, seconds int) string {
	s := int(elapsed / time.Second)
	line := fmt.Sprintf("gocspviz: fetching %s: %s in %ds", rawURL, formatBytes(got), s)
	if seconds > 0 {
		line += " of " + strconv.Itoa(seconds)
	}
	return line
}

// formatBytes renders a size as "512 B", "3.4 kB", "1.2 MB" or "1.0 GB".
func formatBytes(n int64) string {
	switch {
	case n < 1e3:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1e6:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 1, 64) + " kB"
	case n < 1e9:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + " GB"
}
