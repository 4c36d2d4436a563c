// Package browsertest drives a real headless Chromium for the tests of the
// coordinator's pages, with the flags this sandboxed machine needs.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Executable finds Chromium: $CHROMIUM, then the usual names on PATH.
func Executable() (string, bool) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// New starts a fresh headless browser for one test and returns a tab's
// context. The browser closes when the test ends.
func New(t *testing.T) context.Context {
	t.Helper()
	exe, ok := Executable()
	if !ok {
		t.Fatal("Chromium is needed for the browser tests: install it (Debian: apt-get install -y chromium; `make test` does this when it can) or set CHROMIUM to its path")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now so a failure to launch is reported here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	return ctx
}

// Step runs actions with a time limit, failing the test with what was
// being done when it fails.
func Step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Get runs one action that returns a value, such as chromedp.Text.
func Get[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Button finds a button or link by its visible text.
func Button(text string) chromedp.Search {
	return chromedp.Search(`//*[self::button or self::a][normalize-space()="` + text + `"]`)
}

// Screenshot saves the page as $UPWARD_SCREENSHOTS/<name>.png when that
// variable is set (`make screenshots` sets it to the README's folder), so
// the README's pictures come from the same runs that test the pages.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("UPWARD_SCREENSHOTS")
	if dir == "" {
		return
	}
	png := Get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100)) // 100 = PNG
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
