package tracer

import (
	"errors"
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
	ids []GID

	// The numbers by id, made when first needed: n+1 in dense for an id
	// below its length, the others in sparse. The runtime gives out ids
	// from 1 up, so most traces name ids dense from 0, and a table of
	// them took a fifth of the time a map did on a trace of 220 thousand
	// goroutines, in a third of the memory. A program that ran long
	// before its trace began names ids too high for the table: they go
	// in the map.
	dense   []int32
	sparse  map[GID]int32
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
	if int(t.last) < len(t.ids) && t.ids[t.last] == id {
		return t.last
	}
	if !t.indexed {
		t.indexed = true
		for n, id := range t.ids {
			t.put(id, int32(n))
		}
	}
	if uint64(id) < uint64(len(t.dense)) && t.dense[id] > 0 {
		t.last = t.dense[id] - 1
		return t.last
	}
	n, ok := t.sparse[id]
	if !ok {
		if len(t.ids) == maxGoroutines {
			panic(errTooManyGoroutines)
		}
		n = int32(len(t.ids))
		t.ids = append(t.ids, id)
		t.put(id, n)
	}
	t.last = n
	return n
}

// put files id under number n: in the table if the table holds it, or
// can grow to and stay at least a quarter full, or else in the map.
func (t *gnums) put(id GID, n int32) {
	if id >= 0 && id < GID(len(t.dense)) {
		t.dense[id] = n + 1
		return
	}
	if id >= 0 && id < 4*GID(len(t.ids))+denseMin {
		size := max(int(id)+1, 2*len(t.dense), denseMin)
		t.dense = append(t.dense, make([]int32, size-len(t.dense))...)
		t.dense[id] = n + 1
		return
	}
	if t.sparse == nil {
		t.sparse = map[GID]int32{}
	}
	t.sparse[id] = n
}

// denseMin is the smallest table of numbers, which every trace's first
// goroutines fit in.
const denseMin = 1 << 12

// id returns the goroutine numbered n.
func (t *gnums) id(n int32) GID { return t.ids[n] }

// snapshot returns numbers that share what t holds but to which numbering
// new goroutines does not change them.
func (t *gnums) snapshot() *gnums {
	if t == nil {
		return nil
	}
	return &gnums{ids: slices.Clip(t.ids)}
}
