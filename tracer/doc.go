// Package tracer reads a Go execution trace into a Timeline: goroutines
// with their state spans, waits and wake-ups; channels with every
// operation, when the program was instrumented with package probe; and the
// ordered steps a person steps through. It knows nothing of any user
// interface.
//
// # What a trace carries
//
// These facts about the trace format, checked against x/exp/trace, are
// what the reader relies on:
//
//   - Timestamps are in nanoseconds and, on the machines seen so far,
//     multiples of 64. The Timeline counts time from the first event.
//   - Goroutine ids are the runtime's and are not in creation order.
//   - A goroutine that already existed when the trace began appears through
//     a transition from GoUndetermined, which may be timestamped well after
//     the trace's start (the runtime restates statuses at the end of a
//     generation). A goroutine waiting then is waiting since the start.
//   - Every generation restates every goroutine's state as a transition from
//     a state to itself; those carry nothing new and are skipped.
//   - The creator of a goroutine is the goroutine executing the creation
//     event; the waker of a wait is the goroutine executing the
//     waiting-to-runnable event, and there is none (NoGoroutine) when a timer
//     or the network poller made it runnable.
//   - A stack handle is valid within one generation only; stacks are
//     interned by their frames, with a per-generation cache of handles.
//     Only the stacks of waits and of go statements are kept: nothing
//     shows those of going to run, to a syscall or back.
//   - A goroutine's name, its start function, is known only once a stack of
//     it is seen: its creation stack, or for a goroutine older than the
//     trace (goroutine 1), its first stack.
//   - A select with one case and no default blocks with reason
//     "chan send" or "chan receive", not "select".
//   - From Go 1.22 on, a trace after its 16-byte header is a run of
//     batches, each a header (its kind, for an experiment's batch the
//     experiment, then the generation, the thread, the time and the data's
//     size in varints) and its data; Go 1.26 ends a generation with a byte
//     alone. The parts and the reader's bounds on
//     a batch's copy (see parts.go and bounds.go) rely on that framing.
//
// Probe annotations (see package probe for their format) are user log
// events; the receive-to-send pairing is exact, by sequence number, and is
// resolved after the whole trace is read, since a receiver may log its
// receive before a selecting sender logs that it chose the send.
//
// # Concurrency
//
// Read may be called from several goroutines at once. Each call decodes
// the trace on a goroutine of its own while the calling goroutine builds
// the timeline (see decode.go). A big trace read in parts (see parts.go)
// has, for each part after the first, a goroutine that builds the part's
// timeline and one that decodes it; the later parts wait for the first
// part's first event, and stop when the first fails. All have ended when
// Read returns, whether it returns a timeline, an error or a panic. A Timeline
// is never changed once Read has returned it, and may be read from any
// number of goroutines. The same holds for the timelines of a trace read
// so far that ReadWith hands out: each shares with the builder only
// slices the builder appends to past their end (see partial.go).
package tracer
