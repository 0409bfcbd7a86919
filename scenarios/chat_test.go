package scenarios

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gocspviz/gocspviz/tracer"
)

func TestChat(t *testing.T) {
	tests := []struct {
		name          string
		clients, says int
		pause         string
	}{
		{"one after another", 3, 2, "30ms"},
		{"all at once", 5, 1, "0s"},
		{"alone", 1, 1, "10ms"},
		{"silent", 3, 0, "20ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tl := record(t, "chat", "-clients", strconv.Itoa(tt.clients),
				"-says", strconv.Itoa(tt.says), "-pause", tt.pause)
			screens := chatScreens(t, out)
			if len(screens) != tt.clients {
				t.Fatalf("got screens of %d clients, want %d:\n%s", len(screens), tt.clients, out)
			}

			// One broadcaster, and a handleConn and a clientWriter per
			// client, all ended.
			bcs := goroutinesRunning(tl, ".chat.broadcaster")
			if len(bcs) != 1 {
				t.Fatalf("got %d broadcaster goroutines, want 1", len(bcs))
			}
			bc := bcs[0]
			handlers := goroutinesRunning(tl, ".chat.handleConn")
			writers := goroutinesRunning(tl, ".chat.clientWriter")
			if len(handlers) != tt.clients || len(writers) != tt.clients {
				t.Errorf("got %d handleConn and %d clientWriter goroutines, want %d of each",
					len(handlers), len(writers), tt.clients)
			}
			netcats := goroutinesRunning(tl, ".chat.netcat")
			for _, g := range slices.Concat(bcs, handlers, writers, netcats) {
				if g.Ended == tracer.NoTime {
					t.Errorf("goroutine %d (%s) has not ended", g.ID, g.Name)
				}
			}

			// The broadcaster selects over entering, leaving and messages:
			// for every client one entering, one leaving, and its arrival,
			// its departure and its lines on messages; then the close.
			events := chatBroadcasts(t, tl, bc.ID)
			if want := 2*tt.clients + tt.clients*(2+tt.says) + 1; len(events) != want {
				t.Errorf("the broadcaster's selects chose %d times, want %d", len(events), want)
			}
			if n := len(events); n > 0 && (events[n-1].ch != "messages" || events[n-1].ok) {
				t.Errorf("the broadcaster's last select got %+v, want the close of messages", events[n-1])
			}

			// Each client's channel is named after it and closed by the
			// broadcaster when the client leaves.
			for _, s := range screens {
				ch := channel(t, tl, "client "+s.who)
				if !slices.ContainsFunc(opsOf(ch, tracer.Close), func(op tracer.Op) bool {
					return op.Kind == tracer.Close && op.G == bc.ID
				}) {
					t.Errorf("channel %q was not closed by the broadcaster", ch.Name)
				}
			}

			// Every message reaches every client present when the
			// broadcaster took it, and no other: replay the broadcaster's
			// choices and compare with what each client read over TCP.
			want := map[string][]string{}
			present := map[string]bool{}
			for _, e := range events {
				switch e.ch {
				case "entering":
					present[e.value] = true
				case "leaving":
					delete(present, e.value)
				case "messages":
					for cli := range present {
						want[cli] = append(want[cli], e.value)
					}
				}
			}
			for name, s := range screens {
				if got, w := s.read, want["client "+s.who]; !slices.Equal(got, w) {
					t.Errorf("%s (%s) read\n\t%q\nwant\n\t%q", name, s.who, got, w)
				}
			}

			// Everything each client said went through messages.
			for name, s := range screens {
				for j := range tt.says {
					line := s.who + ": " + name + " says hi " + strconv.Itoa(j+1)
					if !slices.ContainsFunc(events, func(e chatEvent) bool { return e.value == line }) {
						t.Errorf("the broadcaster never got %q", line)
					}
				}
			}
		})
	}
}

// chatScreen is what one scripted chat client read.
type chatScreen struct {
	who  string   // its address, as the server's greeting says
	read []string // the lines after the greeting
}

// chatScreens parses what the chat's clients printed, by client name.
func chatScreens(t *testing.T, out string) map[string]*chatScreen {
	t.Helper()
	screens := map[string]*chatScreen{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, text, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("got line %q, want \"ncN text\"", line)
		}
		s := screens[name]
		if s == nil {
			who, ok := strings.CutPrefix(text, "You are ")
			if !ok {
				t.Fatalf("%s began with %q, want its greeting", name, text)
			}
			screens[name] = &chatScreen{who: who}
			continue
		}
		s.read = append(s.read, text)
	}
	return screens
}

// chatEvent is what one of the broadcaster's selects received.
type chatEvent struct {
	ch    string // the channel's name
	value string
	ok    bool
}

// chatBroadcasts returns what the broadcaster's selects received, in the
// order it ran them, and checks that each offered the three channels.
func chatBroadcasts(t *testing.T, tl *tracer.Timeline, bc tracer.GID) []chatEvent {
	t.Helper()
	type chosen struct {
		sel int32
		e   chatEvent
	}
	var got []chosen
	for _, c := range tl.Channels {
		for _, op := range c.Ops.All() {
			if op.Select < 0 || op.G != bc {
				continue
			}
			if op.Kind != tracer.Recv {
				t.Errorf("the broadcaster's select did a %v on %q, want receives only", op.Kind, c.Name)
			}
			got = append(got, chosen{op.Select, chatEvent{c.Name, op.Value, op.OK}})
		}
	}
	slices.SortFunc(got, func(a, b chosen) int {
		return cmp.Or(cmp.Compare(tl.Selects[a.sel].Start, tl.Selects[b.sel].Start),
			cmp.Compare(a.sel, b.sel))
	})

	events := make([]chatEvent, len(got))
	for i, c := range got {
		events[i] = c.e
		var names []string
		for _, sc := range tl.Selects[c.sel].Cases {
			if sc.Chan >= 0 {
				names = append(names, tl.Channels[sc.Chan].Name)
			}
		}
		slices.Sort(names)
		if want := []string{"entering", "leaving", "messages"}; !slices.Equal(names, want) {
			t.Errorf("a broadcaster's select offered %q, want %q", names, want)
		}
	}
	return events
}
