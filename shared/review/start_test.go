package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/upward-mentoring/upward/shared/review"
)

// recordingLambda stands in for the Lambda API: there is no local Lambda
// to invoke, and what matters is the request the web function sends.
type recordingLambda struct {
	in     []*lambda.InvokeInput
	status int32
	err    error
}

func (r *recordingLambda) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	r.in = append(r.in, in)
	return &lambda.InvokeOutput{StatusCode: r.status}, r.err
}

type recordingStarter struct{ jobs []review.Job }

func (r *recordingStarter) Start(_ context.Context, j review.Job) (<-chan struct{}, error) {
	r.jobs = append(r.jobs, j)
	done := make(chan struct{})
	close(done)
	return done, nil
}

func TestLargeProgrammesGoToTheMatchFunctionAsynchronously(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cells   int
		remote  bool
		status  int32
		fail    error
		wantErr bool
	}{
		{"small stays in-process", 1000 * 1000, false, 202, nil, false},
		{"large is invoked as an event", 1000*1000 + 1, true, 202, nil, false},
		{"a refused invocation is an error", 5000 * 5000, true, 0, errors.New("AccessDenied"), true},
		{"an unexpected status is an error", 5000 * 5000, true, 200, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &recordingLambda{status: tc.status, err: tc.fail}
			local := &recordingStarter{}
			s := review.BySize{Small: local, Large: review.LambdaInvoke{Client: fake, FunctionName: "upward-match"}, MaxSmallCells: review.DefaultMaxInProcessCells}
			job := review.Job{ProgrammeID: "p1", ProposalID: "x1", Cells: tc.cells}
			done, err := s.Start(context.Background(), job)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.remote {
				if len(local.jobs) != 1 || len(fake.in) != 0 || done == nil {
					t.Fatalf("in-process: %d local jobs, %d invocations", len(local.jobs), len(fake.in))
				}
				return
			}
			if len(local.jobs) != 0 || len(fake.in) != 1 {
				t.Fatalf("remote: %d local jobs, %d invocations", len(local.jobs), len(fake.in))
			}
			in := fake.in[0]
			if in.InvocationType != types.InvocationTypeEvent || aws.ToString(in.FunctionName) != "upward-match" {
				t.Errorf("invocation %s of %s, want Event of upward-match", in.InvocationType, aws.ToString(in.FunctionName))
			}
			var got review.Job
			if err := json.Unmarshal(in.Payload, &got); err != nil || got.ProgrammeID != "p1" || got.ProposalID != "x1" {
				t.Errorf("payload %s (%v)", in.Payload, err)
			}
			if done != nil {
				t.Error("an asynchronous invocation gave a channel to wait on")
			}
		})
	}
}

// The match function's event, as the web function sends it (testdata),
// decodes into the Job the function runs.
func TestTheMatchFunctionsEventDecodes(t *testing.T) {
	raw, err := os.ReadFile("testdata/match-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var j review.Job
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	want := review.Job{ProgrammeID: "2f48c1ec3bbca3c5", ProposalID: "9f2c5fbdbe8a5ec9", Cells: 25_000_000}
	if j != want {
		t.Errorf("decoded %+v, want %+v", j, want)
	}
	back, _ := json.Marshal(want)
	var again review.Job
	if err := json.Unmarshal(back, &again); err != nil || again != want {
		t.Errorf("round trip: %+v (%v)", again, err)
	}
}
