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
	ids   []GID
	index map[GID]int32 // made when first needed

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
	if t.index == nil {
		t.index = make(map[GID]int32, len(t.ids))
		for n, id := range t.ids {
			t.index[id] = int32(n)
		}
	}
	n, ok := t.index[id]
	if !ok {
		if len(t.ids) == maxGoroutines {
			panic(errTooManyGoroutines)
		}
		n = int32(len(t.ids))
		t.ids = append(t.ids, id)
		t.index[id] = n
	}
	t.last = n
	return n
}

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
