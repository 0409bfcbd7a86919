package scenarios

import (
	"embed"
	"path"
	"strings"
)

// files holds the scenarios' own source, so that a replay can show the
// line a step happened at on any machine, wherever the binary was built.
//
//go:embed *.go
var files embed.FS

// Source returns the text of a scenario's source file, given its path as
// a stack frame of a recorded scenario names it (".../scenarios/pipeline.go").
func Source(file string) ([]byte, bool) {
	dir, name := path.Split(file)
	if !strings.HasSuffix(dir, "scenarios/") || strings.HasSuffix(name, "_test.go") {
		return nil, false
	}
	text, err := files.ReadFile(name)
	return text, err == nil
}
