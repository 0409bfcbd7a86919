package tracer

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// TestOps checks the packed operations against the slice they were made
// of, across chunks of operations and of values, and that a share stays
// as it was while the operations it was shared from are completed and
// appended to.
func TestOps(t *testing.T) {
	var want []Op
	for i := range 3*chunkCap + 7 {
		want = append(want, Op{
			G: GID(i % 3), Start: Time(i), End: NoTime, Value: strings.Repeat(strconv.Itoa(i), i%40),
			Seq: uint64(i), Send: int32(i) - 1, Select: -1, Stack: int32(i % 5), Kind: OpKind(1 + i%3), OK: i%2 == 0,
		})
	}
	check := func(what string, os *Ops, want []Op) {
		t.Helper()
		if os.Len() != len(want) {
			t.Fatalf("%s: %d operations, want %d", what, os.Len(), len(want))
		}
		for i, op := range os.All() {
			if op != want[i] || os.At(i) != want[i] {
				t.Fatalf("%s: operation %d is %+v, want %+v", what, i, op, want[i])
			}
		}
	}
	os := MakeOps(want...)
	check("made", &os, want)
	if n := len(os.values.chunks); n < 2 {
		t.Errorf("values in %d chunk, want several", n)
	}

	c := os.share(os.values.snapshot(), os.ids.snapshot())
	last := len(want) - 1
	os.complete(last, 99, probe.Annotation{Verb: probe.VerbRecvd, Seq: 7, OK: true, HasVal: true, Value: "new"})
	os.complete(0, 1<<40, probe.Annotation{Verb: probe.VerbSent})
	os.add(want[1])
	check("shared", &c, want)
	changed := append([]Op(nil), want...)
	changed[last].End, changed[last].Seq, changed[last].OK, changed[last].Value = 99, 7, true, "new"
	changed[0].End = 1 << 40
	check("changed", &os, append(changed, want[1]))
}

// TestOpsEnds checks the ends that a packed operation keeps apart: those
// of operations that never completed, took longer than 32 bits of
// nanoseconds count, or ended before they began, also once sorted.
func TestOpsEnds(t *testing.T) {
	ends := []Time{NoTime, 5, 1 << 32, 1<<32 - 2, 1 << 50, -7, 0}
	var want []Op
	for i, end := range ends {
		want = append(want, Op{G: GID(1 << 40), Start: Time(len(ends) - i), End: end, Value: "v",
			Send: -1, Select: -1, Stack: -1, Kind: Send, OK: true})
	}
	os := MakeOps(want...)
	for i, op := range os.All() {
		if op != want[i] {
			t.Errorf("operation %d is %+v, want %+v", i, op, want[i])
		}
	}
	order := make([]int32, len(want))
	for i := range order {
		order[i] = int32(len(want) - 1 - i)
	}
	os.permute(order)
	for i, op := range os.All() {
		if w := want[order[i]]; op != w {
			t.Errorf("operation %d once sorted is %+v, want %+v", i, op, w)
		}
	}
}
