package stacktest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/infra/latencyproxy"
	"github.com/upward-mentoring/upward/infra/localstack"
)

// BenchLatency is the round trip benchmarks add to every DynamoDB request
// (UPWARD_BENCH_LATENCY, default 4 ms, typical in-region).
func BenchLatency() time.Duration {
	if v := os.Getenv("UPWARD_BENCH_LATENCY"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return 4 * time.Millisecond
}

// SlowDynamoDB is a client of the shared dynalite whose every request waits
// BenchLatency in infra/latencyproxy first, and the proxy (it counts the
// requests).
func SlowDynamoDB(tb testing.TB) (*dynamodb.Client, *latencyproxy.Proxy) {
	tb.Helper()
	p, err := latencyproxy.Start(DynamoDBURL(tb), BenchLatency())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	cfg, err := localstack.AWSConfig(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return localstack.DynamoDB(cfg, p.URL), p
}
