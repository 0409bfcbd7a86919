// Package scenarios holds the programs of chapter 8 of "The Go Programming
// Language", rewritten to make their channels with package probe so that
// their traces carry every send, receive, close and select.
//
// Each scenario is one file that reads like the book's program: one pattern,
// a doc comment naming the book's section and what the scenario leaves out on
// purpose. Each registers itself in init with a name, a one-line summary and
// its flags. Network scenarios listen on 127.0.0.1 port 0 only; file
// scenarios work in a temporary directory they remove.
//
// A scenario runs on the goroutine that calls it, as the book's main does,
// and must return soon after its context is cancelled. It leaves nothing
// behind once its context is cancelled: no goroutine, file or listener. A
// goroutine it leaks on purpose, to be seen in the trace, is released when
// the context is cancelled, which package probe does after the trace stops.
//
// The registry is filled during init and only read afterwards, so it may be
// used from any number of goroutines.
package scenarios
