package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/localstack"
)

// Violation is one rule axe-core found broken on a page, with where.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"` // minor, moderate, serious or critical
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"` // CSS selectors (nested arrays inside frames)
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// Failing reports whether the violation fails a page: a serious or critical
// one keeps someone from using it; the lesser ones are reported only.
func (v Violation) Failing() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    at %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

var axeSource = sync.OnceValues(func() (string, error) {
	root, err := localstack.RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "infra", "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("axe-core is not installed; run `make install` (npm ci in infra/): %w", err)
	}
	return string(src), nil
})

// runAxe is the check itself: every rule axe-core has (WCAG 2.x A and AA
// and its best practices), the whole document, violations only.
const runAxe = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary || ""})),
})))`

// Audit runs axe-core in the page the tab shows and returns what it finds.
// The script goes in through DevTools' Runtime.evaluate, which the site's
// Content-Security-Policy (no script but its own) does not govern, so the
// page is checked exactly as it is served.
func Audit(ctx context.Context) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	// A navigation drops what was injected; inject again when it is gone.
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("look for axe-core in the page: %w", err)
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](runAxe, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	return found, nil
}

// Accessible fails the test when the page the tab shows has a serious or
// critical accessibility violation, naming each rule and element; lesser
// ones are logged. what names the page state for the message.
func Accessible(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	// axe-core on a long page of a loaded machine can take seconds.
	actx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	found, err := Audit(actx)
	if err != nil {
		t.Fatalf("check %s for accessibility: %v", what, err)
	}
	var failing, lesser []string
	for _, v := range found {
		if v.Failing() {
			failing = append(failing, v.String())
		} else {
			lesser = append(lesser, v.String())
		}
	}
	if len(lesser) > 0 {
		t.Logf("%s: %d lesser accessibility findings:\n  %s", what, len(lesser), strings.Join(lesser, "\n  "))
	}
	if len(failing) > 0 {
		t.Errorf("%s has %d serious or critical accessibility violations:\n  %s", what, len(failing), strings.Join(failing, "\n  "))
	}
}
