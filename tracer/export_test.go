package tracer

import "io"

// ReadEveryBatch reads r as ReadWith does, handing fn the timeline read so
// far after every batch of decoded events instead of now and then.
func ReadEveryBatch(r io.Reader, fn func(*Timeline)) (*Timeline, error) {
	return read(r, nil, newPartials(fn, 0, 0))
}
