package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// child is one finished run of the planwatch binary.
type child struct {
	Wall   time.Duration
	MaxRSS int64 // bytes, from the child's resource usage (0 where unknown)
	Stdout []byte
}

// runChild runs bin with args to completion and measures it as a user
// would see it: wall time from start to exit, and its peak resident memory.
func runChild(ctx context.Context, bin string, args ...string) (child, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	c := child{Wall: time.Since(t0), Stdout: out.Bytes()}
	if cmd.ProcessState != nil {
		c.MaxRSS = maxRSS(cmd.ProcessState)
	}
	if err != nil {
		return c, fmt.Errorf("planwatch %s: %w\n%s", strings.Join(args, " "), err, lastLines(errb.String(), 20))
	}
	return c, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// procStatus reads the current and peak resident set size of a process
// (VmRSS, VmHWM in /proc/PID/status), in bytes; zeros where /proc is absent.
func procStatus(pid int) (rss, hwm int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	kb := func(rest string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		return n << 10
	}
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			rss = kb(rest)
		} else if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			hwm = kb(rest)
		}
	}
	return rss, hwm
}

// procCPU is the processor time (user and system) a running process has
// used so far, from /proc (0 where unknown). The load test reports the
// server's share per view: unlike wall times, it does not grow with what
// else runs on the machine.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// the fields counted from after its closing one.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0
	}
	const ticks = 100 // USER_HZ, 100 on every Linux the product runs on
	return time.Duration(utime+stime) * time.Second / ticks
}

// loadAverage is the 1-minute load average of the machine (0 where unknown):
// the machine is shared, and contention inflates every wall time.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	x, _ := strconv.ParseFloat(f[0], 64)
	return x
}

// Timing summarises repeated runs of one thing.
type Timing struct {
	N      int     `json:"n"`
	Median float64 `json:"median_s"`
	Min    float64 `json:"min_s"`
	Max    float64 `json:"max_s"`
}

func timingOf(d []time.Duration) Timing {
	if len(d) == 0 {
		return Timing{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return Timing{N: len(s), Median: s[len(s)/2].Seconds(), Min: s[0].Seconds(), Max: s[len(s)-1].Seconds()}
}

// quantile of sorted durations, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
