package scenarios

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any scenario leaves a goroutine
// running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
