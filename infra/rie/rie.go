// Package rie runs Upward's Lambda function binaries the way Lambda runs
// them: each built as `make build` builds it (linux, no cgo, -tags
// lambda.norpc), for this machine's architecture, and started by the AWS
// Lambda Runtime Interface Emulator as the process behind the Runtime API,
// with the environment template.yaml gives the function. Events are
// invoked over the emulator's HTTP API. This is what proves main.go, the
// configuration and the event adapters, which no in-process test runs.
package rie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/infra/localstack"
)

// Module is the emulator's command, a `tool` line of go.mod.
const Module = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// Functions are the function folders under functions/.
var Functions = []string{"web", "send", "tick", "inbound", "feedback", "match", "orgchart"}

// Build builds every function into dir/<folder>/bootstrap, as `make build`
// does but for this machine's architecture, in one go command so the
// builds share the Go build cache and link side by side.
func Build(ctx context.Context, dir string) (map[string]string, error) {
	out := filepath.Join(dir, "bin") + string(filepath.Separator)
	env := []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + runtime.GOARCH}
	if err := localstack.GoBuild(ctx, out, "./functions/...", env, "-trimpath", "-ldflags=-s -w", "-tags", "lambda.norpc"); err != nil {
		return nil, err
	}
	bins := map[string]string{}
	for _, f := range Functions {
		// Lambda runs a file named bootstrap from the function's folder.
		folder := filepath.Join(dir, f)
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return nil, err
		}
		bin := filepath.Join(folder, "bootstrap")
		if err := os.Rename(filepath.Join(out, f), bin); err != nil {
			return nil, fmt.Errorf("bootstrap of %s: %w", f, err)
		}
		bins[f] = bin
	}
	return bins, nil
}

// Function is one function binary running under the emulator.
type Function struct {
	// URL is the emulator's invoke endpoint.
	URL string

	cmd *exec.Cmd
	// invoking holds one invocation at a time: the emulator is one
	// execution environment, which Lambda never hands two events at once
	// (and the emulator crashes if it is).
	invoking sync.Mutex
	done     chan struct{}
	mu       sync.Mutex
	waitErr  error
	out      bytes.Buffer
}

// Start starts the emulator on free loopback ports with bootstrap as the
// function and env as its whole environment (nothing of this process's
// leaks in: no real credentials, no real endpoints), and returns when the
// emulator accepts invocations. The function itself starts, as in Lambda,
// on the first invocation.
func Start(ctx context.Context, emulator, bootstrap string, env map[string]string) (*Function, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		f, err := startOnce(ctx, emulator, bootstrap, env)
		if err == nil {
			return f, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, emulator, bootstrap string, env map[string]string) (*Function, error) {
	api, err := localstack.FreePort()
	if err != nil {
		return nil, err
	}
	invoke, err := localstack.FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(emulator,
		"--runtime-interface-emulator-address", "127.0.0.1:"+strconv.Itoa(invoke),
		"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(api),
		"--log-level", "error",
		bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + os.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	f := &Function{URL: "http://127.0.0.1:" + strconv.Itoa(invoke) + "/2015-03-31/functions/function/invocations", cmd: cmd, done: make(chan struct{})}
	w := &lockedWriter{f: f}
	cmd.Stdout, cmd.Stderr = w, w
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the runtime interface emulator: %w", err)
	}
	go func() {
		err := cmd.Wait()
		f.mu.Lock()
		f.waitErr = err
		f.mu.Unlock()
		close(f.done)
	}()
	// Waiting for a process to listen is the one wait on the clock here,
	// with a deadline generous enough for a loaded machine.
	deadline := time.Now().Add(30 * time.Second)
	addr := "127.0.0.1:" + strconv.Itoa(invoke)
	for {
		select {
		case <-f.done:
			return nil, fmt.Errorf("the runtime interface emulator exited before listening: %v\n%s", f.waitErr, f.Output())
		case <-ctx.Done():
			f.Stop()
			return nil, ctx.Err()
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return f, nil
		}
		if time.Now().After(deadline) {
			f.Stop()
			return nil, fmt.Errorf("the runtime interface emulator did not listen on %s within 30s\n%s", addr, f.Output())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type lockedWriter struct{ f *Function }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.f.mu.Lock()
	defer w.f.mu.Unlock()
	if w.f.out.Len() < 1<<20 {
		w.f.out.Write(p)
	}
	return len(p), nil
}

// Output is what the emulator and the function printed so far (the
// function's JSON logs among it).
func (f *Function) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

// ErrFunction is an invocation the function answered with an error (Lambda
// would retry an asynchronous one).
var ErrFunction = errors.New("function error")

// Invoke sends one event and returns the function's response. A function
// error (the handler returned one, or the process died) is ErrFunction with
// the error document.
func (f *Function) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	f.invoking.Lock()
	defer f.invoking.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w\n%s", err, f.Output())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke: read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK || isErrorDocument(body) {
		return body, fmt.Errorf("%w: %s %s\n%s", ErrFunction, resp.Status, body, f.Output())
	}
	return body, nil
}

// isErrorDocument reports the Runtime API's error shape, which the emulator
// passes on with status 200.
func isErrorDocument(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(s, `{"errorMessage"`) || strings.HasPrefix(s, `{"errorType"`)
}

// Stop ends the emulator and the function with it.
func (f *Function) Stop() {
	if f == nil || f.cmd == nil || f.cmd.Process == nil {
		return
	}
	select {
	case <-f.done:
		return
	default:
	}
	killGroup(f.cmd)
	<-f.done
}
