package ui

import (
	"slices"
	"testing"
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
	lens := make([]int32, len(want))
	for g, l := range want {
		lens[g] = int32(len(l))
	}
	l := newGlists(lens)
	for g, items := range want {
		copy(l.data[l.start[g]:], items)
	}
	for g, items := range want {
		if got := l.of(int32(g)); !slices.Equal(got, items) || cap(got) != len(items) {
			t.Errorf("list %d is %v (cap %d), want %v", g, got, cap(got), items)
		}
	}
	if got := l.of(-1); got != nil {
		t.Errorf("list -1 is %v, want none", got)
	}
}
