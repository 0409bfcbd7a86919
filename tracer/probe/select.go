package probe

import (
	"reflect"
	"runtime/trace"
	"strconv"
	"sync"
)

// A Case is one case of a Select: a send, a receive or the default. Make
// cases with Chan.SendCase, Chan.RecvCase, RecvCase and Default.
type Case struct {
	dir  reflect.SelectDir
	ch   reflect.Value // the underlying channel; invalid for the default
	id   uint64        // the channel's annotation id
	ext  uint64        // capacity+1 of a channel not made by NewChan; 0 if it was
	name string        // the name of an ext channel

	nextSeq func() uint64                  // send: numbers the value
	value   func(seq uint64) reflect.Value // send: what goes into the channel
	text    func() string                  // send: the value as text

	seqOf  func(v reflect.Value) uint64 // receive on a Chan: the seq received
	textOf func(v reflect.Value) string // receive on an ext channel: the value

	then func(v reflect.Value, ok bool) // called when the case is chosen
}

// SendCase is a select case that sends v on c; then, if not nil, is called
// when the select chooses it.
func (c *Chan[T]) SendCase(v T, then func()) Case {
	return Case{
		dir:     reflect.SelectSend,
		ch:      reflect.ValueOf(c.c),
		id:      c.id,
		nextSeq: func() uint64 { return c.seq.Add(1) },
		value:   func(seq uint64) reflect.Value { return reflect.ValueOf(item[T]{v: v, seq: seq}) },
		text:    func() string { return format(v) },
		then: func(reflect.Value, bool) {
			if then != nil {
				then()
			}
		},
	}
}

// RecvCase is a select case that receives from c; then, if not nil, is
// called with the value and ok as a receive returns them.
func (c *Chan[T]) RecvCase(then func(v T, ok bool)) Case {
	return Case{
		dir:   reflect.SelectRecv,
		ch:    reflect.ValueOf(c.c),
		id:    c.id,
		seqOf: func(v reflect.Value) uint64 { return v.Interface().(item[T]).seq },
		then: func(v reflect.Value, ok bool) {
			if then != nil {
				it, _ := v.Interface().(item[T])
				then(it.v, ok)
			}
		},
	}
}

// extIDs gives each channel that was not made by NewChan, but received from
// in a select, an annotation id of its own.
var extIDs sync.Map // reflect channel pointer -> uint64

// RecvCase is a select case that receives from a channel that was not made
// by NewChan, such as a time.Ticker's; the trace calls it name. Its
// receives are annotated with their values, but not paired with sends.
func RecvCase[T any](name string, ch <-chan T, then func(v T, ok bool)) Case {
	rv := reflect.ValueOf(ch)
	if ch == nil {
		// A nil channel never proceeds, as in the book's trick of
		// turning a case off; it has no identity to annotate.
		return Case{dir: reflect.SelectRecv, ch: rv, then: func(reflect.Value, bool) {}}
	}
	id, ok := extIDs.Load(rv.Pointer())
	if !ok {
		id, _ = extIDs.LoadOrStore(rv.Pointer(), lastChan.Add(1))
	}
	return Case{
		dir:    reflect.SelectRecv,
		ch:     rv,
		id:     id.(uint64),
		ext:    uint64(cap(ch)) + 1,
		name:   name,
		textOf: func(v reflect.Value) string { return format(v.Interface()) },
		then: func(v reflect.Value, ok bool) {
			if then != nil {
				x, _ := v.Interface().(T)
				then(x, ok)
			}
		},
	}
}

// Default is the default case of a select; then, if not nil, is called when
// the select chooses it.
func Default(then func()) Case {
	return Case{dir: reflect.SelectDefault, then: func(reflect.Value, bool) {
		if then != nil {
			then()
		}
	}}
}

// Select blocks until one of its cases can proceed, as a select statement
// does, runs that case's function and returns the case's index.
func Select(cases ...Case) int {
	on := trace.IsEnabled()
	var sel uint64
	if on {
		sel = lastSelect.Add(1)
		logf(selectMsg(sel, len(cases)))
	}

	// Build the reflect cases, numbering the values to send and annotating
	// each case before the select can block.
	rc := make([]reflect.SelectCase, len(cases))
	seqs := make([]uint64, len(cases))
	for i, c := range cases {
		rc[i] = reflect.SelectCase{Dir: c.dir, Chan: c.ch}
		if c.dir == reflect.SelectSend {
			if on {
				seqs[i] = c.nextSeq()
			}
			rc[i].Send = c.value(seqs[i])
		}
		if on {
			logf(caseMsg(sel, i, c, seqs[i]))
		}
	}

	i, v, ok := reflect.Select(rc)
	if on {
		logf(choseMsg(sel, i, cases[i], seqs[i], v, ok))
	}
	cases[i].then(v, ok)
	return i
}

func selectMsg(sel uint64, n int) []byte {
	b := make([]byte, 0, 32)
	b = append(b, "select "...)
	b = strconv.AppendUint(b, sel, 10)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(n), 10)
}

// caseMsg describes case i; for a case on an ext channel it first
// announces the channel, since the trace may have begun after its last use.
func caseMsg(sel uint64, i int, c Case, seq uint64) []byte {
	if c.ext != 0 {
		logf(chanMsg("ext", c.id, int(c.ext-1), c.name))
	}
	b := make([]byte, 0, 48)
	b = append(b, "case "...)
	b = strconv.AppendUint(b, sel, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(i), 10)
	switch c.dir {
	case reflect.SelectSend:
		b = append(b, " send "...)
		b = strconv.AppendUint(b, c.id, 10)
		b = append(b, ' ')
		b = strconv.AppendUint(b, seq, 10)
		b = append(b, ' ')
		b = append(b, c.text()...)
	case reflect.SelectRecv:
		if c.id == 0 {
			return append(b, " nil"...)
		}
		b = append(b, " recv "...)
		b = strconv.AppendUint(b, c.id, 10)
	default:
		b = append(b, " default"...)
	}
	return b
}

func choseMsg(sel uint64, i int, c Case, seq uint64, v reflect.Value, ok bool) []byte {
	b := make([]byte, 0, 48)
	b = append(b, "chose "...)
	b = strconv.AppendUint(b, sel, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(i), 10)
	if c.dir == reflect.SelectRecv && ok && c.seqOf != nil {
		seq = c.seqOf(v)
	}
	b = append(b, ' ')
	b = strconv.AppendUint(b, seq, 10)
	switch {
	case c.dir != reflect.SelectRecv || ok:
		b = append(b, " 1"...)
	default:
		b = append(b, " 0"...)
	}
	if c.dir == reflect.SelectRecv && ok && c.textOf != nil {
		b = append(b, ' ')
		b = append(b, c.textOf(v)...)
	}
	return b
}
