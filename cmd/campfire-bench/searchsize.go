package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Search against the size of the database: BenchmarkSearchPage (GET
// /searches through the router, as the million-message figures were
// measured) run on seeded databases of several sizes; searchsize reads its
// output and writes a table and a plot of the p99 per query.

// searchRun is one benchmark line: a query's p50 and p99 in ms, and how
// many messages hold its words (0 from benchmarks that did not say).
type searchRun struct{ P50, P99, Matches float64 }

// searchBench is the runs of each query of one database, in the order the
// queries first appear.
type searchBench struct {
	Messages int
	Queries  []string
	Runs     map[string][]searchRun
}

// parseSearchBench reads `go test -bench BenchmarkSearchPage` output:
//
//	BenchmarkSearchPage/common="the"-2   1234   987654 ns/op   2.41 p50-ms   4.20 p99-ms
func parseSearchBench(r io.Reader, messages int) (searchBench, error) {
	sb := searchBench{Messages: messages, Runs: map[string][]searchRun{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || !strings.HasPrefix(f[0], "BenchmarkSearchPage/") {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkSearchPage/")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the GOMAXPROCS suffix
			}
		}
		var run searchRun
		var got int
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "p50-ms":
				run.P50, got = v, got+1
			case "p99-ms":
				run.P99, got = v, got+1
			case "matches":
				run.Matches = v
			}
		}
		if got != 2 {
			continue
		}
		if _, ok := sb.Runs[name]; !ok {
			sb.Queries = append(sb.Queries, name)
		}
		sb.Runs[name] = append(sb.Runs[name], run)
	}
	if err := sc.Err(); err != nil {
		return sb, err
	}
	if len(sb.Queries) == 0 {
		return sb, fmt.Errorf("no BenchmarkSearchPage results with p50-ms and p99-ms")
	}
	return sb, nil
}

// searchsizeCmd reads MESSAGES=FILE pairs (benchmark output on a database
// of that many messages) and writes searchsize.md and searchsize.svg.
func searchsizeCmd(args []string) error {
	fs := flag.NewFlagSet("searchsize", flag.ExitOnError)
	out := fs.String("out", "bench-out", "folder for searchsize.md and searchsize.svg")
	fs.Parse(args)
	var benches []searchBench
	for _, a := range fs.Args() {
		n, path, ok := strings.Cut(a, "=")
		messages, err := strconv.Atoi(n)
		if !ok || err != nil || messages <= 0 {
			return fmt.Errorf("%q: want MESSAGES=FILE", a)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		sb, err := parseSearchBench(f, messages)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		benches = append(benches, sb)
	}
	if len(benches) == 0 {
		return fmt.Errorf("usage: campfire-bench searchsize [-out DIR] MESSAGES=FILE ...")
	}
	slices.SortFunc(benches, func(a, b searchBench) int { return a.Messages - b.Messages })
	return writeTableAndPlot(*out, "searchsize", searchsizeTable(benches), searchsizeSVG(benches), true)
}

// queryOrder is every query in the order first seen.
func queryOrder(benches []searchBench) []string {
	var qs []string
	for _, b := range benches {
		for _, q := range b.Queries {
			if !slices.Contains(qs, q) {
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// medianOf is the median p50 and p99 of a query's runs, NaN if none.
func medianOf(runs []searchRun) (p50, p99 float64) {
	if len(runs) == 0 {
		return math.NaN(), math.NaN()
	}
	var a, b []float64
	for _, r := range runs {
		a, b = append(a, r.P50), append(b, r.P99)
	}
	return median(a), median(b)
}

func searchsizeTable(benches []searchBench) string {
	qs := queryOrder(benches)
	var b strings.Builder
	b.WriteString("| Messages |")
	for _, q := range qs {
		fmt.Fprintf(&b, " %s: p50 / **p99** (ms; p99 of each run) |", q)
	}
	b.WriteString("\n|---:|")
	for range qs {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, sb := range benches {
		fmt.Fprintf(&b, "| %d |", sb.Messages)
		for _, q := range qs {
			runs := sb.Runs[q]
			if len(runs) == 0 {
				b.WriteString(" — |")
				continue
			}
			p50, p99 := medianOf(runs)
			var each []float64
			for _, r := range runs {
				each = append(each, r.P99)
			}
			fmt.Fprintf(&b, " %.2f / **%.2f** (%s)", p50, p99, runsPrec(each, 2))
			if m := runs[0].Matches; m > 0 {
				fmt.Fprintf(&b, "; %.0f matches", m)
			}
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func runsPrec(v []float64, prec int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'f', prec, 64)
	}
	return strings.Join(parts, " / ")
}

// searchsizeSVG plots each query's p99 (median of the runs) against the
// messages in the database, both axes log.
func searchsizeSVG(benches []searchBench) string {
	p := plot{
		Title:  "Search p99 against messages in the database (GET /searches through the router)",
		Desc:   strings.ReplaceAll(strings.TrimSpace(searchsizeTable(benches)), "\n", "; "),
		XLabel: "messages in the database",
		XLog:   true,
	}
	for _, sb := range benches {
		p.X = append(p.X, float64(sb.Messages))
	}
	p.Left = plotAxis{Label: "p99, ms", Log: true}
	for i, q := range queryOrder(benches) {
		s := plotSeries{Name: q, Color: plotColors[i%len(plotColors)]}
		for _, sb := range benches {
			_, p99 := medianOf(sb.Runs[q])
			s.Y = append(s.Y, p99)
		}
		p.Left.Series = append(p.Left.Series, s)
	}
	return p.svg()
}
