package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestEveryCommandHasHelp(t *testing.T) {
	code, out, _ := runCLI(t, "--help")
	if code != 0 || !strings.Contains(out, "Commands:") {
		t.Fatalf("upward --help = %d\n%s", code, out)
	}
	for name := range commands {
		code, out, errs := runCLI(t, name, "--help")
		if code != 0 || strings.Count(out+errs, "Usage: upward "+name) != 1 || !strings.Contains(out, "Usage: upward "+name) {
			t.Errorf("upward %s --help = %d, want its help once, on standard output:\n%s%s", name, code, out, errs)
		}
	}
	if code, _, errs := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("unknown command = %d, %q", code, errs)
	}
}
