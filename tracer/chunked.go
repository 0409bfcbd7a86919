package tracer

import (
	"iter"
	"slices"
)

// chunkCap is how many values a chunk of a chunked list holds, but the
// first, which grows to that: most lists are short.
const chunkCap = 1 << 10

// chunked is a list that a reader appends to, kept in chunks that growing
// never copies (a slice grown by doubling held up to twice what it
// needed, and copied it all at each doubling), and shared with a partial
// timeline without a copy: the reader copies a shared chunk before it
// changes a value in it.
//
// Its counts take 32 bits, to keep a Goroutine, which holds a list of its
// waits, in a smaller size class: a list of 2^31 values, 64 GiB of waits,
// does not fit in any computer's memory.
type chunked[T any] struct {
	chunks [][]T
	n      int32
	shared int32 // chunks[:shared] may be shared with another list
}

// add appends v.
func (c *chunked[T]) add(v T) {
	k := len(c.chunks) - 1
	if k < 0 || len(c.chunks[k]) == chunkCap {
		c.chunks = append(c.chunks, nil)
		k++
		if k > 0 {
			c.chunks[k] = make([]T, 0, chunkCap)
		}
	}
	c.chunks[k] = append(c.chunks[k], v)
	c.n++
}

// ref returns a pointer to value i, to read, or to change in a list
// that shares nothing.
func (c *chunked[T]) ref(i int) *T {
	return &c.chunks[uint(i)/chunkCap][uint(i)%chunkCap]
}

// all yields the values with their indexes, in order.
func (c *chunked[T]) all() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		i := 0
		for _, chunk := range c.chunks {
			for _, v := range chunk {
				if !yield(i, v) {
					return
				}
				i++
			}
		}
	}
}

// mut returns a pointer to value i, to change. A shared chunk is copied
// first, with the shared ones after it.
func (c *chunked[T]) mut(i int) *T {
	if k := int32(i / chunkCap); k < c.shared {
		for j := k; j < c.shared; j++ {
			c.chunks[j] = slices.Clone(c.chunks[j])
		}
		c.shared = k
	}
	return c.ref(i)
}

// share returns a list that shares the chunks of c, but to which
// appending does not change c, nor appending to c it.
func (c *chunked[T]) share() chunked[T] {
	s := c.view()
	c.shared = int32(len(c.chunks))
	return s
}

// view is share for a list that no longer changes: it leaves c as it is,
// to be read on other goroutines while the copy changes.
func (c *chunked[T]) view() chunked[T] {
	s := chunked[T]{chunks: slices.Clone(c.chunks), n: c.n, shared: int32(len(c.chunks))}
	if k := len(s.chunks) - 1; k >= 0 {
		s.chunks[k] = slices.Clip(s.chunks[k])
	}
	return s
}

// trim gives back what the chunks hold beyond their values, for a list
// that is done growing: a list of one chunk is copied to one of its length.
func (c *chunked[T]) trim() {
	if len(c.chunks) != 1 || len(c.chunks[0]) == cap(c.chunks[0]) {
		return
	}
	c.chunks = [][]T{slices.Clone(c.chunks[0])}
	c.shared = 0
}
