// Package localstack starts the pinned local emulators that stand in for AWS:
// dynalite for DynamoDB, aws-ses-v2-local for SES v2, fauxqs for SQS and
// gofakes3 for S3, with small stand-ins here for the two calls no emulator
// offers (Secrets Manager's GetSecretValue, SES's account suppression
// list). Tests start their own instances on free ports; `upward dev`
// starts them on the well-known ports.
//
// The npm emulators are pinned in infra/package.json and installed by
// `npm ci` into infra/node_modules (the Makefile does this); the Go ones are
// `tool` lines of go.mod, built from the module cache (tools.go).
package localstack

import (
	"bufio"
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
)

// Service is one running emulator process.
type Service struct {
	Name string
	URL  string // http://127.0.0.1:port
	Port int

	cmd     *exec.Cmd
	done    chan struct{}
	mu      sync.Mutex
	waitErr error
	stopped bool
	logs    *tail
}

// Options says how to start an emulator.
type Options struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// DataDir keeps the emulator's data between runs (dynalite's tables,
	// the emails aws-ses-v2-local accepted, gofakes3's objects); empty
	// keeps it in memory.
	DataDir string
	// Log receives the emulator's output; nil discards it (the last lines are
	// still kept for error messages).
	Log io.Writer
}

// RepoRoot finds the repository root (the folder holding go.mod and infra/)
// from the working directory upwards, so tests in any package find the
// emulators.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "infra", "package.json")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("localstack: cannot find the repository root (a folder with go.mod and infra/package.json) above the working directory")
		}
		dir = parent
	}
}

func nodeScript(pkgPath string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "infra", "node_modules", filepath.FromSlash(pkgPath))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("localstack: %s is not installed; run `make install` (npm ci in infra/): %w", p, err)
	}
	return p, nil
}

// dynaliteHeapMB is the most heap dynalite's Node may use, in MB.
const dynaliteHeapMB = 12 << 10

// StartDynamoDB starts dynalite. Tables become ACTIVE at once
// (--createTableMs 0) so tests need not wait.
func StartDynamoDB(ctx context.Context, o Options) (*Service, error) {
	cli, err := nodeScript("dynalite/cli.js")
	if err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	// Through a launcher that keeps dynalite alive when a client aborts a
	// request (see node/dynalite.js).
	launcher := filepath.Join(root, "infra", "localstack", "node", "dynalite.js")
	modules := filepath.Dir(filepath.Dir(cli))
	return start(ctx, "dynalite", "", o, func(port int) []string {
		// dynalite keeps every table in the Node heap; a benchmark at
		// 50,000 pairs outgrows Node's default ceiling (about 4 GB), so
		// the ceiling is raised (it reserves nothing).
		args := []string{"--max-old-space-size=" + strconv.Itoa(dynaliteHeapMB), launcher, modules, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
			"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"}
		if o.DataDir != "" {
			args = append(args, "--path", o.DataDir)
		}
		return args
	})
}

// StartSES starts aws-ses-v2-local, whose viewer is at URL and whose JSON
// store of every email sent is at URL+"/store". With o.DataDir, the emails
// are also kept in SESFile there and loaded back at the next start (see
// node/ses.js); without it they live as long as the process.
func StartSES(ctx context.Context, o Options) (*Service, error) {
	script, err := nodeScript("aws-ses-v2-local/dist/cli.js")
	if err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	file := ""
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("localstack: the SES emulator's folder: %w", err)
		}
		file = filepath.Join(o.DataDir, SESFile)
	}
	launcher := filepath.Join(root, "infra", "localstack", "node", "ses.js")
	modules := filepath.Dir(filepath.Dir(filepath.Dir(script)))
	return start(ctx, "aws-ses-v2-local", "", o, func(port int) []string {
		return []string{launcher, modules, file, "--host", "127.0.0.1", "--port", strconv.Itoa(port)}
	})
}

// SESFile holds the emails aws-ses-v2-local accepted, one JSON object (as
// its store has it) a line, in the folder StartSES is given.
const SESFile = "emails.jsonl"

// start runs program (Node.js when "") with args on a free port, or on
// o.Port.
func start(ctx context.Context, name, program string, o Options, args func(port int) []string) (*Service, error) {
	var lastErr error
	// A free port can be taken by someone else between probing and binding;
	// try a few times when the port was not fixed by the caller.
	for attempt := 0; attempt < 5; attempt++ {
		port := o.Port
		if port == 0 {
			p, err := FreePort()
			if err != nil {
				return nil, err
			}
			port = p
		}
		s, err := startOnce(ctx, name, program, port, o.Log, args(port))
		if err == nil {
			return s, nil
		}
		lastErr = err
		if o.Port != 0 {
			break
		}
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, name, program string, port int, logw io.Writer, args []string) (*Service, error) {
	if program == "" {
		node, err := exec.LookPath("node")
		if err != nil {
			return nil, fmt.Errorf("localstack: Node.js is needed to run %s: %w", name, err)
		}
		program = node
	}
	cmd := exec.Command(program, args...)
	t := &tail{max: 40}
	var out io.Writer = t
	if logw != nil {
		out = io.MultiWriter(t, logw)
	}
	cmd.Stdout = out
	cmd.Stderr = out
	setProcAttr(cmd)
	s := &Service{Name: name, Port: port, URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, done: make(chan struct{}), logs: t}
	// The kernel sends Pdeathsig when the *thread* that started the process
	// exits, not the process; Go may retire threads, which once killed an
	// emulator in the middle of a test run. The goroutine that starts the
	// emulator keeps its thread, locked, until the emulator has exited.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		err := cmd.Wait()
		s.mu.Lock()
		s.waitErr = err
		s.mu.Unlock()
		close(s.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := s.waitReady(ctx, 20*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Service) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before it was ready: %v\n%s", s.Name, s.waitErr, s.logs)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(s.URL + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer on %s within %s\n%s", s.Name, s.URL, limit, s.logs)
}

// Died says how the emulator ended when it exited by itself rather than
// by Stop ("" while it runs, or after Stop), for a test run to report.
func (s *Service) Died() string {
	if s == nil {
		return ""
	}
	select {
	case <-s.done:
	default:
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return ""
	}
	return fmt.Sprintf("%s exited during the tests: %v\n%s", s.Name, s.waitErr, s.logs)
}

// Stop ends the emulator and waits for it to exit.
func (s *Service) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Done is closed when the process has exited.
func (s *Service) Done() <-chan struct{} { return s.done }

// FreePort asks the kernel for a free TCP port on the loopback interface.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last lines an emulator printed, for error messages.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  string
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sc := bufio.NewScanner(strings.NewReader(t.part + string(p)))
	t.part = ""
	for sc.Scan() {
		t.lines = append(t.lines, sc.Text())
	}
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
