package tracer

import "iter"

// Ops are a channel's operations, in the order they began (Read sorts
// them so). A channel of a pipeline has hundreds of thousands, kept in
// chunks (see chunked): grown by doubling, they took up to twice the
// memory they needed, and were the largest part of a scenario's timeline.
//
// The zero Ops is empty. A Timeline's operations are never changed.
type Ops struct {
	list chunked[Op]
}

// MakeOps returns operations holding the given ones: for tests and
// timelines built by hand.
func MakeOps(ops ...Op) Ops {
	var os Ops
	for _, op := range ops {
		os.list.add(op)
	}
	return os
}

// Len returns the number of operations.
func (os *Ops) Len() int { return os.list.n }

// At returns operation i.
func (os *Ops) At(i int) Op { return *os.list.ref(i) }

// All yields the operations in order, with their indexes.
func (os *Ops) All() iter.Seq2[int, Op] {
	return func(yield func(int, Op) bool) {
		for i := range os.list.n {
			if !yield(i, *os.list.ref(i)) {
				return
			}
		}
	}
}
