package tracer

import "testing"

func TestFuncPackage(t *testing.T) {
	tests := []struct{ fn, want string }{
		{"main.main", "main"},
		{"runtime.gopark", "runtime"},
		{"net/http.(*conn).serve", "net/http"},
		{"github.com/a/b.(*T).M.func1", "github.com/a/b"},
		{"github.com/a/probe.(*Chan[go.shape.struct { github.com/a/s.size int64 }]).All.func1", "github.com/a/probe"},
	}
	for _, tc := range tests {
		if got := funcPackage(tc.fn); got != tc.want {
			t.Errorf("funcPackage(%q) = %q, want %q", tc.fn, got, tc.want)
		}
	}
}

func TestShortName(t *testing.T) {
	tests := []struct{ fn, want string }{
		{"runtime.main", "main"},
		{"main.main", "main"},
		{"github.com/gocspviz/gocspviz/scenarios.counter", "counter"},
		{"net/http.(*conn).serve", "http.(*conn).serve"},
		{"", "?"},
		{"github.com/x/y", "github.com/x/y"},
	}
	for _, tc := range tests {
		if got := ShortName(tc.fn); got != tc.want {
			t.Errorf("ShortName(%q) = %q, want %q", tc.fn, got, tc.want)
		}
	}
}

func TestSite(t *testing.T) {
	frames := []Frame{
		{"runtime.chanrecv2", "/go/src/runtime/chan.go", 514},
		{"github.com/x/tracer/probe.(*Chan[go.shape.struct { github.com/x/s.size int64 }]).Recv",
			"/x/tracer/probe/chan.go", 94},
		{"github.com/x/tracer/probe.(*Chan[...]).All.func1", "/x/tracer/probe/chan.go", 104},
		{"github.com/x/scenarios.makeThumbnails", "/x/scenarios/thumbnails.go", 109},
	}
	if got := site(frames); got != "thumbnails.go:109" {
		t.Errorf("site = %q, want thumbnails.go:109", got)
	}
	std := []Frame{{"runtime.gopark", "proc.go", 1}, {"net/http.(*conn).serve", "server.go", 2}}
	if got := site(std); got != "server.go:2" {
		t.Errorf("site of a standard-library stack = %q, want server.go:2", got)
	}
}
