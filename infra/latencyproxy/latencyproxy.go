// Package latencyproxy is a reverse proxy that holds every request for a
// fixed time before passing it on, so that benchmarks against a local
// emulator (dynalite answers in well under a millisecond) see the round
// trip of a real service in its region (about 4 ms for DynamoDB). It counts
// the requests it passes, by the operation named in X-Amz-Target.
package latencyproxy

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Proxy is a running latency-injecting proxy.
type Proxy struct {
	// URL is where to point the SDK client (BaseEndpoint).
	URL string

	delay time.Duration
	srv   *http.Server
	mu    sync.Mutex
	ops   map[string]int
}

// Start serves a proxy to target on a free loopback port that waits delay
// before forwarding each request.
func Start(target string, delay time.Duration) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{URL: "http://" + l.Addr().String(), delay: delay, ops: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := r.Header.Get("X-Amz-Target")
		if i := strings.LastIndexByte(op, '.'); i >= 0 {
			op = op[i+1:]
		}
		p.mu.Lock()
		p.ops[op]++
		p.mu.Unlock()
		time.Sleep(p.delay)
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// Requests returns the requests passed so far by operation, and resets
// the counts.
func (p *Proxy) Requests() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.ops
	p.ops = map[string]int{}
	return out
}

// Close stops the proxy.
func (p *Proxy) Close() error { return p.srv.Close() }
