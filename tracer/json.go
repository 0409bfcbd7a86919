package tracer

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
)

// The JSON shapes below are a contract with other tools (ARCHITECTURE.md):
// fields may be added, never renamed. Times are nanoseconds since the
// trace's first event; null stands for NoTime and for a missing index.

type jsonTimeline struct {
	Trace      jsonTrace       `json:"trace"`
	Goroutines []jsonGoroutine `json:"goroutines"`
	Channels   []jsonChannel   `json:"channels"`
	Findings   []jsonFinding   `json:"findings"`
}

type jsonTrace struct {
	Events     int   `json:"events"`
	DurationNs int64 `json:"duration_ns"`
}

type jsonGoroutine struct {
	ID        int64       `json:"id"`
	Name      string      `json:"name"`
	Parent    int64       `json:"parent"`
	CreatedNs *int64      `json:"created_ns"`
	EndedNs   *int64      `json:"ended_ns"`
	System    bool        `json:"system"`
	Blocks    []jsonBlock `json:"blocks"`
}

type jsonBlock struct {
	Reason     string `json:"reason"`
	StartNs    int64  `json:"start_ns"`
	EndNs      *int64 `json:"end_ns"`
	WokenBy    int64  `json:"woken_by"`
	Site       string `json:"site"`
	SinceStart bool   `json:"since_start"`
}

type jsonChannel struct {
	ID       uint64   `json:"id"`
	Name     string   `json:"name"`
	Cap      int      `json:"cap"`
	External bool     `json:"external,omitempty"`
	Ops      []jsonOp `json:"ops"`
}

type jsonOp struct {
	Op      string           `json:"op"`
	G       int64            `json:"g"`
	StartNs int64            `json:"start_ns"`
	EndNs   *int64           `json:"end_ns"`
	Value   string           `json:"value,omitempty"`
	Send    *json.RawMessage `json:"send,omitempty"`
	Select  bool             `json:"select,omitempty"`
}

type jsonFinding struct {
	Kind   string `json:"kind"`
	G      int64  `json:"g"`
	TimeNs int64  `json:"time_ns"`
	Detail string `json:"detail"`
}

// optTime returns nil for NoTime, so that it is written as null.
func optTime(t Time) *int64 {
	if t == NoTime {
		return nil
	}
	n := int64(t)
	return &n
}

// WriteJSON writes the timeline to w in the documented JSON shape.
func WriteJSON(w io.Writer, tl *Timeline) error {
	out := jsonTimeline{
		Trace:      jsonTrace{Events: tl.Events, DurationNs: int64(tl.Duration)},
		Goroutines: make([]jsonGoroutine, 0, len(tl.Goroutines)),
		Channels:   make([]jsonChannel, 0, len(tl.Channels)),
		Findings:   make([]jsonFinding, 0, len(tl.Findings)),
	}
	for _, g := range tl.Goroutines {
		jg := jsonGoroutine{
			ID: int64(g.ID), Name: g.Name, Parent: int64(g.Parent),
			CreatedNs: optTime(g.Created), EndedNs: optTime(g.Ended), System: g.System,
			Blocks: make([]jsonBlock, 0, g.Blocks.Len()),
		}
		for _, b := range g.Blocks.All() {
			jg.Blocks = append(jg.Blocks, jsonBlock{
				Reason: b.Reason, StartNs: int64(b.Start), EndNs: optTime(b.End),
				WokenBy: int64(b.WokenBy), Site: b.Site, SinceStart: b.SinceStart,
			})
		}
		out.Goroutines = append(out.Goroutines, jg)
	}
	for _, c := range tl.Channels {
		jc := jsonChannel{ID: c.ID, Name: c.Name, Cap: c.Cap, External: c.External, Ops: make([]jsonOp, 0, c.Ops.Len())}
		for _, op := range c.Ops.All() {
			jo := jsonOp{
				Op: opNames[op.Kind], G: int64(op.G), StartNs: int64(op.Start),
				EndNs: optTime(op.End), Value: op.Value, Select: op.Select >= 0,
			}
			if op.Kind == Recv && op.End != NoTime {
				// A completed receive always has the key: the send's
				// index, or null for a closed channel's zero value.
				raw := json.RawMessage("null")
				if op.Send >= 0 {
					raw = strconv.AppendInt(nil, int64(op.Send), 10)
				}
				jo.Send = &raw
			}
			jc.Ops = append(jc.Ops, jo)
		}
		out.Channels = append(out.Channels, jc)
	}
	for _, f := range tl.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			Kind: string(f.Kind), G: int64(f.G), TimeNs: int64(f.Time), Detail: f.Detail,
		})
	}

	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	return bw.Flush()
}

var opNames = map[OpKind]string{Send: "send", Recv: "recv", Close: "close"}
