package tracer

import (
	"errors"
	"io"
)

// Read reads a Go execution trace into a Timeline.
func Read(r io.Reader, progress func(read, total int64)) (*Timeline, error) {
	return nil, errors.New("tracer: not yet")
}
