package tracer

import (
	"fmt"
	"testing"
)

// TestBlocks checks the chunked waits against the slice they were made
// of, across chunks, and that a share stays as it was while the waits it
// was shared from are changed and appended to. The first waits belong to
// no operation, and the later ones' starts take more than 32 bits.
func TestBlocks(t *testing.T) {
	var want []Block
	for i := range 2*chunkCap + 5 {
		b := Block{
			Reason: []string{"chan receive", "chan send", "select"}[i%3], Site: fmt.Sprintf("x.go:%d", i%7),
			Start: Time(i) << 22, WokenBy: GID(i % 5), Stack: int32(i%4) - 1,
			SinceStart: i == 0, Chan: int32(i%2) - 1, Op: int32(i), Select: int32(i%3) - 1,
		}
		b.End = b.Start + 1
		if i < chunkCap+3 {
			b.Chan, b.Op, b.Select = -1, -1, -1
		}
		want = append(want, b)
	}
	check := func(what string, bs *Blocks, want []Block) {
		t.Helper()
		if bs.Len() != len(want) {
			t.Fatalf("%s: %d waits, want %d", what, bs.Len(), len(want))
		}
		for i, b := range bs.All() {
			if b != want[i] || bs.At(i) != want[i] {
				t.Fatalf("%s: wait %d is %+v, want %+v", what, i, b, want[i])
			}
			if reason, site := bs.Where(i); reason != want[i].Reason || site != want[i].Site {
				t.Fatalf("%s: wait %d is %q at %q, want %q at %q", what, i, reason, site, want[i].Reason, want[i].Site)
			}
		}
	}
	check("none", nil, nil)
	if (*Blocks)(nil).share(nil) != nil || (*Blocks)(nil).view() != nil {
		t.Error("no waits shared as some")
	}
	bs := MakeBlocks(want...)
	check("made", bs, want)
	if n := len(bs.names.names); n != 84 {
		t.Errorf("%d names kept, want 84: 3 reasons by 7 sites by 4 stacks", n)
	}

	// The last wait of the share changes in bs, and one is added.
	c := bs.share(bs.names.snapshot(bs.names.ids.snapshot()))
	last := len(want) - 1
	bs.setEnd(int32(last), 1<<40, want[last].WokenBy)
	bs.setEnd(0, want[0].End, 99)
	bs.setOp(last, 7, 8)
	bs.add(want[0])
	check("shared", c, want)
	changed := append([]Block(nil), want...)
	changed[last].End, changed[0].WokenBy = 1<<40, 99
	changed[last].Chan, changed[last].Op = 7, 8
	check("changed", bs, append(changed, want[0]))

	// Full chunks are sealed as the next begins, and the last by trim,
	// which waits added after open again; a view stays as it was.
	bs = MakeBlocks(want...)
	if bs.rare == nil || len(bs.rare.sealed) != 2 || bs.rare.sealed[0] == nil || bs.rare.sealed[1] == nil {
		t.Fatal("the full chunks of waits were not sealed")
	}
	bs.trim()
	if len(bs.rare.sealed) != 3 || bs.rare.sealed[2] == nil {
		t.Fatal("trim did not seal the last chunk of waits")
	}
	check("trimmed", bs, want)
	for _, n := range []int{10, 40} {
		short := MakeBlocks(want[:n]...)
		short.trim()
		if sealed := short.rare != nil && len(short.rare.sealed) == 1; sealed != (n >= 32) {
			t.Errorf("%d waits trimmed: sealed %t, want %t", n, sealed, n >= 32)
		}
		check(fmt.Sprintf("%d trimmed", n), short, want[:n])
	}
	v := bs.view()
	v.add(want[1])
	v.setEnd(chunkCap+1, 1<<41, 3)
	check("viewed", bs, want)
	changed = append([]Block(nil), want...)
	changed[chunkCap+1].End, changed[chunkCap+1].WokenBy = 1<<41, 3
	check("view changed", v, append(changed, want[1]))
}
