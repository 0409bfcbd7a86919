package scenarios

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocspviz/gocspviz/tracer"
)

// TestCrawler checks, for each variant, that the crawler fetches every page
// it may reach exactly once, and never more pages at once than it has
// tokens or crawlers: from its output, from the server's count, and from
// the trace.
func TestCrawler(t *testing.T) {
	const pages, seed, tokens = 80, 3, 4
	tests := []struct {
		name  string
		depth int // -1: no limit
		pool  bool
	}{
		{"all", -1, false},
		{"depth", 2, false},
		{"pool", -1, true},
		{"pool depth", 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-pages", strconv.Itoa(pages), "-seed", strconv.Itoa(seed),
				"-tokens", strconv.Itoa(tokens), "-delay", "2ms", "-depth", strconv.Itoa(tt.depth)}
			if tt.pool {
				args = append(args, "-pool")
			}
			out, tl := record(t, "crawler", args...)
			fetched := crawledPaths(t, out)
			dist := siteDistances(newSite(pages, seed, 0), pagePath(0))

			// Every path printed once, and only paths within reach.
			for path, n := range fetched {
				d, ok := dist[path]
				if n != 1 {
					t.Errorf("%s fetched %d times, want 1", path, n)
				}
				if !ok || tt.depth >= 0 && d > tt.depth {
					t.Errorf("%s fetched, at distance %d (reachable %v), want at most %d",
						path, d, ok, tt.depth)
				}
			}

			// Without a limit, every reachable path; with one, at least the
			// start page and the pages it links to, which are always first
			// seen at their true depth.
			for path, d := range dist {
				must := tt.depth < 0 || d <= min(1, tt.depth)
				if must && fetched[path] == 0 {
					t.Errorf("%s at distance %d not fetched, want it fetched", path, d)
				}
			}

			// The server saw each path once, never more than tokens at once.
			var requests, paths, missing, most int
			last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
			_, err := fmt.Sscanf(last, "server: %d requests for %d paths, %d missing; at most %d at once",
				&requests, &paths, &missing, &most)
			if err != nil {
				t.Fatalf("last line %q: %v", last, err)
			}
			if requests != len(fetched) || paths != len(fetched) {
				t.Errorf("server saw %d requests for %d paths, want %d for %d",
					requests, paths, len(fetched), len(fetched))
			}
			if most > tokens {
				t.Errorf("server saw %d requests at once, want at most %d", most, tokens)
			}
			s := newSite(pages, seed, 0)
			broken := 0
			for path := range fetched {
				if _, ok := s.page(path); !ok {
					broken++
				}
			}
			if missing != broken {
				t.Errorf("server saw %d missing paths, want %d", missing, broken)
			}
			if tt.depth < 0 && broken == 0 {
				t.Errorf("no broken link reached, want some: the test's site is too small")
			}

			// The trace: one list on worklist per crawl, and the start list.
			worklist := channel(t, tl, "worklist")
			if got, want := completed(worklist, tracer.Recv), len(fetched)+1; got != want {
				t.Errorf("worklist receives: got %d, want %d", got, want)
			}
			if tt.pool {
				checkCrawlPool(t, tl, len(fetched), tokens)
			} else {
				checkCrawlTokens(t, tl, len(fetched), tokens)
			}
		})
	}
}

// checkCrawlTokens checks the trace of the version with a semaphore: a
// crawler goroutine and a token for each page, held by at most capacity at
// once.
func checkCrawlTokens(t *testing.T, tl *tracer.Timeline, fetched, capacity int) {
	t.Helper()
	tokens := channel(t, tl, "tokens")
	if tokens.Cap != capacity {
		t.Errorf("tokens capacity: got %d, want %d", tokens.Cap, capacity)
	}
	if got := completed(tokens, tracer.Send); got != fetched {
		t.Errorf("tokens acquired: got %d, want %d", got, fetched)
	}
	if got := completed(tokens, tracer.Recv); got != fetched {
		t.Errorf("tokens released: got %d, want %d", got, fetched)
	}
	if got := len(goroutinesRunning(tl, "/scenarios.crawler")); got != fetched {
		t.Errorf("crawler goroutines: got %d, want %d", got, fetched)
	}

	// A lower bound of the tokens held at once stays within the capacity.
	if most := mostHeld(tokens); most > capacity {
		t.Errorf("tokens held at once: got %d, want at most %d", most, capacity)
	}
}

// checkCrawlPool checks the trace of the version with a pool: one send on
// unseenLinks per page, a close, and a fixed number of crawlers.
func checkCrawlPool(t *testing.T, tl *tracer.Timeline, fetched, crawlers int) {
	t.Helper()
	unseen := channel(t, tl, "unseenLinks")
	if got := completed(unseen, tracer.Send); got != fetched {
		t.Errorf("unseenLinks sends: got %d, want %d", got, fetched)
	}
	if got := completed(unseen, tracer.Close); got != 1 {
		t.Errorf("unseenLinks closes: got %d, want 1", got)
	}
	if got := len(goroutinesRunning(tl, "/scenarios.poolCrawler")); got != crawlers {
		t.Errorf("poolCrawler goroutines: got %d, want %d", got, crawlers)
	}
	for _, c := range tl.Channels {
		if c.Name == "tokens" {
			t.Errorf("channel tokens in the pool version, want none")
		}
	}
}

// TestCrawlerFlags checks that bad flags are an error, not a crawl.
func TestCrawlerFlags(t *testing.T) {
	for _, args := range [][]string{{"-pages", "0"}, {"-tokens", "0"}, {"-delay", "-1s"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if _, err := runDirect(t, context.Background(), "crawler", args...); err == nil {
				t.Errorf("got no error, want one")
			}
		})
	}
}

// TestCrawlerCancel cancels a crawl midway: it must end without an error,
// with the server closed and no goroutine left (TestMain checks that).
func TestCrawlerCancel(t *testing.T) {
	for _, args := range [][]string{nil, {"-pool"}} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			out, err := runDirect(t, ctx, "crawler", args...)
			if err != nil {
				t.Errorf("got %v, want no error", err)
			}
			if !strings.Contains(out, "server: ") {
				t.Errorf("got output %q, want the server's summary", out)
			}
		})
	}
}

// crawledPaths returns how many times the crawler printed each path.
func crawledPaths(t *testing.T, out string) map[string]int {
	t.Helper()
	paths := make(map[string]int)
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "http://") {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(line))
		if err != nil || u.Hostname() != "127.0.0.1" {
			t.Fatalf("line %q: got %v, want a URL on 127.0.0.1", line, err)
		}
		paths[u.Path]++
	}
	return paths
}

// siteDistances returns the distance in links from start of every path that
// can be reached from it, broken links included, by a breadth-first search
// over the site's own list of links.
func siteDistances(s *site, start string) map[string]int {
	dist := map[string]int{start: 0}
	for queue := []string{start}; len(queue) > 0; queue = queue[1:] {
		i, ok := s.page(queue[0])
		if !ok {
			continue
		}
		for _, href := range s.links[i] {
			if _, seen := dist[href]; !seen {
				dist[href] = dist[queue[0]] + 1
				queue = append(queue, href)
			}
		}
	}
	return dist
}
