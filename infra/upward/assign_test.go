package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

type assignOut struct {
	Pairs   [][2]int `json:"pairs"`
	Total   float64  `json:"total"`
	SolveMS *float64 `json:"solve_ms"`
}

func TestAssign(t *testing.T) {
	tests := []struct {
		name  string
		csv   string
		args  []string
		pairs [][2]int
		total float64
	}{
		{
			name:  "square from stdin, no flag",
			csv:   "4,1,3\n2,0,5\n3,2,2\n",
			pairs: [][2]int{{0, 0}, {1, 2}, {2, 1}}, total: 11,
		},
		{
			name:  "more pairs before a higher total; empty cell forbids",
			csv:   "100,1\r\n1,\r\n",
			args:  []string{"--in", "-"},
			pairs: [][2]int{{0, 1}, {1, 0}}, total: 2,
		},
		{
			name:  "more juniors than seniors, decimals, spaces and quotes",
			csv:   "0.5, 0.25 ,\"0.75\"\n",
			pairs: [][2]int{{0, 2}}, total: 0.75,
		},
		{
			name:  "more seniors than juniors",
			csv:   "1\n3\n2\n",
			pairs: [][2]int{{1, 0}}, total: 3,
		},
		{
			name:  "nothing allowed",
			csv:   ",\n,\n",
			pairs: [][2]int{}, total: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runWithStdin(t, tt.csv, append([]string{"assign"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var got assignOut
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if diff := cmp.Diff(tt.pairs, got.Pairs); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
			if got.Total != tt.total || got.SolveMS == nil || *got.SolveMS < 0 {
				t.Errorf("total %v solve_ms %v, want total %v and a solve time", got.Total, got.SolveMS, tt.total)
			}
		})
	}
}

func TestAssignReadsAFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "scores.csv")
	if err := os.WriteFile(name, []byte("1,2\n2,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runWithStdin(t, "", "assign", "--in", name)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got assignOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][2]int{{0, 1}, {1, 0}}, got.Pairs); diff != "" || got.Total != 4 {
		t.Errorf("pairs %v total %v, want [[0 1] [1 0]] total 4", got.Pairs, got.Total)
	}
}

func TestAssignRejectsBadInput(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"not a number", "1,x\n", `line 1, column 2: "x" is not a number`},
		{"NaN", "NaN\n", `"NaN" is not a number`},
		{"ragged rows", "1,2\n3\n", "line 2 has 1 cells but line 1 has 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runWithStdin(t, tt.csv, "assign")
			if code != 1 || out != "" || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, tt.want)
			}
		})
	}
	code, _, errs := runWithStdin(t, "", "assign", "--in", filepath.Join(t.TempDir(), "missing.csv"))
	if code != 1 || !strings.Contains(errs, "read scores") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
}
