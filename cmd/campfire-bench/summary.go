package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// summaryCmd prints a Markdown table of storm (reconnect), post and fanout
// reports, a row per file in the order given, so a script's runs can be
// read and pasted without opening the JSON.
func summaryCmd(args []string) error {
	fs := flag.NewFlagSet("summary", flag.ExitOnError)
	fs.Parse(args)
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: campfire-bench summary REPORT.json ...")
	}
	t, err := summaryTable(fs.Args())
	if err != nil {
		return err
	}
	fmt.Print(t)
	return nil
}

func summaryTable(paths []string) (string, error) {
	var storms, posts []string
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		var head struct {
			Command string `json:"command"`
			Peer    string `json:"peer"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		server := "Campfire"
		if head.Peer != "" {
			server = head.Peer
		}
		name := filepath.Base(path)
		switch head.Command {
		case "reconnect":
			var r reconnectReport
			_ = json.Unmarshal(b, &r)
			storms = append(storms, fmt.Sprintf("| %s | %s | %d | %d | %d | %.2f / %.2f / %.2f | %.2f | %.2f | %.3f | %.3f | %.2f | %.2f | %s |",
				name, server, r.Streams, r.GotFirst, r.Errors, r.FirstEvent.P50/1000, r.FirstEvent.P95/1000, r.FirstEvent.P99/1000,
				r.LastLiveMS/1000, r.ServerCPU.RunS, r.ServerCPUPerReconnectMS, r.ToolCPUPerReconnectMS, r.ServerCPU.Cores, r.MachineBusyCores, r.ServerCPU.LoadAvg))
		case "post", "fanout":
			var r deliveryReport
			_ = json.Unmarshal(b, &r)
			posts = append(posts, fmt.Sprintf("| %s | %s | %s | %d | %g | %.0f | %d / %d / %d | %.1f / %.1f / %.1f | %d / %d | %.1f / %.1f | %.3f | %.1f | %.2f | %s |",
				name, server, r.Command, r.Streams, r.Rate, r.PostRateAch, r.Posted, r.PostFailed, r.PostSkipped,
				r.PostLatency.P50, r.PostLatency.P95, r.PostLatency.P99, r.Delivered, r.Expected, r.Latency.P50, r.Latency.P99,
				cpuPerPostMS(r), r.CPUPerDeliveryUS, r.ServerCPU.Cores, r.ServerCPU.LoadAvg))
		default:
			return "", fmt.Errorf("%s: a %q report; summary reads reconnect, post and fanout reports", path, head.Command)
		}
	}
	var b strings.Builder
	if len(storms) > 0 {
		b.WriteString("| Run | Server | Streams | Got first event | Errors | First event p50 / p95 / p99 (s) | Last live (s) | Server CPU (s) | per reconnect (ms) | Tool CPU per reconnect (ms) | Server cores | Machine busy cores | Load average (end) |\n")
		b.WriteString("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n")
		b.WriteString(strings.Join(storms, "\n") + "\n")
	}
	if len(posts) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("| Run | Server | Command | Streams | Offered (posts/s) | Reached | Posted / failed / not sent | POST p50 / p95 / p99 (ms) | Delivered | Receive p50 / p99 (ms) | Server CPU per post (ms) | per delivery (µs) | Server cores | Load average (end) |\n")
		b.WriteString("|---|---|---|---:|---:|---:|---|---|---|---|---:|---:|---:|---|\n")
		b.WriteString(strings.Join(posts, "\n") + "\n")
	}
	return b.String(), nil
}
