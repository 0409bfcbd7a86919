package probe

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Verb says what an annotation records.
type Verb uint8

// The verbs of the log format, one for each kind of line.
const (
	VerbChan   Verb = iota + 1 // a channel was made
	VerbExt                    // a channel not made by NewChan was named
	VerbSend                   // a send begins
	VerbSent                   // a send completed
	VerbRecv                   // a receive begins
	VerbRecvd                  // a receive completed
	VerbClose                  // a channel is closed
	VerbSelect                 // a select begins
	VerbCase                   // one case of a select
	VerbChose                  // a select completed
	VerbBegin                  // the recorded function starts
	VerbEnd                    // the recorded function returned
)

// verbs are the verbs as they are written in the log, by Verb.
var verbs = [...]string{
	VerbChan: "chan", VerbExt: "ext", VerbSend: "send", VerbSent: "sent",
	VerbRecv: "recv", VerbRecvd: "recvd", VerbClose: "close",
	VerbSelect: "select", VerbCase: "case", VerbChose: "chose",
	VerbBegin: "begin", VerbEnd: "end",
}

// verbOf returns the verb written w, or 0. A switch on the word, which
// the compiler turns into a few comparisons, found a verb in a third of
// the time a map did: the reader parses millions of annotations.
func verbOf(w string) Verb {
	switch w {
	case "chan":
		return VerbChan
	case "ext":
		return VerbExt
	case "send":
		return VerbSend
	case "sent":
		return VerbSent
	case "recv":
		return VerbRecv
	case "recvd":
		return VerbRecvd
	case "close":
		return VerbClose
	case "select":
		return VerbSelect
	case "case":
		return VerbCase
	case "chose":
		return VerbChose
	case "begin":
		return VerbBegin
	case "end":
		return VerbEnd
	}
	return 0
}

// String returns the verb as it is written in the log.
func (v Verb) String() string {
	if int(v) < len(verbs) && verbs[v] != "" {
		return verbs[v]
	}
	return "verb(" + strconv.Itoa(int(v)) + ")"
}

// Annotation is one parsed log line. Which fields are set depends on Verb;
// the others are zero.
type Annotation struct {
	Verb  Verb
	Chan  uint64 // channel id
	Cap   int    // capacity (chan, ext)
	Name  string // channel name (chan, ext)
	Seq   uint64 // value number (send, sent, recvd, case send, chose)
	OK    bool   // recvd, chose: false for the zero value of a closed channel
	Value string // value text (send, case send; recvd and chose on ext)

	Select uint64  // select id (select, case, chose)
	Cases  int     // number of cases (select)
	Case   int     // case index (case, chose)
	Dir    CaseDir // case direction (case)
	HasVal bool    // Value was present on the line
}

// CaseDir is the direction of a select case.
type CaseDir uint8

// The directions of a select case.
const (
	DirSend CaseDir = iota + 1
	DirRecv
	DirDefault
	DirNil // a receive from a nil channel, which never proceeds
)

// ErrFormat is wrapped by every error Parse returns.
var ErrFormat = errors.New("malformed probe annotation")

// Parse reads one log message of category Category. It never panics, and
// reports a message it cannot read with an error that wraps ErrFormat.
func Parse(msg string) (Annotation, error) {
	var a Annotation
	p := fields{rest: msg}
	verb := verbOf(p.word())
	if verb == 0 {
		return a, fmt.Errorf("%w: unknown verb in %q", ErrFormat, msg)
	}
	a.Verb = verb
	switch verb {
	case VerbChan, VerbExt:
		a.Chan = p.uint()
		a.Cap = p.int()
		a.Name = p.tail()
	case VerbSend:
		a.Chan, a.Seq = p.uint(), p.uint()
		a.Value, a.HasVal = p.tail(), true
	case VerbSent:
		a.Chan, a.Seq = p.uint(), p.uint()
	case VerbRecv, VerbClose:
		a.Chan = p.uint()
	case VerbRecvd:
		a.Chan, a.Seq, a.OK = p.uint(), p.uint(), p.bool()
		a.Value, a.HasVal = p.optTail()
	case VerbSelect:
		a.Select, a.Cases = p.uint(), p.int()
	case VerbCase:
		a.Select, a.Case = p.uint(), p.int()
		switch p.word() {
		case "send":
			a.Dir = DirSend
			a.Chan, a.Seq = p.uint(), p.uint()
			a.Value, a.HasVal = p.tail(), true
		case "recv":
			a.Dir = DirRecv
			a.Chan = p.uint()
		case "default":
			a.Dir = DirDefault
		case "nil":
			a.Dir = DirNil
		default:
			p.fail()
		}
	case VerbChose:
		a.Select, a.Case, a.Seq, a.OK = p.uint(), p.int(), p.uint(), p.bool()
		a.Value, a.HasVal = p.optTail()
	}
	if p.bad || (!p.tailTaken && p.rest != "") {
		return Annotation{}, fmt.Errorf("%w: %q", ErrFormat, msg)
	}
	return a, nil
}

// fields splits a message into space-separated words; bad records the
// first word that did not parse.
type fields struct {
	rest      string
	bad       bool
	tailTaken bool
}

func (p *fields) fail() { p.bad = true }

func (p *fields) word() string {
	w, rest, _ := strings.Cut(p.rest, " ")
	p.rest = rest
	if w == "" {
		p.fail()
	}
	return w
}

// uint reads a decimal number, as strconv.ParseUint does, digit by digit
// in half its time.
func (p *fields) uint() uint64 {
	w := p.word()
	if w == "" {
		p.fail()
		return 0
	}
	var n uint64
	for i := 0; i < len(w); i++ {
		d := uint64(w[i] - '0')
		if d > 9 || n > (math.MaxUint64-d)/10 {
			p.fail()
			return 0
		}
		n = n*10 + d
	}
	return n
}

func (p *fields) int() int {
	n, err := strconv.ParseInt(p.word(), 10, 32)
	if err != nil || n < 0 {
		p.fail()
	}
	return int(n)
}

func (p *fields) bool() bool {
	switch p.word() {
	case "1":
		return true
	case "0":
		return false
	}
	p.fail()
	return false
}

// tail takes the rest of the line, spaces included, as one field.
func (p *fields) tail() string {
	s := p.rest
	p.rest, p.tailTaken = "", true
	return s
}

// optTail takes the rest of the line if there is any.
func (p *fields) optTail() (string, bool) {
	if p.rest == "" {
		p.tailTaken = true
		return "", false
	}
	return p.tail(), true
}
