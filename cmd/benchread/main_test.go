package main

import (
	"bytes"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestMeasure measures a small recorded trace every way a child process
// does, in this one, and checks that each saw every event of the trace
// and took some time, and that the replay showed the whole trace after
// its first picture: what the table's columns are made of.
func TestMeasure(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // the measures pace the collector
	defer tracer.PaceGC(0)
	path := filepath.Join("..", "..", "tracer", "testdata", "pipeline.trace")

	events := -1
	for _, way := range ways {
		var out bytes.Buffer
		var err error
		if way == "-ui" {
			err = measureUI(&out, path)
		} else {
			err = measureRead(&out, way, path)
		}
		if err != nil {
			t.Fatalf("%s: %v", way, err)
		}
		var nums []int64
		for _, f := range strings.Fields(out.String()) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				t.Fatalf("%s printed %q, not numbers", way, out.String())
			}
			nums = append(nums, n)
		}
		want := 2
		if way == "-ui" {
			want = 3 // the time until the whole, the events, the time until the first picture
		}
		if len(nums) != want || nums[0] <= 0 || nums[1] <= 0 {
			t.Fatalf("%s printed %q, want %d positive numbers", way, out.String(), want)
		}
		if events < 0 {
			events = int(nums[1])
		} else if int(nums[1]) != events {
			t.Errorf("%s saw %d events, the bare read %d", way, nums[1], events)
		}
		if way == "-ui" && (nums[2] <= 0 || nums[2] > nums[0]) {
			t.Errorf("the first picture came at %d ns, the whole at %d", nums[2], nums[0])
		}
	}
}
