package tracer

import xtrace "golang.org/x/exp/trace"

// Decoding an event costs about as much as folding it into the timeline,
// so the two run on two goroutines: a decoder reads events ahead in
// batches while the builder folds the previous ones. The batches are
// recycled, and at most decodeAhead of them are in flight, which bounds
// the memory this costs to a few thousand events.
const (
	batchLen    = 4096
	decodeAhead = 4
)

// decoder reads a trace's events on a goroutine of its own.
type decoder struct {
	batches chan []xtrace.Event // full batches, in order; closed at the end
	free    chan []xtrace.Event // emptied batches, for reuse
	stop    chan struct{}       // closed by the consumer to stop the decoder
	err     error               // why it ended (io.EOF at the end); read after batches is closed
}

// decode starts reading xr. The caller must call close when it no longer
// wants events, whether or not it read them all.
func decode(xr *xtrace.Reader) *decoder {
	d := &decoder{
		batches: make(chan []xtrace.Event, decodeAhead),
		free:    make(chan []xtrace.Event, decodeAhead+1),
		stop:    make(chan struct{}),
	}
	go d.run(xr)
	return d
}

// run is the decoder's goroutine: it ends at the end of the trace, at its
// first error, or when stop is closed.
func (d *decoder) run(xr *xtrace.Reader) {
	defer close(d.batches)
	for {
		var batch []xtrace.Event
		select {
		case batch = <-d.free:
		default:
			batch = make([]xtrace.Event, 0, batchLen)
		}
		batch, d.err = readEvents(xr, batch)
		if len(batch) > 0 {
			select {
			case d.batches <- batch:
			case <-d.stop:
				return
			}
		}
		if d.err != nil {
			return
		}
	}
}

// next returns the next batch of events, or nil and the reason the
// decoder stopped (io.EOF at the end of the trace).
func (d *decoder) next() ([]xtrace.Event, error) {
	batch, ok := <-d.batches
	if !ok {
		return nil, d.err
	}
	return batch, nil
}

// recycle hands an emptied batch back to the decoder.
func (d *decoder) recycle(batch []xtrace.Event) {
	clear(batch) // drop the events' references to their generation's tables
	select {
	case d.free <- batch[:0]:
	default:
	}
}

// close stops the decoder and waits for it to end.
func (d *decoder) close() {
	close(d.stop)
	for range d.batches {
	}
}
