package tracer

import "iter"

// chunkLen is how many values a chunk of a chunked slice holds.
const chunkLen = 1 << 14

// chunked is a slice built by appending, kept in chunks of chunkLen
// values while it grows, so that growing it never copies what it holds:
// a timeline has millions of steps, and a slice grown by append copied
// them several times over and cleared as much again (a sixth of the
// reading's CPU in profiles).
type chunked[T any] struct {
	chunks [][]T
	n      int
}

// add appends v.
func (c *chunked[T]) add(v T) {
	if k := len(c.chunks); k == 0 || len(c.chunks[k-1]) == chunkLen {
		c.chunks = append(c.chunks, make([]T, 0, chunkLen))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
}

// at returns the value at index i.
func (c *chunked[T]) at(i int) *T {
	return &c.chunks[i/chunkLen][i%chunkLen]
}

// all yields the values in order, with their indexes.
func (c *chunked[T]) all() iter.Seq2[int, *T] {
	return func(yield func(int, *T) bool) {
		for k, chunk := range c.chunks {
			for i := range chunk {
				if !yield(k*chunkLen+i, &chunk[i]) {
					return
				}
			}
		}
	}
}

// appendTo returns dst with the values after it, grown once.
func (c *chunked[T]) appendTo(dst []T) []T {
	out := make([]T, len(dst), len(dst)+c.n)
	copy(out, dst)
	for _, chunk := range c.chunks {
		out = append(out, chunk...)
	}
	return out
}
