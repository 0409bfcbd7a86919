// Package probe is the recording side of gocspviz: it runs a function under
// runtime/trace and annotates channel operations so that the trace carries
// what the runtime alone does not record.
//
// An execution trace says when a goroutine blocked and why ("chan send"),
// but not on which channel, with which value, nor anything at all about a
// send or receive that did not block. A program that makes its channels with
// NewChan and selects with Select writes each of those facts into the trace
// as a user log event, which package tracer reads back.
//
// # Log format, version 1
//
// Every annotation is a runtime/trace log event in category Category
// ("gocspviz.v1"), emitted by the goroutine doing the operation, so the
// trace's own goroutine id and timestamp say who and when. The message is a
// line of space-separated fields. Channel ids and select ids are decimal,
// start at 1 and are unique within one process. A value is the operand
// formatted as short text (at most MaxValue bytes, newlines replaced); it is
// always the last field and may itself contain spaces.
//
//	begin                               the recorded function starts
//	end                                 the recorded function returned
//	chan <ch> <cap> <name>              a channel was made
//	ext <ch> <cap> <name>               a channel not made here (time.Ticker.C)
//	                                    was first used in a select
//	send <ch> <seq> <value>             a send begins
//	sent <ch> <seq>                     that send completed
//	recv <ch>                           a receive begins
//	recvd <ch> <seq> <ok> [<value>]     that receive completed
//	close <ch>                          the channel is closed
//	select <sel> <n>                    a select with n cases begins
//	case <sel> <i> send <ch> <seq> <value>
//	case <sel> <i> recv <ch>
//	case <sel> <i> nil                  a receive from a nil channel
//	case <sel> <i> default              case i of select sel (0-based)
//	chose <sel> <i> <seq> <ok> [<value>]
//	                                    the select completed with case i
//
// The sender numbers its values: seq starts at 1 and is unique per channel,
// and the number travels with the value through the channel. A completed
// receive names the seq it got, so the reader pairs every receive with its
// send exactly; seq 0 with ok 0 is the zero value of a closed channel. A
// select reserves a seq for each of its send cases; the numbers of the cases
// it did not choose are never used. A value appears after recvd or chose
// only for an ext channel, whose sends are not annotated. An ext line comes
// again before every case on that channel, since a trace may begin after the
// channel's first use; a reader takes the first and ignores the others.
//
// Record writes begin and end around the function it runs, so that a
// reader can tell the program's steps from the tracing machinery's.
//
// A change to this format that a version-1 reader would misread gets a new
// category; fields may be appended to a line, never inserted.
//
// # Cost
//
// With tracing off, each operation costs one call of trace.IsEnabled more
// than the plain channel operation. With tracing on, a send or receive
// writes two log events and formats its value once.
//
// # Concurrency
//
// A Chan may be used from any number of goroutines, as a channel may.
// Record runs one function at a time: runtime/trace allows a single trace.
package probe
