package tracer

import (
	"cmp"
	"slices"
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

// TestOpsFar checks the starts and value numbers that a packed operation
// keeps apart: starts seconds before or after the first of their chunk,
// and numbers of 32 bits or more, also once shared, completed and sorted.
func TestOpsFar(t *testing.T) {
	starts := []Time{5e9, 5e9 + 1, 5e9 - 1<<31, 5e9 - 1<<31 - 1, 5e9 + 1<<31, 1 << 50, 0, -3}
	seqs := []uint64{1, 1<<32 - 2, 1<<32 - 1, 1 << 32, 1<<64 - 1, 0, 7, 1 << 40}
	var want []Op
	for i := range 2*chunkCap + 3 {
		k := i % len(starts)
		start := starts[k] + Time(i/len(starts))
		want = append(want, Op{G: 1, Start: start, End: start + Time(k), Seq: seqs[k],
			Send: -1, Select: -1, Stack: -1, Kind: Recv, OK: true})
	}
	os := MakeOps(want...)
	for i, op := range os.All() {
		if op != want[i] {
			t.Fatalf("operation %d is %+v, want %+v", i, op, want[i])
		}
	}
	shared := os.share(os.values.snapshot(), os.ids.snapshot())
	os.complete(2, starts[2]+9, probe.Annotation{Verb: probe.VerbRecvd, Seq: 1 << 33, OK: true})
	os.complete(3, starts[3]+9, probe.Annotation{Verb: probe.VerbRecvd, Seq: 3, OK: true})
	for i, op := range shared.All() {
		if op != want[i] {
			t.Fatalf("shared operation %d is %+v, want %+v", i, op, want[i])
		}
	}
	want[2].End, want[2].Seq = starts[2]+9, 1<<33
	want[3].End, want[3].Seq = starts[3]+9, 3

	order := make([]int32, len(want))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(want[x].Start, want[y].Start) })
	os.permute(order)
	for i, op := range os.All() {
		if w := want[order[i]]; op != w {
			t.Fatalf("operation %d once sorted is %+v, want %+v", i, op, w)
		}
	}
	if len(os.starts) == 0 || len(os.seqs) == 0 {
		t.Errorf("%d starts and %d numbers kept apart: the test reaches neither", len(os.starts), len(os.seqs))
	}
}
