package scenarios

import (
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	tests := []struct {
		file string
		ok   bool
	}{
		{"/home/me/gocspviz/scenarios/pipeline.go", true},
		{"github.com/gocspviz/gocspviz/scenarios/chat.go", true},
		{"/home/me/other/pipeline.go", false},
		{"/x/scenarios/nothere.go", false},
		{"/x/scenarios/pipeline_test.go", false},
	}
	for _, tc := range tests {
		text, ok := Source(tc.file)
		if ok != tc.ok {
			t.Errorf("Source(%q): got ok %v, want %v", tc.file, ok, tc.ok)
		}
		if ok && !strings.HasPrefix(string(text), "package scenarios") {
			t.Errorf("Source(%q) does not read like a scenario", tc.file)
		}
	}
}
