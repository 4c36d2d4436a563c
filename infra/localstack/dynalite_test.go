package localstack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

// A client that hangs up in the middle of a request (a cancelled context,
// a timeout) must not take dynalite down with it: it once killed the
// emulator mid-run and failed every test after it.
func TestDynaliteSurvivesAnAbortedRequest(t *testing.T) {
	svc, err := StartDynamoDB(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop()
	for i := 0; i < 3; i++ {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", svc.Port))
		if err != nil {
			t.Fatal(err)
		}
		// Promise a body, send half of it, hang up.
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 100\r\n\r\n{\"Limit\":")
		conn.Close()
	}
	// It still answers (the server notices the hang-ups asynchronously:
	// give it a moment, then ask).
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(svc.URL + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("dynalite stopped answering after aborted requests: %v\n%s", err, svc.Died())
		}
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case <-svc.Done():
		t.Fatalf("dynalite exited: %s", svc.Died())
	case <-time.After(500 * time.Millisecond):
	}
}
