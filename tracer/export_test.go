package tracer

import (
	"bytes"
	"io"
)

// ReadEveryBatch reads r as ReadWith does, handing fn the timeline read so
// far after every batch of decoded events instead of now and then.
func ReadEveryBatch(r io.Reader, fn func(*Timeline)) (*Timeline, error) {
	return read(r, 1, nil, newPartials(fn, 0, 0))
}

// ReadSplit reads data in as many parts as it has generations but the
// first, with a builder for each, stitched as Read stitches the parts of a
// big trace.
func ReadSplit(data []byte) (*Timeline, int, error) {
	r := bytes.NewReader(data)
	gens := generations(r, r.Size())
	parts := []part{{warm: 0}}
	for j := 2; j < len(gens); j++ {
		parts[len(parts)-1].to = gens[j]
		parts = append(parts, part{warm: gens[j-1]})
	}
	parts[len(parts)-1].to = r.Size()
	if len(parts) < 2 {
		tl, err := readWhole(r, nil, nil)
		return tl, 1, err
	}
	tl, err := readSplit(r, r.Size(), parts, nil, nil)
	if err == errOverlap {
		tl, err = readWhole(io.NewSectionReader(r, 0, r.Size()), nil, nil)
	}
	return tl, len(parts), err
}

// ReaderFor is readerFor: the reader that x/exp/trace reads r through.
var ReaderFor = readerFor
