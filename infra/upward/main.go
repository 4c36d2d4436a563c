// Command upward is the operator's tool: it runs the whole system locally
// (dev) and exposes Upward's engines offline (match, assign, parse-reply).
//
// Each subcommand lives in its own file and registers itself in init, so
// adding one touches nothing else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis shown by --help
	// run parses args with fs (already populated by setup) and does the work.
	setup func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error
}

// Env is what a subcommand may touch, so tests can run commands in-process.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "upward: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	fs := flag.NewFlagSet("upward "+c.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	do := c.setup(fs)
	// The flag package prints the usage itself, once, on -h and on a bad
	// flag; asked for, it goes to standard output.
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(env.Stdout)
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "upward %s — %s\n\nUsage: upward %s %s\n\nFlags:\n", c.name, c.summary, c.name, c.usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	env.Args = fs.Args()
	if err := do(ctx, env); err != nil {
		fmt.Fprintf(env.Stderr, "upward %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "upward — run and inspect an Upward reverse mentoring deployment")
	fmt.Fprintln(w, "\nUsage: upward <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'upward <command> --help' for a command's flags.")
}
