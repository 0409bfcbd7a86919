package tracer_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	xtrace "golang.org/x/exp/trace"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestBatchBounds reads traces of every format through the reader that
// tracer gives x/exp/trace, and checks that x/exp/trace reads the same
// events from it as from the trace itself, and that a copy of a batch as
// x/exp/trace makes it, in a buffer grown to the batch's size, stays in
// that buffer instead of one twice its size.
func TestBatchBounds(t *testing.T) {
	var pipeline bytes.Buffer
	if err := recordPipelineTo(&pipeline, "-n", "3000"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.trace"))
	if len(files) < 6 {
		t.Fatalf("testdata holds %d traces, want the formats' and the recorded ones", len(files))
	}
	// x/exp/trace's NewReader reads through bufio.NewReader(r), which is
	// r itself for a bufio.Reader as big as its default: the one whose
	// reads batchBounds tells from a copy's.
	if br := tracer.ReaderFor(bytes.NewReader(pipeline.Bytes())); bufio.NewReader(br) != br {
		t.Fatal("bufio.NewReader wraps the reader for x/exp/trace in one of its own")
	}
	traces := map[string][]byte{"pipeline -n 3000": pipeline.Bytes()}
	for _, f := range files {
		traces[filepath.Base(f)] = readTestdata(t, filepath.Base(f))
	}
	for name, data := range traces {
		t.Run(name, func(t *testing.T) {
			evs, want := events(t, tracer.ReaderFor(bytes.NewReader(data))), events(t, bytes.NewReader(data))
			if !slices.Equal(evs, want) {
				t.Fatalf("read through ReaderFor: %d events, not the %d of the trace, or not the same", len(evs), len(want))
			}
			if v, _ := tracer.HeaderVersion(data); v < "go 1.22" {
				return // no batches
			}
			got, caps := copyBatches(t, data)
			batches := splitBatches(t, data)
			if len(got) != len(batches) {
				t.Fatalf("copied %d batches, want %d", len(got), len(batches))
			}
			var size, held, long int
			for i := range got {
				if !bytes.Equal(got[i], batches[i]) {
					t.Fatalf("batch %d of %d: not the trace's", i, len(batches))
				}
				size, held = size+len(got[i]), held+caps[i]
				if len(got[i]) > 4096 {
					long++
					if caps[i] >= 2*len(got[i]) {
						t.Errorf("batch %d, of %d bytes, is held in %d", i, len(got[i]), caps[i])
					}
				}
			}
			if long == 0 && name == "pipeline -n 3000" {
				t.Errorf("no batch longer than 4096 bytes: the test shows nothing")
			}
			t.Logf("%d batches, %d of them long, of %d bytes, held in %d", len(got), long, size, held)
		})
	}
}

// events returns the events x/exp/trace reads from r, as text.
func events(t *testing.T, r io.Reader) []string {
	t.Helper()
	xr, err := xtrace.NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		ev, err := xr.ReadEvent()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(out), err)
		}
		out = append(out, ev.String())
	}
}

// copyBatches copies the batches of a trace as x/exp/trace does, through
// tracer.ReaderFor, and returns their data and the capacity of the
// buffers that hold it.
func copyBatches(t *testing.T, data []byte) (batches [][]byte, caps []int) {
	t.Helper()
	br := tracer.ReaderFor(bytes.NewReader(data))
	if _, err := br.Discard(16); err != nil {
		t.Fatal(err)
	}
	for {
		kind, err := br.ReadByte()
		if err == io.EOF {
			return batches, caps
		}
		size, err := batchHeader(kind, br)
		if err != nil {
			t.Fatalf("after %d batches: %v", len(batches), err)
		}
		var buf bytes.Buffer
		buf.Grow(int(size))
		if n, err := io.CopyN(&buf, br, int64(size)); n != int64(size) || err != nil {
			t.Fatalf("copied %d bytes of a batch of %d: %v", n, size, err)
		}
		batches, caps = append(batches, buf.Bytes()), append(caps, cap(buf.Bytes()))
	}
}

// splitBatches returns the data of the batches of a trace.
func splitBatches(t *testing.T, data []byte) [][]byte {
	t.Helper()
	r := bytes.NewReader(data[16:])
	var batches [][]byte
	for {
		kind, err := r.ReadByte()
		if err == io.EOF {
			return batches
		}
		size, err := batchHeader(kind, r)
		if err != nil {
			t.Fatalf("after %d batches: %v", len(batches), err)
		}
		at := len(data) - r.Len()
		batches = append(batches, data[at:at+int(size)])
		r.Seek(int64(size), io.SeekCurrent)
	}
}

// batchHeader reads the rest of the header of a batch of the given kind,
// and returns the size of its data.
func batchHeader(kind byte, r io.ByteReader) (size uint64, err error) {
	switch kind {
	case 52: // the end of a generation
		return 0, nil
	case 49: // an experimental batch
		if _, err := r.ReadByte(); err != nil {
			return 0, err
		}
	}
	for range 4 { // the generation, the thread, the time, the size
		if size, err = binary.ReadUvarint(r); err != nil {
			return 0, err
		}
	}
	return size, nil
}

// TestBatchBoundsStream reads a trace from a stream that stops after the
// byte that ends a generation, as a live one may for a while, and checks
// that all the events of that generation are read before the stream goes
// on: the reader waits for no byte that the trace reader does not.
func TestBatchBoundsStream(t *testing.T) {
	data := readTestdata(t, "tracegen-gens-go1.26.trace")
	first := -1 // where the first generation's end is behind
	for at := 16; at < len(data); {
		kind := data[at]
		if kind == 52 {
			first = at + 1
			break
		}
		r := bytes.NewReader(data[at+1:])
		size, err := batchHeader(kind, r)
		if err != nil {
			t.Fatal(err)
		}
		at = len(data) - r.Len() + int(size)
	}
	if first < 0 || first == len(data) {
		t.Fatalf("no generation ends before the trace does")
	}
	// The events of the first generation, without the sync event that
	// the reader makes of the end of the input: on the stream, the next
	// generation's first event comes in its place.
	want := events(t, bytes.NewReader(data[:first]))
	if !strings.Contains(want[len(want)-1], " Sync ") {
		t.Fatalf("the last event of a generation read alone is %s, not the trace's end", want[len(want)-1])
	}
	want = want[:len(want)-1]

	pr, pw := io.Pipe()
	got := make(chan string)
	done := make(chan error, 1)
	stop := make(chan struct{})
	defer func() {
		close(stop) // for a test that failed: the goroutines end
		pr.Close()
	}()
	go func() {
		defer close(got)
		xr, err := xtrace.NewReader(tracer.ReaderFor(pr))
		for err == nil {
			var ev xtrace.Event
			if ev, err = xr.ReadEvent(); err == nil {
				select {
				case got <- ev.String():
				case <-stop:
					return
				}
			}
		}
		done <- err
	}()
	go pw.Write(data[:first])
	for i := range want {
		select {
		case ev := <-got:
			if ev != want[i] {
				t.Fatalf("event %d: got %s, want %s", i, ev, want[i])
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("read %d events of the first generation's %d, then waited for more of the stream", i, len(want))
		}
	}
	go func() {
		pw.Write(data[first:])
		pw.Close()
	}()
	n := len(want)
	for range got {
		n++
	}
	if err := <-done; err != io.EOF {
		t.Fatalf("after %d events: %v", n, err)
	}
	if all := events(t, bytes.NewReader(data)); n != len(all) {
		t.Errorf("read %d events from the stream, want %d", n, len(all))
	}
}
