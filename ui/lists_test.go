package ui

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestShownSteps checks the steps shown, kept as runs and as numbers,
// against the slice they were made of.
func TestShownSteps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []int32
		runs  bool
	}{
		{"none", nil, true},
		{"all", []int32{0, 1, 2, 3, 4, 5, 6, 7}, true},
		{"a few hidden", []int32{0, 1, 2, 5, 6, 7, 8, 9, 20, 21}, true},
		{"every other", []int32{1, 3, 5, 7, 9, 11}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s shownSteps
			for _, k := range tc.steps {
				s.add(k)
			}
			s.done()
			if got := s.plain == nil; got != tc.runs {
				t.Errorf("kept as runs: %v, want %v", got, tc.runs)
			}
			if s.Len() != len(tc.steps) {
				t.Fatalf("%d steps, want %d", s.Len(), len(tc.steps))
			}
			for pos, k := range s.All() {
				if k != tc.steps[pos] || s.At(pos) != k {
					t.Errorf("step at %d is %d, want %d", pos, k, tc.steps[pos])
				}
			}
			for k := int32(-1); k < 25; k++ {
				want, _ := slices.BinarySearch(tc.steps, k+1)
				if got := s.PosOf(k); got != max(want-1, 0) {
					t.Errorf("PosOf(%d) is %d, want %d", k, got, max(want-1, 0))
				}
			}
		})
	}
}

// TestGlists checks lists filled one after another, some empty.
func TestGlists(t *testing.T) {
	want := [][]int32{{3, 4}, nil, {1}, nil, {5, 6, 7}}
	l := newGlists(len(want))
	for g, items := range want {
		for range items {
			l.count(int32(g))
		}
	}
	l.open()
	// Put in another order than the lists', each list's items in order.
	for _, g := range []int32{4, 2, 0} {
		for _, v := range want[g] {
			l.put(g, v)
		}
	}
	for g, items := range want {
		if got := l.of(int32(g)); !slices.Equal(got, items) || cap(got) != len(items) {
			t.Errorf("list %d is %v (cap %d), want %v", g, got, cap(got), items)
		}
	}
	if got := l.of(-1); got != nil {
		t.Errorf("list -1 is %v, want none", got)
	}
	// Lists all empty take no room.
	empty := newGlists(3)
	empty.open()
	if empty.start != nil || empty.data != nil || empty.of(2) != nil {
		t.Errorf("empty lists take room or hold something: %+v", empty)
	}
}

func TestBitsetLastIn(t *testing.T) {
	const n = 200
	rng := rand.New(rand.NewPCG(1, 2))
	for _, density := range []int{0, 1, 10, 50, 100} {
		b := newBitset(n)
		for i := range n {
			if rng.IntN(100) < density {
				b.set(i)
			}
		}
		for from := 0; from <= n; from++ {
			for to := from; to <= n; to++ {
				want := -1
				for i := to - 1; i >= from; i-- {
					if b.has(i) {
						want = i
						break
					}
				}
				if got := b.lastIn(from, to); got != want {
					t.Fatalf("density %d%%: lastIn(%d, %d) = %d, want %d", density, from, to, got, want)
				}
			}
		}
	}
}

// TestWokenAtOrBefore checks the lookup of a goroutine's last wake-up or
// creation against a scan of the steps shown, on a recorded pipeline,
// for every goroutine at every position.
func TestWokenAtOrBefore(t *testing.T) {
	ix := newIndex(pipeline(t, "-n", "30"), false)
	edges := 0
	for _, g := range ix.tl.Goroutines {
		want := -1
		for pos := range ix.steps.Len() {
			if s := ix.stepOf(pos); s.G == g.ID && isEdge(s) {
				want = pos
				edges++
			}
			if got := ix.wokenAtOrBefore(g.ID, pos); got != want {
				t.Fatalf("g%d at %d: got %d, want %d", g.ID, pos, got, want)
			}
		}
	}
	if edges == 0 {
		t.Fatal("no wake-up or creation is shown: the test tests nothing")
	}
}

// TestNavListsApart checks that an index made without its navigation
// lists, handed them apart as the replay of a loading trace is, is the
// index made with them, and that it refuses another index's lists.
func TestNavListsApart(t *testing.T) {
	tl := pipeline(t, "-n", "30")
	for _, system := range []bool{false, true} {
		whole, apart := newIndex(tl, system), makeIndex(tl, system, false)
		if apart.nav != nil {
			t.Fatal("an index made without navigation lists has them")
		}
		if apart.adoptNav(scanSteps(tl, !system, false, true, nil).nav) {
			t.Error("an index took the navigation lists of the other goroutines shown")
		}
		if !apart.adoptNav(scanSteps(tl, system, false, true, nil).nav) {
			t.Fatal("an index refused its navigation lists")
		}
		same := func(a, b glists) bool { return slices.Equal(a.start, b.start) && slices.Equal(a.data, b.data) }
		samePacked := func(a, b packedGlists) bool {
			return slices.Equal(a.start, b.start) && slices.Equal(unpacked(a), unpacked(b))
		}
		if !samePacked(apart.nav.steps, whole.nav.steps) || !samePacked(apart.nav.woke, whole.nav.woke) ||
			!slices.Equal(apart.nav.edges, whole.nav.edges) || !same(apart.markLists, whole.markLists) {
			t.Errorf("showing the runtime's goroutines %v: lists made apart differ from those made at once", system)
		}
		if whole.nav.steps.len() != whole.steps.Len() || whole.nav.woke.len() == 0 {
			t.Errorf("%d steps listed of %d shown, %d wake-ups: the test tests too little",
				whole.nav.steps.len(), whole.steps.Len(), whole.nav.woke.len())
		}
		if other := newIndex(tl, system); other.adoptNav(apart.nav) {
			t.Error("an index with navigation lists took others")
		}
		stop := make(chan struct{})
		close(stop)
		if sc := scanSteps(tl, system, true, true, stop); sc.nav != nil || sc.steps.Len() != 0 {
			t.Error("a scan told to stop made lists")
		}
	}
}

// TestOpEndAndWaitAgreeWithScan checks the lookups of an operation's
// completing step, its wait and the receive that got a send's value
// against a scan of every step, wait and operation.
func TestOpEndAndWaitAgreeWithScan(t *testing.T) {
	cases := append(channelCases(t),
		channelCase{"countdown's select", scenario(t, "countdown", "-n", "5", "-tick", "2ms", "-abort-after", "3")})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := newIndex(tc.tl, true)
			ends, waits, selWait, recvs := map[[2]int32]int32{}, map[[2]int32]int32{},
				map[int32]int32{}, map[[2]int32]int32{}
			for ci, c := range tc.tl.Channels {
				for i, op := range c.Ops.All() {
					if op.Kind == tracer.Recv && op.Send >= 0 {
						recvs[[2]int32{int32(ci), op.Send}] = int32(i)
					}
				}
			}
			for k, s := range tc.tl.Steps.All() {
				if s.Chan >= 0 && s.Op >= 0 {
					ends[[2]int32{s.Chan, s.Op}] = int32(k)
				}
			}
			for _, g := range tc.tl.Goroutines {
				for b, blk := range g.Blocks.All() {
					switch {
					case blk.Chan >= 0 && blk.Op >= 0:
						waits[[2]int32{blk.Chan, blk.Op}] = int32(b)
					case blk.Select >= 0:
						selWait[blk.Select] = int32(b)
					}
				}
			}
			checked, selects, received := 0, 0, 0
			for ci, c := range tc.tl.Channels {
				for i, op := range c.Ops.All() {
					key := [2]int32{int32(ci), int32(i)}
					wantEnd, ok := ends[key]
					if !ok {
						wantEnd = never
					}
					wantWait, ok := waits[key]
					if !ok {
						wantWait = -1
						if w, ok := selWait[op.Select]; ok && op.Select >= 0 {
							wantWait = w
						}
					}
					if got := ix.opEnd(int32(ci), int32(i)); got != wantEnd {
						t.Fatalf("channel %d operation %d ends at step %d, want %d", ci, i, got, wantEnd)
					}
					if got := ix.waitOf(int32(ci), int32(i)); got != wantWait {
						t.Fatalf("channel %d operation %d waits in %d, want %d", ci, i, got, wantWait)
					}
					if op.Kind == tracer.Send {
						wantRecv, ok := recvs[key]
						if !ok {
							wantRecv = -1
						}
						if got := ix.recvOf(int32(ci), int32(i)); got != wantRecv {
							t.Fatalf("channel %d send %d was received by %d, want %d", ci, i, got, wantRecv)
						}
						if wantRecv >= 0 {
							received++
						}
					}
					if wantWait >= 0 {
						checked++
						if op.Select >= 0 {
							selects++
						}
					}
				}
			}
			if strings.Contains(tc.name, "pipeline") && (checked == 0 || received == 0) {
				t.Fatalf("%d operations waited, %d sends were received: the test checks too little", checked, received)
			}
			if strings.Contains(tc.name, "select") && selects == 0 {
				t.Fatal("no case of a select waited: the test checks nothing")
			}
		})
	}
}

// unpacked returns the items of all the lists of l, one list after another.
func unpacked(l packedGlists) []int32 {
	out := make([]int32, l.len())
	for i := range out {
		out[i] = l.data.at(i)
	}
	return out
}

// packed returns the lists items[0], items[1], ... made by a
// glistPacker, the items put in the order given by order (indexes of
// lists, one for each item put).
func packed(items [][]int32, order []int) packedGlists {
	p := newGlistPacker(len(items))
	for _, g := range order {
		p.count(int32(g))
	}
	p.open()
	for pass := range 2 {
		next := make([]int, len(items))
		for _, g := range order {
			v := items[g][next[g]]
			next[g]++
			if pass == 0 {
				p.bound(int32(g), v)
			} else {
				p.place(int32(g), v)
			}
		}
		if pass == 0 {
			p.pack()
		}
	}
	return p.done()
}

// TestPackedLists checks that packed lists read back as they were put,
// in blocks of values close together, far apart and all the same, and
// that values close together take few bits.
func TestPackedLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var vs []int32
	for i := range 3*intBlock + 17 {
		switch i / intBlock {
		case 0:
			vs = append(vs, int32(1000+i*3+rng.IntN(3))) // close together
		case 1:
			vs = append(vs, rng.Int32()) // anywhere
		case 2:
			vs = append(vs, 77) // all the same
		default:
			vs = append(vs, int32(i)) // a block not full
		}
	}
	for _, n := range []int{0, 1, intBlock, len(vs)} {
		order := make([]int, n)
		l := packed([][]int32{vs[:n]}, order)
		if l.len() != n || l.of(0).len() != n {
			t.Fatalf("%d values: %d packed, %d in the list", n, l.len(), l.of(0).len())
		}
		for i, want := range vs[:n] {
			if got := l.of(0).at(i); got != want {
				t.Fatalf("%d values: value %d is %d, want %d", n, i, got, want)
			}
		}
		if n == len(vs) {
			if w := l.data.blocks[0].width; w > 10 {
				t.Errorf("values within 800 of each other take %d bits", w)
			}
			if w := l.data.blocks[2].width; w != 0 {
				t.Errorf("values all the same take %d bits", w)
			}
		}
	}

	// Three lists, their items put in turn: list 1 is empty.
	l := packed([][]int32{{4, 7}, nil, {9}}, []int{2, 0, 0})
	if got := l.of(0); got.len() != 2 || got.at(0) != 4 || got.at(1) != 7 || got.search(5) != 1 || got.search(8) != 2 {
		t.Errorf("list 0 is %v, want [4 7]", unpacked(l)[got.from:got.to])
	}
	if l.of(1).len() != 0 || l.of(2).len() != 1 || l.of(2).at(0) != 9 || l.of(-1).len() != 0 {
		t.Errorf("lists 1 and 2 are wrong: %v", unpacked(l))
	}
}
