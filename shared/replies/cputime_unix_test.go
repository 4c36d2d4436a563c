//go:build unix

package replies

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time this process has used, user and system,
// in all its threads (the garbage collector's too): on a shared machine it
// measures the work done, where wall time also measures the neighbours.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
