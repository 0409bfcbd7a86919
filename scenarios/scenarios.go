package scenarios

import (
	"context"
	"flag"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Scenario is one of the book's programs.
type Scenario struct {
	Name    string // what the user types: gocspviz run Name
	Section string // the book's section, such as "8.4.2"
	Summary string // one line on the pattern it shows

	// Setup declares the scenario's flags on fs and returns the function
	// that runs it with the values fs will hold once parsed. The function
	// writes what the book's program prints to out.
	Setup func(fs *flag.FlagSet) Main
}

// Main runs a scenario. It returns an error when the scenario could not do
// its work (a listener that would not open, say), not when ctx ends it.
type Main func(ctx context.Context, out io.Writer) error

var registry = map[string]Scenario{}

// register adds s to the registry; it is called from init only.
func register(s Scenario) {
	if _, dup := registry[s.Name]; dup {
		panic("scenarios: registered twice: " + s.Name)
	}
	registry[s.Name] = s
}

// All returns every scenario, in the book's order.
func All() []Scenario {
	all := make([]Scenario, 0, len(registry))
	for _, s := range registry {
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool {
		if c := compareSections(all[i].Section, all[j].Section); c != 0 {
			return c < 0
		}
		return all[i].Name < all[j].Name
	})
	return all
}

// Lookup returns the scenario called name.
func Lookup(name string) (Scenario, bool) {
	s, ok := registry[name]
	return s, ok
}

// compareSections orders section numbers such as "8.4.2" and "8.10" by
// their numbers, not their text.
func compareSections(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}

// lockedWriter lets several goroutines write to one writer, a line at a
// time, as several terminals share one screen: the book's
// programs print from many goroutines to one stdout.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p to the underlying writer, holding the lock.
func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}
