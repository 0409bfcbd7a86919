package tracer_test

import (
	"bytes"
	"io"
	"os"
	"testing"

	xtrace "golang.org/x/exp/trace"

	"github.com/gocspviz/gocspviz/tracer"
)

// The read benchmarks compare tracer.Read with a bare x/exp/trace loop
// over the same trace, the floor any reader of the format has:
//
//	go test -run '^$' -bench Read ./tracer
//
// They record pipeline -n 20000 unless GOCSPVIZ_BENCH_TRACE names a trace
// file to read instead.

func benchTrace(b *testing.B) []byte {
	b.Helper()
	if path := os.Getenv("GOCSPVIZ_BENCH_TRACE"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return recordPipeline(b, "-n", "20000")
}

func BenchmarkRead(b *testing.B) {
	data := benchTrace(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tracer.Read(bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadBare(b *testing.B) {
	data := benchTrace(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := xtrace.NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.ReadEvent()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
