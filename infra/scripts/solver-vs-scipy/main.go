// Command solver-vs-scipy is the Go half of infra/scripts/solver-vs-scipy.py:
// it keeps score matrices in memory and times matching.Solve on them when
// asked, so the script can alternate it with SciPy's linear_sum_assignment
// on the very same matrices in one run. It is a benchmark helper, not part
// of Upward.
//
// It reads commands from standard input, one a line, and answers each with
// one line:
//
//	load NAME ROWS COLS FILE   (FILE: ROWS×COLS little-endian float64, row-major) → ok
//	solve NAME                 → SECONDS CPU-SECONDS PAIRS TOTAL
//
// CPU-SECONDS is the process's CPU time during the solve (user and system,
// every thread, so the garbage collector's share counts too).
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/upward-mentoring/upward/shared/matching"
)

func main() {
	if err := serve(bufio.NewScanner(os.Stdin), bufio.NewWriter(os.Stdout)); err != nil {
		fmt.Fprintln(os.Stderr, "solver-vs-scipy:", err)
		os.Exit(1)
	}
}

func serve(in *bufio.Scanner, out *bufio.Writer) error {
	matrices := map[string]matching.Matrix{}
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 5 && f[0] == "load":
			m, err := load(f[2], f[3], f[4])
			if err != nil {
				return err
			}
			matrices[f[1]] = m
			fmt.Fprintln(out, "ok")
		case len(f) == 2 && f[0] == "solve":
			m, ok := matrices[f[1]]
			if !ok {
				return fmt.Errorf("no matrix %q loaded", f[1])
			}
			// Collect the last solve's garbage outside the timing, as
			// SciPy's arrays are freed when their last reference goes.
			runtime.GC()
			cpu0, err := cpuTime()
			if err != nil {
				return err
			}
			start := time.Now()
			a, err := matching.Solve(context.Background(), m)
			elapsed := time.Since(start)
			if err != nil {
				return err
			}
			cpu1, err := cpuTime()
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%.6f %.6f %d %.6f\n", elapsed.Seconds(), (cpu1 - cpu0).Seconds(), len(a.Pairs), a.Total)
		default:
			return fmt.Errorf("unknown command %q", in.Text())
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return in.Err()
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() (time.Duration, error) {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0, err
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()), nil
}

func load(rows, cols, file string) (matching.Matrix, error) {
	r, err := strconv.Atoi(rows)
	if err != nil {
		return matching.Matrix{}, err
	}
	c, err := strconv.Atoi(cols)
	if err != nil {
		return matching.Matrix{}, err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return matching.Matrix{}, err
	}
	if len(raw) != 8*r*c {
		return matching.Matrix{}, fmt.Errorf("%s: %d bytes for %d×%d float64s", file, len(raw), r, c)
	}
	m := matching.NewMatrix(r, c)
	for k := range m.Score {
		m.Score[k] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:]))
	}
	return m, nil
}
