package tracer

import (
	"errors"
	"maps"
	"slices"
)

// gnums numbers the goroutines that packed steps, operations and waits
// name, from 0 in the order they are first named: a number takes 4 bytes
// where a GID takes 8, and it fits in the bits a packed value has to
// spare. The runtime's ids need 64 bits: a server that has run for days
// may have made billions of goroutines.
//
// A list that shares its values with a partial timeline shares a
// snapshot of its gnums, which the reader's numbering of new goroutines
// does not change.
type gnums struct {
	ids     chunked[GID] // by number, in chunks growing never copies: go test time has 2 million
	index   gidIndex     // the numbers by id, made when first needed
	indexed bool

	// The number looked up last: consecutive values are mostly of one
	// goroutine.
	last int32
}

// maxGoroutines is how many goroutines gnums numbers: a number has 28
// bits of a packed step's 32 (see packedStep).
const maxGoroutines = 1 << 28

// errTooManyGoroutines is what number panics with past maxGoroutines.
// No trace a computer can hold in memory names that many; the reader
// reports it as a broken trace.
var errTooManyGoroutines = errors.New("more than 268435456 goroutines")

// number returns the number of id, numbering it if new.
func (t *gnums) number(id GID) int32 {
	if t.last < t.ids.n && t.id(t.last) == id {
		return t.last
	}
	if !t.indexed {
		t.indexed = true
		for n, id := range t.ids.all() {
			t.index.put(id, int32(n))
		}
	}
	n, ok := t.index.get(id)
	if !ok {
		if t.ids.n == maxGoroutines {
			panic(errTooManyGoroutines)
		}
		n = t.ids.n
		t.ids.add(id)
		t.index.put(id, n)
	}
	t.last = n
	return n
}

// gidIndex finds a number, from 0 up, by goroutine id: n+1 in dense for
// an id below its length, the others in sparse. The runtime gives out ids
// from 1 up, so most traces name ids dense from 0, and a table of them
// took a fifth of the time a map did on a trace of 210 thousand
// goroutines, in a third of the memory. A program that ran long before
// its trace began names ids too high for the table: they go in the map.
//
// The zero gidIndex is empty and ready to use.
type gidIndex struct {
	dense  []int32
	sparse map[GID]int32
}

// get returns the number of id, if it has one.
func (x *gidIndex) get(id GID) (int32, bool) {
	if uint64(id) < uint64(len(x.dense)) && x.dense[id] > 0 {
		return x.dense[id] - 1, true
	}
	n, ok := x.sparse[id]
	return n, ok
}

// put files id under number n, the largest yet: in the table if it holds
// id, or can grow to and stay at least a quarter full, or else in the map.
func (x *gidIndex) put(id GID, n int32) {
	if id >= 0 && id < GID(len(x.dense)) {
		x.dense[id] = n + 1
		return
	}
	if id >= 0 && id < 4*GID(n)+denseMin {
		size := max(int(id)+1, 2*len(x.dense), denseMin)
		x.dense = append(x.dense, make([]int32, size-len(x.dense))...)
		x.dense[id] = n + 1
		return
	}
	if x.sparse == nil {
		x.sparse = map[GID]int32{}
	}
	x.sparse[id] = n
}

// denseMin is the smallest table of numbers, which every trace's first
// goroutines fit in.
const denseMin = 1 << 12

// clone returns a copy of x, which putting more in x does not change.
func (x *gidIndex) clone() gidIndex {
	return gidIndex{dense: slices.Clone(x.dense), sparse: maps.Clone(x.sparse)}
}

// id returns the goroutine numbered n.
func (t *gnums) id(n int32) GID { return *t.ids.ref(int(n)) }

// snapshot returns numbers that share what t holds but to which numbering
// new goroutines does not change them.
func (t *gnums) snapshot() *gnums {
	if t == nil {
		return nil
	}
	return &gnums{ids: t.ids.view()}
}
