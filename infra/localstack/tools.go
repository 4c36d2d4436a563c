package localstack

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
)

var (
	toolsMu  sync.Mutex
	toolsDir string
	tools    = map[string]string{}
)

// GoTool builds a Go command named by a `tool` line of go.mod (the Lambda
// Runtime Interface Emulator, gofakes3) for this machine and returns the
// binary's path. The version is go.mod's, the source the module cache's, and
// the Go build cache makes every build after the first a link. Binaries go
// to a folder of this process's own, so test binaries that run side by side
// never write the same file.
func GoTool(ctx context.Context, pkg string) (string, error) {
	toolsMu.Lock()
	defer toolsMu.Unlock()
	if bin, ok := tools[pkg]; ok {
		return bin, nil
	}
	if toolsDir == "" {
		dir, err := os.MkdirTemp("", "upward-tools-")
		if err != nil {
			return "", fmt.Errorf("tools folder: %w", err)
		}
		toolsDir = dir
	}
	bin := filepath.Join(toolsDir, path.Base(pkg))
	if err := GoBuild(ctx, bin, pkg, nil); err != nil {
		return "", err
	}
	tools[pkg] = bin
	return bin, nil
}

// GoBuild builds pkg (a package path or ./folder, from the repository root)
// into out; env is added to the go command's environment (GOOS, tags …).
func GoBuild(ctx context.Context, out, pkg string, env []string, flags ...string) error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("localstack: the go command is needed to build %s: %w", pkg, err)
	}
	args := append([]string{"build", "-o", out}, flags...)
	cmd := exec.CommandContext(ctx, goBin, append(args, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return nil
}

// RemoveTools deletes the binaries GoTool built; call it when the process
// is done with them.
func RemoveTools() {
	toolsMu.Lock()
	defer toolsMu.Unlock()
	if toolsDir != "" {
		_ = os.RemoveAll(toolsDir)
	}
	toolsDir, tools = "", map[string]string{}
}
