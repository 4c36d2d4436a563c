package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// OIDCClient is a relying party registered at the local OpenID provider.
type OIDCClient struct {
	ID           string   `json:"client_id"`
	Secret       string   `json:"client_secret"`
	RedirectURIs []string `json:"redirect_uris"`
}

// OIDCAccount is what the provider says about a login.
type OIDCAccount struct {
	EmailVerified bool     `json:"email_verified"`
	Groups        []string `json:"groups"`
	Name          string   `json:"name,omitempty"`
}

// OIDCOptions configure the local OpenID provider.
type OIDCOptions struct {
	Options
	Clients []OIDCClient
	// Accounts maps a login to its claims; a login not listed signs in as
	// a verified address with no groups.
	Accounts map[string]OIDCAccount
	// IDTokenTTL is an ID token's life in seconds (0: an hour).
	IDTokenTTL int
}

// StartOIDC starts oidc-provider, a certified OpenID provider, whose issuer
// is the returned Service's URL. Its login page takes any login and
// password: the login is the address it vouches for.
func StartOIDC(ctx context.Context, o OIDCOptions) (*Service, error) {
	if _, err := nodeScript("oidc-provider/package.json"); err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	clients, err := json.Marshal(o.Clients)
	if err != nil {
		return nil, fmt.Errorf("oidc clients: %w", err)
	}
	if o.Accounts == nil {
		o.Accounts = map[string]OIDCAccount{}
	}
	accounts, err := json.Marshal(o.Accounts)
	if err != nil {
		return nil, fmt.Errorf("oidc accounts: %w", err)
	}
	script := filepath.Join(root, "infra", "localstack", "oidc-provider.mjs")
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("localstack: Node.js is needed to run oidc-provider: %w", err)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port := o.Port
		if port == 0 {
			if port, err = FreePort(); err != nil {
				return nil, err
			}
		}
		cmd := exec.Command(node, script)
		cmd.Env = append(os.Environ(),
			"OIDC_PORT="+strconv.Itoa(port),
			"OIDC_CLIENTS="+string(clients),
			"OIDC_ACCOUNTS="+string(accounts),
			"OIDC_ID_TOKEN_TTL="+strconv.Itoa(o.IDTokenTTL),
		)
		s, err := run(ctx, "oidc-provider", port, o.Log, cmd)
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

// run starts cmd as the emulator name listening on port and waits until it
// answers.
func run(ctx context.Context, name string, port int, logw io.Writer, cmd *exec.Cmd) (*Service, error) {
	t := &tail{max: 40}
	var out io.Writer = t
	if logw != nil {
		out = io.MultiWriter(t, logw)
	}
	cmd.Stdout, cmd.Stderr = out, out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Service{Name: name, Port: port, URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd, done: make(chan struct{}), logs: t}
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.waitErr = err
		s.mu.Unlock()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 20*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}
