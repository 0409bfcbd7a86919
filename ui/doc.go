// Package ui replays a tracer.Timeline in the terminal with tview: a lane
// per goroutine over time, the channels with what is in their buffers and
// who waits on them, the current step in plain words with its stack and
// select cases, and the run's findings. The cursor moves a step at a time,
// a goroutine's step at a time, or along wake-up edges, with the keyboard
// (keyHelp is the key map) and the mouse. It neither changes nor saves
// the timeline.
//
// Every view is a function of the timeline, the cursor (the current step)
// and the viewport; stepping forward and back gives the same picture. The
// package reads the timeline and derives indexes from it once; it never
// reads a trace, and never scans the timeline while drawing: a frame looks
// up only what it shows, by binary search or going on from the column
// before, and a channel's picture from checkpoints (see chanIndex). The
// lanes keep the looks they drew while the viewport stays put, so that a
// step looks up nothing in them again (see laneCache). BenchmarkFrame and
// BenchmarkStep compare a frame of a small timeline with one of a timeline
// a thousand times larger.
//
// Drawing puts constant strings or slices of existing strings on the
// screen, and leaves clearing it to the application: tview's own boxes and
// pages fill their area with a new string per cell, so the views draw their
// borders themselves.
//
// BUG: The trace says who woke whom, not by which operation. For a send or
// receive the probe recorded, ] follows the handoff to the wake-up of the
// goroutine that waited in its other half; for any other step (a close,
// a step of an uninstrumented program) it takes the goroutine's wake-up
// of another to be the first it made since its own previous step. While
// the replay runs, the terminal's own text selection needs Shift held, as
// the replay takes the mouse.
//
// # Concurrency
//
// Replay runs tview's event loop on the calling goroutine, and only that
// loop touches the views and the replay's state. The player behind the
// Space key changes nothing itself: it queues each step through the
// application's QueueUpdateDraw, and ends when playing stops. Quitting
// while it plays stops it and leaves the loop running until it has ended,
// through a goroutine that waits for the player and then queues the stop:
// a player left waiting in QueueUpdateDraw after the loop ended would wait
// for ever.
//
// Load runs the loading on a goroutine of its own while the loop shows its
// progress, then the timeline read so far, which the user may step through
// while the rest loads. That goroutine never waits for the loop to take an
// event: it wakes it with a key event that no terminal sends, at most one
// queued at a time (QueueEvent waits only when the queue is full), and
// hands over the timelines, each with the index the views need, made off
// the loop. The loop takes the newest and moves the cursor to the same step
// in it. After partial timelines, the whole trace's index comes without the
// lists that only the keys following a goroutine need: the loader waits
// until the loop has shown the whole and let go of the partial timelines,
// or until it is cancelled, as it is once the loop has ended, then makes
// those lists and hands them over too (a key that needs them sooner makes
// them itself): they are most of an index, and are not made beside the last
// partial timeline's. Quitting while loading cancels the loader's context,
// and Load returns only after the loader has.
package ui
