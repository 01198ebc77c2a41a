package main

import (
	"strings"
	"testing"
)

const searchOut = `goos: linux
pkg: github.com/campfire-go/campfire/handlers
BenchmarkSearchPage/common="the"-2         	     200	   3450473 ns/op	    498699 matches	         1.657 p50-ms	        62.17 p99-ms
BenchmarkSearchPage/common="the"-2         	     200	   1781007 ns/op	    498699 matches	         1.525 p50-ms	         5.177 p99-ms
BenchmarkSearchPage/common="the"-2         	     200	   1781007 ns/op	         1.600 p50-ms	         4.000 p99-ms
BenchmarkSearchPage/two="the_loselquo"-2   	     200	    570216 ns/op	         0.5040 p50-ms	         1.892 p99-ms
BenchmarkRoomPage/messages=10000-2         	     200	    570216 ns/op	         0.5040 p50-ms	         1.892 p99-ms
--- FAIL: BenchmarkSearchPage/broken
PASS
`

// TestSearchsize: the benchmark's lines are read per query (other
// benchmarks and lines left out), the table gives each query's median with
// every run's p99, and the plot a point per query and size.
func TestSearchsize(t *testing.T) {
	big, err := parseSearchBench(strings.NewReader(searchOut), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if len(big.Queries) != 2 || big.Queries[0] != `common="the"` || len(big.Runs[`common="the"`]) != 3 {
		t.Fatalf("parsed %v %v", big.Queries, big.Runs)
	}
	small, err := parseSearchBench(strings.NewReader(`BenchmarkSearchPage/common="the"-2  10  5 ns/op  0.5 p50-ms  1.25 p99-ms`), 10_000)
	if err != nil {
		t.Fatal(err)
	}
	table := searchsizeTable([]searchBench{small, big})
	for _, want := range []string{
		`| 1000000 | 1.60 / **5.18** (62.17 / 5.18 / 4.00); 498699 matches | 0.50 / **1.89** (1.89) |`,
		`| 10000 | 0.50 / **1.25** (1.25) | — |`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("missing %q in\n%s", want, table)
		}
	}
	svg := searchsizeSVG([]searchBench{small, big})
	wellFormed(t, svg)
	if n := strings.Count(svg, "<circle"); n != 3 {
		t.Errorf("%d points, want 3 (two for the common word, one for both words)", n)
	}
	if _, err := parseSearchBench(strings.NewReader("PASS\n"), 10); err == nil {
		t.Error("output without results accepted")
	}
}
