package localstack

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// SESAccount stands in front of aws-ses-v2-local and adds the one SES v2
// call Upward makes that the emulator lacks: the account's suppression
// list (PutSuppressedDestination, ListSuppressedDestinations). Every other
// request goes through to the emulator unchanged, so the feedback function
// runs with one SES endpoint, as in AWS.
type SESAccount struct {
	URL string

	mu         sync.Mutex
	suppressed map[string]string // address → reason
	srv        *http.Server
}

// StartSESAccount serves the stand-in on a free loopback port, in front of
// the SES emulator at sesURL.
func StartSESAccount(sesURL string) (*SESAccount, error) {
	target, err := url.Parse(sesURL)
	if err != nil {
		return nil, fmt.Errorf("ses account stand-in: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ses account stand-in: %w", err)
	}
	a := &SESAccount{URL: "http://" + l.Addr().String(), suppressed: map[string]string{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v2/email/suppression/addresses", a.put)
	mux.HandleFunc("GET /v2/email/suppression/addresses", a.list)
	mux.Handle("/", proxy)
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = a.srv.Serve(l) }()
	return a, nil
}

// Suppressed is the account's suppression list: address → reason.
func (a *SESAccount) Suppressed() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]string, len(a.suppressed))
	for k, v := range a.suppressed {
		out[k] = v
	}
	return out
}

// Close stops the stand-in.
func (a *SESAccount) Close() {
	if a != nil && a.srv != nil {
		_ = a.srv.Close()
	}
}

func (a *SESAccount) put(w http.ResponseWriter, r *http.Request) {
	var in struct{ EmailAddress, Reason string }
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.EmailAddress == "" ||
		in.Reason != "BOUNCE" && in.Reason != "COMPLAINT" {
		w.Header().Set("X-Amzn-ErrorType", "BadRequestException")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "EmailAddress and a Reason of BOUNCE or COMPLAINT are required"})
		return
	}
	a.mu.Lock()
	a.suppressed[strings.ToLower(in.EmailAddress)] = in.Reason
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte("{}"))
}

func (a *SESAccount) list(w http.ResponseWriter, r *http.Request) {
	type summary struct {
		EmailAddress   string
		Reason         string
		LastUpdateTime float64
	}
	var out struct{ SuppressedDestinationSummaries []summary }
	for addr, reason := range a.Suppressed() {
		out.SuppressedDestinationSummaries = append(out.SuppressedDestinationSummaries, summary{addr, reason, float64(time.Now().Unix())})
	}
	sort.Slice(out.SuppressedDestinationSummaries, func(i, j int) bool {
		return out.SuppressedDestinationSummaries[i].EmailAddress < out.SuppressedDestinationSummaries[j].EmailAddress
	})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
