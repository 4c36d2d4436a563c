package latencyproxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestEveryRequestWaitsAndIsCounted(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer backend.Close()
	p, err := Start(backend.URL, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	for range 3 {
		req, _ := http.NewRequest(http.MethodPost, p.URL, nil)
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Fatalf("body %q", b)
		}
	}
	if took := time.Since(start); took < 60*time.Millisecond {
		t.Errorf("3 requests took %s, want at least 3 × 20 ms", took)
	}
	if got := p.Requests()["GetItem"]; got != 3 {
		t.Errorf("counted %d GetItem, want 3", got)
	}
}
