package samtemplate

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed transform.py
var transformScript []byte

// ErrNoTranslator is returned by Transform when python3 or its
// aws-sam-translator package (installed with cfn-lint) is missing.
var ErrNoTranslator = errors.New("the AWS SAM translator is not installed: install cfn-lint (pip install cfn-lint, or pipx install cfn-lint), which brings it")

// Transform runs the real AWS SAM translator on a template offline and
// parses what it prints: the CloudFormation template CloudFormation is
// handed at deploy time, with the resources SAM generates (roles, event
// rules, schedules, permissions, event invoke configs).
func Transform(ctx context.Context, path string) (*Template, error) {
	dir, err := os.MkdirTemp("", "upward-sam-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "transform.py")
	if err := os.WriteFile(script, transformScript, 0o600); err != nil {
		return nil, err
	}
	missing := []string{}
	for _, python := range pythons() {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, python, script, path)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 3 {
			missing = append(missing, strings.TrimSpace(stderr.String()))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("SAM transform of %s: %v\n%s", path, err, stderr.String())
		}
		return parse(path+" (transformed)", stdout.Bytes())
	}
	return nil, fmt.Errorf("%w (%s)", ErrNoTranslator, strings.Join(missing, "; "))
}

// pythons are the interpreters that may have the translator: python3, and
// cfn-lint's own when it lives apart (pipx gives it a virtual environment).
func pythons() []string {
	var out []string
	if p, err := exec.LookPath("python3"); err == nil {
		out = append(out, p)
	}
	if lint, err := exec.LookPath("cfn-lint"); err == nil {
		if f, err := os.Open(lint); err == nil {
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if interp, ok := strings.CutPrefix(strings.TrimSpace(line), "#!"); ok && strings.Contains(interp, "python") {
				if fields := strings.Fields(interp); len(fields) == 1 && !slices.Contains(out, fields[0]) {
					out = append(out, fields[0])
				}
			}
		}
	}
	return out
}
