//go:build unix

package calc

import (
	"syscall"
	"time"
)

// cpuTime is the processor time the process has used (user and system), so
// that a benchmark on a shared machine can report its own work rather than
// the time it waited for a processor.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
