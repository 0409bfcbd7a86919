package tracer

import "testing"

// TestGnums numbers ids of every kind a trace may name: dense from 1, as
// the runtime gives them out, far above the others, as in a trace of a
// program that ran long before it, and NoG. Each keeps its number, in the
// table or the map, also once the table grows past it, and in a snapshot.
func TestGnums(t *testing.T) {
	var ids []GID
	for id := GID(1); id <= 3*denseMin; id++ {
		ids = append(ids, id)
	}
	const far = 14 * denseMin // beyond what the table may grow to, when numbered
	ids = append(ids, NoG, 1<<40, 1<<40+1, far, 1<<62, 0)
	for id := GID(3*denseMin + 1); id < 16*denseMin; id += 2 { // odd: never far
		ids = append(ids, id) // grows the table past far
	}

	var g gnums
	for n, id := range ids {
		if got := g.number(id); got != int32(n) {
			t.Fatalf("first number(%d) = %d, want %d", id, got, n)
		}
	}
	if len(g.index.sparse) < 3 {
		t.Errorf("the map holds %d ids, want NoG and the ids far above the others", len(g.index.sparse))
	}
	if _, ok := g.index.sparse[far]; !ok || len(g.index.dense) <= far {
		t.Errorf("id %d is in the map: %v; the table holds %d ids, want more", far, ok, len(g.index.dense))
	}
	snap := g.snapshot()
	for _, t2 := range []*gnums{&g, snap} {
		for i := len(ids) - 1; i >= 0; i-- { // backwards, past the cache of the last
			if got := t2.number(ids[i]); got != int32(i) {
				t.Fatalf("number(%d) = %d, want %d", ids[i], got, i)
			}
			if got := t2.id(int32(i)); got != ids[i] {
				t.Fatalf("id(%d) = %d, want %d", i, got, ids[i])
			}
		}
	}
	if n := snap.number(1 << 50); n != int32(len(ids)) || int(g.ids.n) != len(ids) {
		t.Errorf("a snapshot numbered a new id %d, and the original has %d ids; want %d and %d",
			n, g.ids.n, len(ids), len(ids))
	}
}
