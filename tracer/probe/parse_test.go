package probe

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestRoundTrip checks that every line the probe writes parses back into
// what was written.
func TestRoundTrip(t *testing.T) {
	long := strings.Repeat("é", 40)
	tests := []struct {
		name string
		msg  []byte
		want Annotation
	}{
		{"chan", chanMsg("chan", 7, 3, "worklist"), Annotation{Verb: VerbChan, Chan: 7, Cap: 3, Name: "worklist"}},
		{"chan with spaces", chanMsg("chan", 1, 0, "client 127.0.0.1:5"),
			Annotation{Verb: VerbChan, Chan: 1, Name: "client 127.0.0.1:5"}},
		{"ext", chanMsg("ext", 2, 1, "tick"), Annotation{Verb: VerbExt, Chan: 2, Cap: 1, Name: "tick"}},
		{"send", opMsg(nil, "send", 1, 9, true, format(81)),
			Annotation{Verb: VerbSend, Chan: 1, Seq: 9, Value: "81", HasVal: true}},
		{"send empty string", opMsg(nil, "send", 1, 2, true, format("")),
			Annotation{Verb: VerbSend, Chan: 1, Seq: 2, HasVal: true}},
		{"send long", opMsg(nil, "send", 1, 2, true, format(long)),
			Annotation{Verb: VerbSend, Chan: 1, Seq: 2, Value: clip(long), HasVal: true}},
		{"sent", opMsg(nil, "sent", 4, 5, false, ""), Annotation{Verb: VerbSent, Chan: 4, Seq: 5}},
		{"recv", idMsg(nil, "recv", 3), Annotation{Verb: VerbRecv, Chan: 3}},
		{"recvd", recvdMsg(nil, "recvd", 3, 8, true), Annotation{Verb: VerbRecvd, Chan: 3, Seq: 8, OK: true}},
		{"recvd closed", recvdMsg(nil, "recvd", 3, 0, false), Annotation{Verb: VerbRecvd, Chan: 3}},
		{"close", idMsg(nil, "close", 3), Annotation{Verb: VerbClose, Chan: 3}},
		{"select", selectMsg(5, 3), Annotation{Verb: VerbSelect, Select: 5, Cases: 3}},
		{"begin", []byte("begin"), Annotation{Verb: VerbBegin}},
		{"end", []byte("end"), Annotation{Verb: VerbEnd}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(string(tc.msg))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.msg, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q):\ngot  %+v\nwant %+v", tc.msg, got, tc.want)
			}
		})
	}
}

// TestSelectRoundTrip checks the case and chose lines of a select.
func TestSelectRoundTrip(t *testing.T) {
	c := NewChan[string]("words", 1)
	cases := []Case{c.SendCase("a b", nil), c.RecvCase(nil), Default(nil)}
	want := []Annotation{
		{Verb: VerbCase, Select: 4, Case: 0, Dir: DirSend, Chan: c.id, Seq: 6, Value: "a b", HasVal: true},
		{Verb: VerbCase, Select: 4, Case: 1, Dir: DirRecv, Chan: c.id},
		{Verb: VerbCase, Select: 4, Case: 2, Dir: DirDefault},
		{Verb: VerbCase, Select: 4, Case: 3, Dir: DirNil},
	}
	var nilTick <-chan int
	cases = append(cases, RecvCase("tick", nilTick, nil))
	for i, cs := range cases {
		msg := caseMsg(4, i, cs, 6)
		got, err := Parse(string(msg))
		if err != nil {
			t.Fatalf("Parse(%q): %v", msg, err)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("Parse(%q):\ngot  %+v\nwant %+v", msg, got, want[i])
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, msg := range []string{
		"", "nonsense", "send", "send x 1 2", "sent 1", "sent 1 2 3", "recvd 1 2 yes",
		"chan -1 0 x", "case 1 0 sideways 3", "select 1 -2", "recv 1 2",
	} {
		if _, err := Parse(msg); !errors.Is(err, ErrFormat) {
			t.Errorf("Parse(%q): got error %v, want ErrFormat", msg, err)
		}
	}
}

// TestUint checks that the probe's numbers are read as strconv.ParseUint
// reads them, at the edges of 64 bits too.
func TestUint(t *testing.T) {
	for _, w := range []string{
		"0", "7", "007", "42", "18446744073709551615", "18446744073709551616",
		"99999999999999999999", "184467440737095516150", "-1", "+1", "1x", "x", "1_0", " ", "٣",
	} {
		p := fields{rest: w}
		got := p.uint()
		want, err := strconv.ParseUint(w, 10, 64)
		if p.bad != (err != nil) || err == nil && got != want {
			t.Errorf("uint(%q) = %d, failed %v; strconv: %d, %v", w, got, p.bad, want, err)
		}
	}
	for v := Verb(0); v <= VerbEnd+1; v++ {
		if got := verbOf(v.String()); v >= VerbChan && v <= VerbEnd && got != v ||
			(v < VerbChan || v > VerbEnd) && got != 0 {
			t.Errorf("verbOf(%q) = %d, want %d", v.String(), got, v)
		}
	}
}

func TestClip(t *testing.T) {
	for _, s := range []string{"", "short", strings.Repeat("x", 100), strings.Repeat("日本", 30), "two\nlines"} {
		got := clip(s)
		if len(got) > MaxValue+len(`\n`)*strings.Count(s, "\n") || strings.ContainsAny(got, "\r\n") {
			t.Errorf("clip(%q) = %q: too long or not one line", s, got)
		}
	}
}

// FuzzParse checks that no message makes Parse panic, and that what it
// accepts it reads the same when written back in the probe's format.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"chan 1 0 naturals", "send 1 2 3", "sent 1 2", "recv 1", "recvd 1 2 1",
		"recvd 4 0 1 2026-12-03", "close 1", "select 1 2", "case 1 0 send 2 3 x",
		"case 1 1 recv 2", "case 1 2 default", "chose 1 0 3 1", "begin", "end",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		a, err := Parse(msg)
		if err != nil {
			return
		}
		if a.Verb == 0 {
			t.Fatalf("Parse(%q) accepted a message with no verb", msg)
		}
		if a.Verb == VerbSend {
			again := opMsg(nil, "send", a.Chan, a.Seq, true, a.Value)
			b, err := Parse(string(again))
			if err != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("send %q does not survive a round trip: %+v vs %+v (%v)", msg, a, b, err)
			}
		}
	})
}
