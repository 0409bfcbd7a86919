package tracer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSeal checks that sealed steps read back as they were packed, at
// the extremes of every field and with fields that need no bits at all,
// and that a chunk of steps close together takes fewer bits than open.
func TestSeal(t *testing.T) {
	step := func(dt uint32, kind StepKind, g uint32, a int32) packedStep {
		return packedStep{dt: dt, kg: uint32(kind)<<28 | g, a: a}
	}
	var close, far, same []packedStep
	for i := range 1000 {
		close = append(close, step(uint32(1000+i*3), StepKind(1+i%int(StepLog)), uint32(5000+i%40), int32(i%300)-1))
		far = append(far, step(uint32(i)*(math.MaxUint32/999), StepKind(1+i%int(StepLog)),
			uint32(i*(maxGoroutines-1)/999), int32(math.MinInt32+int64(i)*(math.MaxUint32/999))))
		same = append(same, step(77, StepWake, 3, -1))
	}
	for _, c := range []struct {
		name  string
		steps []packedStep
		width uint // the bits a step should take
	}{
		{"close", close, 12 + 4 + 6 + 9},
		{"far", far, 32 + 4 + 28 + 32},
		{"same", same, 0},
		{"one", far[999:], 0},
		{"none", nil, 0},
	} {
		s := sealSteps(c.steps)
		if s.row != c.width {
			t.Errorf("%s: a step takes %d bits, want %d", c.name, s.row, c.width)
		}
		if s.n != len(c.steps) {
			t.Fatalf("%s: %d steps sealed, want %d", c.name, s.n, len(c.steps))
		}
		ch := stepsChunk{sealed: s}
		for i, want := range c.steps {
			if got := ch.at(i); got != want {
				t.Fatalf("%s: step %d is %+v, want %+v", c.name, i, got, want)
			}
			if got := ch.dt(i); got != want.dt {
				t.Fatalf("%s: step %d's dt is %d, want %d", c.name, i, got, want.dt)
			}
		}
	}
}

// TestBitTable checks that tables read back the columns they were made
// of, for fields of every width from none to 64 bits.
func TestBitTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for width := range 65 {
		for _, n := range []int{0, 1, 3, 100, 1000} {
			c := newColumns()
			base := rng.Uint64() >> width // base+v never wraps
			for range n {
				for f := range maxFields {
					// Field f takes width-f bits or fewer.
					w := max(width-f, 0)
					var v uint64
					if w > 0 {
						v = rng.Uint64() >> (64 - w)
					}
					c[f] = append(c[f], base+v)
				}
			}
			tb := newBitTable(c, maxFields)
			for i := range n {
				for f := range maxFields {
					if got := tb.get(i, f); got != c[f][i] {
						t.Fatalf("width %d, %d rows: field %d of row %d is %#x, want %#x", width, n, f, i, got, c[f][i])
					}
				}
			}
			if tb.row > uint(4*width) {
				t.Errorf("width %d: a row takes %d bits, more than %d", width, tb.row, 4*width)
			}
			freeColumns(c)
		}
	}
}
