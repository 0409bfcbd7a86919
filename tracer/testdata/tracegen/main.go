// Command tracegen writes a small execution trace to the file named by its
// argument: a three-stage pipeline over unbuffered channels, a WaitGroup, a
// sleep, and a task, a region and logs of runtime/trace. The read tests run
// it under older Go toolchains to get traces in their formats, so it keeps
// to what Go 1.19 compiles.
//
// With -generations after the file, it runs the pipeline three times, a
// second and more apart, while a goroutine waits throughout: the runtime
// starts a generation every second, so the trace has several, and a wait
// and a sleep that cross their boundaries.
package main

import (
	"context"
	"log"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	ctx, task := trace.NewTask(context.Background(), "tracegen")
	if len(os.Args) > 2 && os.Args[2] == "-generations" {
		done := make(chan struct{})
		waited := make(chan struct{})
		go func() { // waits across the generations
			<-done
			close(waited)
		}()
		for i := 0; i < 3; i++ {
			if i > 0 {
				time.Sleep(1100 * time.Millisecond)
			}
			pipeline(ctx)
		}
		close(done)
		<-waited
	} else {
		pipeline(ctx)
	}
	time.Sleep(time.Millisecond)

	task.End()
	trace.Stop()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// pipeline runs the three stages to their end.
func pipeline(ctx context.Context) {
	naturals := make(chan int) // counter -> squarer
	squares := make(chan int)  // squarer -> main
	var wg sync.WaitGroup
	wg.Add(2)
	go counter(&wg, naturals)
	go squarer(&wg, naturals, squares)
	trace.WithRegion(ctx, "print", func() {
		for x := range squares {
			trace.Logf(ctx, "square", "%d", x)
		}
	})
	wg.Wait()
}

// counter sends 0, 1, 2 on out, then closes it.
func counter(wg *sync.WaitGroup, out chan<- int) {
	defer wg.Done()
	for x := 0; x < 3; x++ {
		out <- x
	}
	close(out)
}

// squarer sends the square of each value it receives.
func squarer(wg *sync.WaitGroup, in <-chan int, out chan<- int) {
	defer wg.Done()
	for x := range in {
		out <- x * x
	}
	close(out)
}
