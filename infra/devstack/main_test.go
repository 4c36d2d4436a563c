package devstack_test

import (
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
)

// TestMain stops the SQS and S3 emulators the stacks share (each stack has
// its own queue and bucket on them).
func TestMain(m *testing.M) { stacktest.Main(m) }
