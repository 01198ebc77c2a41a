package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

// percentile of sorted values (nearest rank).
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// dist summarises durations in microseconds.
type dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarize(us []int64) dist {
	s := slices.Clone(us)
	slices.Sort(s)
	ms := func(v int64) float64 { return float64(v) / 1000 }
	d := dist{N: len(s)}
	if len(s) > 0 {
		d.P50, d.P90, d.P95, d.P99, d.Max = ms(percentile(s, 50)), ms(percentile(s, 90)), ms(percentile(s, 95)),
			ms(percentile(s, 99)), ms(s[len(s)-1])
	}
	return d
}

func (d dist) String() string {
	return fmt.Sprintf("n=%d p50=%.2fms p90=%.2fms p95=%.2fms p99=%.2fms max=%.2fms", d.N, d.P50, d.P90, d.P95, d.P99, d.Max)
}

// memory is a process's resident memory from /proc/<pid>/status, in KiB.
type memory struct {
	RSS int64 `json:"rss_kib"`
	HWM int64 `json:"peak_kib"`
}

func readMemory(pid int) memory {
	var m memory
	if pid <= 0 {
		return m
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.RSS = v
		case "VmHWM:":
			m.HWM = v
		}
	}
	return m
}

func (m memory) String() string {
	if m.RSS == 0 {
		return "n/a (pass -pid)"
	}
	return fmt.Sprintf("RSS %.1f MiB (peak %.1f MiB)", float64(m.RSS)/1024, float64(m.HWM)/1024)
}

// cpuTimes is a process's CPU time and the time its threads waited for a CPU
// (from /proc/<pid>/task/*/schedstat): on a shared machine the second shows
// whether the server was busy or starved.
type cpuTimes struct {
	Run, Wait time.Duration
}

func readCPU(pid int) cpuTimes {
	var c cpuTimes
	if pid <= 0 {
		return c
	}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		run, _ := strconv.ParseInt(f[0], 10, 64)
		wait, _ := strconv.ParseInt(f[1], 10, 64)
		c.Run += time.Duration(run)
		c.Wait += time.Duration(wait)
	}
	return c
}

// cpuUse is the server's CPU use over a window.
type cpuUse struct {
	RunS    float64 `json:"run_s"`
	WaitS   float64 `json:"runqueue_wait_s"`
	Cores   float64 `json:"cores"`
	LoadAvg string  `json:"machine_loadavg"`
	WindowS float64 `json:"window_s"`
}

func cpuBetween(a, b cpuTimes, window time.Duration) cpuUse {
	load, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(load))
	if len(f) > 3 {
		f = f[:3]
	}
	return cpuUse{RunS: (b.Run - a.Run).Seconds(), WaitS: (b.Wait - a.Wait).Seconds(),
		Cores: (b.Run - a.Run).Seconds() / window.Seconds(), LoadAvg: strings.Join(f, " "), WindowS: window.Seconds()}
}
