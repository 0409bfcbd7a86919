package ui

import (
	"strconv"
	"strings"
	"testing"
)

func TestSourceWindow(t *testing.T) {
	text := []string{"package p", "", "func f() {", "\tx := <-c", "}", ""}
	tests := []struct {
		name          string
		at, height    int
		first, marked string
	}{
		{"middle", 4, 4, "    3  func f() {", "    4▶     x := <-c"},
		{"top", 1, 3, "    1▶ package p", "    1▶ package p"},
		{"bottom", 6, 3, "    5  }", "    6▶ "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sourceWindow(text, "p.go", tc.at, 40, tc.height)
			if len(got) != tc.height {
				t.Fatalf("got %d lines, want %d", len(got), tc.height)
			}
			if got[0].text != "p.go:"+strconv.Itoa(tc.at) {
				t.Errorf("got heading %q, want the file and line", got[0].text)
			}
			if got[1].text != tc.first && !strings.HasPrefix(got[1].text, tc.first) {
				t.Errorf("got first line %q, want %q", got[1].text, tc.first)
			}
			marked := 0
			for _, l := range got {
				if strings.Contains(l.text, "▶") {
					marked++
					if !strings.HasPrefix(l.text, tc.marked) || l.style != styleCurrent {
						t.Errorf("got marked line %q, want %q highlighted", l.text, tc.marked)
					}
				}
			}
			if marked != 1 {
				t.Errorf("got %d marked lines, want 1", marked)
			}
		})
	}
	if got := sourceWindow(text, "p.go", 99, 40, 5); len(got) != 1 {
		t.Errorf("a line past the end: got %d lines, want the heading alone", len(got))
	}
}

func TestSourcesFetchOnce(t *testing.T) {
	calls := 0
	s := newSources(func(path string) ([]byte, bool) {
		calls++
		return []byte("a\nb\n"), path == "x.go"
	})
	for range 3 {
		if got := s.lines("x.go"); len(got) != 2 || got[1] != "b" {
			t.Fatalf("got %q, want [a b]", got)
		}
		if got := s.lines("y.go"); got != nil {
			t.Fatalf("got %q for a file it cannot have, want nil", got)
		}
	}
	if calls != 2 {
		t.Errorf("got %d fetches, want 1 a file", calls)
	}
}
