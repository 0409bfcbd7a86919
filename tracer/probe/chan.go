package probe

import (
	"context"
	"iter"
	"runtime/trace"
	"strconv"
	"sync/atomic"
)

// Category is the runtime/trace log category of every annotation, and names
// the version of the log format.
const Category = "gocspviz.v1"

// MaxValue is the longest value text, in bytes, that an annotation carries.
const MaxValue = 48

// lastChan and lastSelect number channels and selects within the process.
var lastChan, lastSelect atomic.Uint64

// item is what travels through an instrumented channel: the value and the
// sequence number its sender gave it.
type item[T any] struct {
	v   T
	seq uint64
}

// A Chan is a channel of T whose operations are written into the execution
// trace. Make one with NewChan; the zero value is not usable.
type Chan[T any] struct {
	c    chan item[T]
	id   uint64
	name string
	seq  atomic.Uint64 // the last sequence number given to a value
}

// Sender is the send side of a channel, the counterpart of chan<- T.
type Sender[T any] interface {
	Send(v T)
	SendCase(v T, then func()) Case
	Close()
}

// Receiver is the receive side of a channel, the counterpart of <-chan T.
type Receiver[T any] interface {
	Recv() (T, bool)
	RecvCase(then func(v T, ok bool)) Case
	All() iter.Seq[T]
}

// NewChan makes a channel of T with the given name and capacity (0 for an
// unbuffered channel) and, if tracing is on, records that it was made.
func NewChan[T any](name string, capacity int) *Chan[T] {
	c := &Chan[T]{c: make(chan item[T], capacity), id: lastChan.Add(1), name: name}
	if trace.IsEnabled() {
		logf(chanMsg("chan", c.id, capacity, name))
	}
	return c
}

// Name returns the name the channel was made with.
func (c *Chan[T]) Name() string { return c.name }

// String returns the channel's name, so that a channel sent over a
// channel shows by its name in the trace.
func (c *Chan[T]) String() string { return c.name }

// Len returns the number of values in the channel's buffer, as len does.
func (c *Chan[T]) Len() int { return len(c.c) }

// Cap returns the channel's capacity, as cap does.
func (c *Chan[T]) Cap() int { return cap(c.c) }

// Send sends v on the channel, blocking as a channel send does.
func (c *Chan[T]) Send(v T) {
	if !trace.IsEnabled() {
		c.c <- item[T]{v: v}
		return
	}
	var buf [96]byte // on the stack: the message is copied into the trace
	seq := c.seq.Add(1)
	logf(opMsg(buf[:0], "send", c.id, seq, true, format(v)))
	c.c <- item[T]{v: v, seq: seq}
	logf(opMsg(buf[:0], "sent", c.id, seq, false, ""))
}

// Recv receives a value, blocking as a channel receive does. Its second
// result is false when the channel is closed and empty.
func (c *Chan[T]) Recv() (T, bool) {
	if !trace.IsEnabled() {
		it, ok := <-c.c
		return it.v, ok
	}
	var buf [48]byte // on the stack: the message is copied into the trace
	logf(idMsg(buf[:0], "recv", c.id))
	it, ok := <-c.c
	logf(recvdMsg(buf[:0], "recvd", c.id, it.seq, ok))
	return it.v, ok
}

// All returns an iterator over the values received until the channel is
// closed: for v := range ch.All() is the counterpart of for v := range ch.
func (c *Chan[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, ok := c.Recv()
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// Close closes the channel.
func (c *Chan[T]) Close() {
	if trace.IsEnabled() {
		logf(idMsg(nil, "close", c.id))
	}
	close(c.c)
}

// logf writes one annotation into the trace.
func logf(msg []byte) {
	trace.Log(context.Background(), Category, string(msg))
}

// The message builders below append with strconv rather than fmt, which
// would triple the cost of an annotated operation, and those of the send
// and receive append to a buffer on the caller's stack.

func chanMsg(verb string, id uint64, capacity int, name string) []byte {
	b := make([]byte, 0, 32+len(name))
	b = append(b, verb...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, id, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(capacity), 10)
	b = append(b, ' ')
	return append(b, name...)
}

func idMsg(b []byte, verb string, id uint64) []byte {
	b = append(b, verb...)
	b = append(b, ' ')
	return strconv.AppendUint(b, id, 10)
}

// opMsg appends "verb id seq" to b and, when withValue, the value after it.
func opMsg(b []byte, verb string, id, seq uint64, withValue bool, value string) []byte {
	b = append(b, verb...)
	b = append(b, ' ')
	b = strconv.AppendUint(b, id, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, seq, 10)
	if withValue {
		b = append(b, ' ')
		b = append(b, value...)
	}
	return b
}

func recvdMsg(b []byte, verb string, id, seq uint64, ok bool) []byte {
	b = opMsg(b, verb, id, seq, false, "")
	if ok {
		return append(b, " 1"...)
	}
	return append(b, " 0"...)
}
