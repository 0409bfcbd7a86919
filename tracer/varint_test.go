package tracer

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestVarint checks the spans' encoding of numbers against
// encoding/binary's, at every length a varint has.
func TestVarint(t *testing.T) {
	vs := []int64{0, 1, -1, 63, -64, 64, -65, math.MaxInt64, math.MinInt64}
	for shift := range 63 {
		v := int64(1) << shift
		vs = append(vs, v, v-1, -v, -v+1)
	}
	for _, v := range vs {
		want := binary.AppendVarint(nil, v)
		got := appendVarint([]byte{7}, v)
		if string(got[1:]) != string(want) || got[0] != 7 {
			t.Errorf("appendVarint(%d) = %x, want %x after 07", v, got, want)
		}
		if n := varintLen(v); n != len(want) {
			t.Errorf("varintLen(%d) = %d, want %d", v, n, len(want))
		}
		if back, off := varintAt(append(want, 0, 0), 0); back != v || off != len(want) {
			t.Errorf("varintAt(%x) = %d, %d; want %d, %d", want, back, off, v, len(want))
		}
	}
}
