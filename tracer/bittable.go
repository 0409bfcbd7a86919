package tracer

import "math/bits"

// bitTable is a table of rows of unsigned fields, each field kept less
// its least value in the table, in as many bits as the spread of its
// values needs. Its values are those of a chunk of a list that is done
// growing: times close together, goroutines a few thousand apart, a few
// names. It is never changed once made.
type bitTable struct {
	words []uint64 // with a word to spare past the rows, for get to read
	min   [maxFields]uint64
	width [maxFields]uint8 // bits of each field
	at    [maxFields]uint8 // where each field begins in its row
	row   uint             // bits a row
	n     int
}

// maxFields is how many fields a row of a bitTable has at most.
const maxFields = 4

// newBitTable returns the table of n rows of the given number of fields,
// with value(i, f) in field f of row i.
func newBitTable(n, fields int, value func(i, f int) uint64) *bitTable {
	t := &bitTable{n: n}
	for f := range fields {
		lo, hi := uint64(0), uint64(0)
		for i := range n {
			v := value(i, f)
			if i == 0 {
				lo, hi = v, v
			}
			lo, hi = min(lo, v), max(hi, v)
		}
		t.min[f] = lo
		t.width[f] = uint8(bits.Len64(hi - lo))
		t.at[f] = uint8(t.row)
		t.row += uint(t.width[f])
	}
	t.words = make([]uint64, uint(n)*t.row/64+2)
	for i := range n {
		off := uint(i) * t.row
		for f := range fields {
			t.put(off, value(i, f)-t.min[f])
			off += uint(t.width[f])
		}
	}
	return t
}

// put ors v, which fits the bits it is given, into the bits from off on.
func (t *bitTable) put(off uint, v uint64) {
	w, b := off/64, off%64
	t.words[w] |= v << b
	if b > 0 {
		t.words[w+1] |= v >> (64 - b)
	}
}

// get returns field f of row i.
func (t *bitTable) get(i, f int) uint64 {
	off := uint(i)*t.row + uint(t.at[f])
	w, b := off/64, off%64
	v := t.words[w]>>b | t.words[w+1]<<(64-b)
	return v&(1<<t.width[f]-1) + t.min[f]
}
