package tracer

import (
	"math/bits"
	"sync"
)

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

// columns are the fields of the rows of a table to be made, a column a
// field, to make it from: made from a function of row and field instead,
// the tables of go test -trace time's steps and waits took a twentieth
// of its reading's CPU.
type columns [maxFields][]uint64

// scratch holds columns to reuse: tables are made one chunk at a time,
// on as many goroutines as read parts of a trace at once.
var scratch = sync.Pool{New: func() any { return new(columns) }}

// newColumns returns empty columns, to hand back to freeColumns.
func newColumns() *columns {
	c := scratch.Get().(*columns)
	for f := range c {
		c[f] = c[f][:0]
	}
	return c
}

// freeColumns hands c back for reuse.
func freeColumns(c *columns) { scratch.Put(c) }

// newBitTable returns the table of the rows whose fields are the first
// fields columns of c, all of one length.
func newBitTable(c *columns, fields int) *bitTable {
	n := len(c[0])
	t := &bitTable{n: n}
	for f := range fields {
		col := c[f][:n]
		lo, hi := uint64(0), uint64(0)
		if n > 0 {
			lo, hi = col[0], col[0]
		}
		for _, v := range col {
			lo, hi = min(lo, v), max(hi, v)
		}
		t.min[f] = lo
		t.width[f] = uint8(bits.Len64(hi - lo))
		t.at[f] = uint8(t.row)
		t.row += uint(t.width[f])
	}
	t.words = make([]uint64, uint(n)*t.row/64+2)
	// Bits go into acc, nb of them, and acc into words as it fills.
	var acc uint64
	var nb uint
	w := 0
	for i := range n {
		for f := range fields {
			v, width := c[f][i]-t.min[f], uint(t.width[f])
			acc |= v << nb
			if nb+width >= 64 {
				t.words[w] = acc
				w++
				acc = v >> (64 - nb) // none left when nb is 0: Go shifts them all out
				nb = nb + width - 64
			} else {
				nb += width
			}
		}
	}
	t.words[w] = acc
	return t
}

// get returns field f of row i.
func (t *bitTable) get(i, f int) uint64 {
	off := uint(i)*t.row + uint(t.at[f])
	w, b := off/64, off%64
	v := t.words[w]>>b | t.words[w+1]<<(64-b)
	return v&(1<<t.width[f]-1) + t.min[f]
}
