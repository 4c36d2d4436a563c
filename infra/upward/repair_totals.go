package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

func init() {
	register(command{
		name:    "repair-totals",
		summary: "recompute a programme's running totals from its records, report the differences and (with --write) repair them",
		usage:   "--table NAME (--programme ID | --all) [--write] [--dynamodb-url URL]",
		setup: func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
			table := fs.String("table", "", "the DynamoDB `table` (the stack's TableName output)")
			prog := fs.String("programme", "", "the programme's `id`")
			all := fs.Bool("all", false, "every programme")
			write := fs.Bool("write", false, "write the repair (without it, only report)")
			endpoint := fs.String("dynamodb-url", "", "a DynamoDB endpoint such as dynalite's (default: AWS)")
			asOf := fs.String("now", "", "recount as of this `time` (RFC 3339; default: now), e.g. a dev clock moved forward")
			return func(ctx context.Context, env *Env) error {
				if *table == "" || (*prog == "") == !*all {
					return errors.New("--table and one of --programme or --all are required")
				}
				now := time.Now()
				if *asOf != "" {
					t, err := time.Parse(time.RFC3339, *asOf)
					if err != nil {
						return fmt.Errorf("--now: %w", err)
					}
					now = t
				}
				st, err := repairStore(ctx, *table, *endpoint)
				if err != nil {
					return err
				}
				var ids []string
				if *all {
					progs, err := st.ListProgrammes(ctx)
					if err != nil {
						return err
					}
					for _, p := range progs {
						ids = append(ids, p.ID)
					}
				} else {
					ids = []string{*prog}
				}
				var errs []error
				unrepaired := 0
				for _, id := range ids {
					r, err := repairTotals(ctx, st, id, *write, now)
					if err != nil {
						errs = append(errs, fmt.Errorf("programme %s: %w", id, err))
						continue
					}
					r.print(env.Stdout)
					if (!r.Written && r.differs()) || len(r.Left) > 0 {
						unrepaired++
					}
				}
				if unrepaired > 0 {
					// A report that finds differences fails, so a scheduled
					// check can alert on it.
					errs = append(errs, fmt.Errorf("the totals of %d programme(s) differ from their records (repair them with --write)", unrepaired))
				}
				return errors.Join(errs...)
			}
		},
	})
}

// repairStore opens the table (tests replace it).
var repairStore = func(ctx context.Context, table, endpoint string) (*store.Store, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return store.New(db, table), nil
}

// totalsRepair is what repairing one programme found and did.
type totalsRepair struct {
	Programme string
	// Summaries is how many pair and person summaries were read; Stale
	// how many differed from the records (or had an uncounted change).
	Summaries, Stale int
	// Diff is where the stored counters differed from the recount.
	Diff []string
	// Written: the repair was written; Left is what still differs after
	// it (first times are minima and only reported).
	Written bool
	Left    []string
	// Unlisted is how many unreleased quarantined replies were missing
	// from the attention list (kept before it was an index); --write
	// lists them.
	Unlisted int
}

// differs is whether the report found something to repair.
func (r totalsRepair) differs() bool { return r.Stale > 0 || len(r.Diff) > 0 || r.Unlisted > 0 }

func (r totalsRepair) print(w io.Writer) {
	fmt.Fprintf(w, "programme %s: %d summaries, %d differ from the records; %d counter(s) differ\n", r.Programme, r.Summaries, r.Stale, len(r.Diff))
	for _, d := range r.Diff {
		fmt.Fprintf(w, "  %s\n", d)
	}
	if r.Unlisted > 0 {
		what := "replies"
		if r.Unlisted == 1 {
			what = "reply"
		}
		fmt.Fprintf(w, "  %d quarantined %s missing from the attention list\n", r.Unlisted, what)
	}
	switch {
	case !r.Written && r.differs():
		fmt.Fprintln(w, "  not written: run again with --write to repair")
	case r.Written && len(r.Left) == 0:
		fmt.Fprintln(w, "  repaired")
	case r.Written:
		fmt.Fprintf(w, "  repaired, except: %v\n", r.Left)
	}
}

// repairTotals recounts a programme's totals from its records and, with
// write, makes the store agree: each summary that differs from the records
// is set through the store's counting protocol (which counts its
// difference once), then whatever the counters still lack is corrected.
//
// What only the tick and the suppression list record is kept from the
// stored summaries: the check-ins asked (the records say when they were
// due, not whether a quota moved them) and whether email reaches someone.
// Run twice, the second run finds nothing to do.
func repairTotals(ctx context.Context, st *store.Store, programmeID string, write bool, now time.Time) (totalsRepair, error) {
	r := totalsRepair{Programme: programmeID}
	p, err := st.GetProgramme(ctx, programmeID)
	if err != nil {
		return r, err
	}
	in := health.Input{Programme: p, Now: now}
	var wg sync.WaitGroup
	errs := make([]error, 5)
	wg.Add(5)
	go func() { defer wg.Done(); in.Participants, errs[0] = st.ListParticipants(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Pairs, errs[1] = st.ListPairs(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Answers, errs[2] = st.ListAnswers(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Goals, errs[3] = st.GoalFigures(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Applied, errs[4] = st.AppliedFigures(ctx, p.ID) }()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return r, err
	}
	pairs, people := health.Summaries(in)
	storedPairs, storedPeople, err := st.StoredSummaries(ctx, p.ID, keysOf(pairs), keysOf(people))
	if err != nil {
		return r, err
	}
	r.Summaries = len(storedPairs) + len(storedPeople)
	var want totals.Vector
	var stalePairs, stalePeople []string
	for _, id := range keysOf(pairs) {
		s, was := pairs[id], storedPairs[id]
		if was.Pair != nil {
			s.Asks, s.SeniorLatest, s.Facts.Unreachable = was.Pair.Asks, was.Pair.SeniorLatest, was.Pair.Facts.Unreachable
		}
		want.Add(s.Contribution())
		if was.Pending || was.Pair == nil || !sameSummary(*s, *was.Pair) {
			stalePairs = append(stalePairs, id)
		}
	}
	for _, id := range keysOf(people) {
		s, was := people[id], storedPeople[id]
		if was.Person != nil {
			s.Asks = was.Person.Asks
			s.Facts.Suppressed, s.Facts.SuppressedAt = was.Person.Facts.Suppressed, was.Person.Facts.SuppressedAt
		}
		want.Add(s.Contribution())
		if was.Pending || was.Person == nil || !sameSummary(*s, *was.Person) {
			stalePeople = append(stalePeople, id)
		}
	}
	r.Stale = len(stalePairs) + len(stalePeople)
	got, err := st.ReadTotals(ctx, p.ID)
	if err != nil {
		return r, err
	}
	r.Diff = totals.Diff(got, want)
	unlisted, err := st.UnlistedQuarantine(ctx, p.ID)
	if err != nil {
		return r, err
	}
	r.Unlisted = len(unlisted)
	if !write || !r.differs() {
		return r, nil
	}
	r.Written = true
	for _, q := range unlisted {
		if err := st.ListOnAttention(ctx, q); err != nil {
			return r, err
		}
	}
	for _, id := range stalePairs {
		s := *pairs[id]
		if err := st.TallyPair(ctx, p.ID, id, false, func(x *totals.Pair) { *x = s }); err != nil {
			return r, err
		}
	}
	for _, id := range stalePeople {
		s := *people[id]
		if err := st.TallyPerson(ctx, p.ID, id, false, func(x *totals.Person) { *x = s }); err != nil {
			return r, err
		}
	}
	// The summaries agree with the records now; the counters hold their
	// applied contributions, and what else they hold is the drift.
	if got, err = st.ReadTotals(ctx, p.ID); err != nil {
		return r, err
	}
	var by totals.Vector
	by.Add(totals.Vector{N: want.N})
	by.Sub(totals.Vector{N: got.N})
	if len(by.N) > 0 {
		if err := st.CorrectTotals(ctx, p.ID, by); err != nil {
			return r, err
		}
		if got, err = st.ReadTotals(ctx, p.ID); err != nil {
			return r, err
		}
	}
	r.Left = totals.Diff(got, want)
	return r, nil
}

// sameSummary compares two summaries as stored (an empty map and none are
// the same).
func sameSummary[T any](a, b T) bool {
	ea, errA := attributevalue.MarshalMap(a)
	eb, errB := attributevalue.MarshalMap(b)
	return errA == nil && errB == nil && reflect.DeepEqual(ea, eb)
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
