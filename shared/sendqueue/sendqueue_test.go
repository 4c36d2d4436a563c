package sendqueue

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

type recorder struct {
	mu    sync.Mutex
	seen  map[string]int
	fails map[string]int // key -> failures left
}

func (r *recorder) Handle(_ context.Context, j Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[Key(j)]++
	if r.fails[Key(j)] > 0 {
		r.fails[Key(j)]--
		return errors.New("SES throttled")
	}
	return nil
}

func (r *recorder) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[key]
}

// oneOfEach is a valid job of every kind.
var oneOfEach = []Job{
	Welcome{ProgrammeID: "p", ParticipantID: "a", Round: 2},
	Prepare{ProgrammeID: "p", ParticipantID: "a"},
	Intro{ProgrammeID: "p", PairID: "x", ParticipantID: "a"},
	Scheduled{Email: KindCheckIn, ProgrammeID: "p", ParticipantID: "a", PairID: "x", Cycle: 3},
	Scheduled{Email: KindMidpoint, ProgrammeID: "p", ParticipantID: "a", PairID: "x", Cycle: 4},
	Scheduled{Email: KindNudge, ProgrammeID: "p", ParticipantID: "a", PairID: "x", Cycle: 5},
	Scheduled{Email: KindClosing, ProgrammeID: "p", ParticipantID: "a", PairID: "x", Cycle: 9},
	Ack{ProgrammeID: "p", ParticipantID: "a", PairID: "x", Reply: "k", Topic: AckPaused},
	Thanks{ProgrammeID: "p", FromID: "a", ToID: "b", PairID: "x", Reply: "k"},
	PairEnded{ProgrammeID: "p", ParticipantID: "b", PairID: "x"},
	ReorgEnded{ProgrammeID: "p", ParticipantID: "b", PairID: "x"},
	AssistantCopy{ProgrammeID: "p", PairID: "x", SeniorID: "a", Assistant: "rev1"},
	Preferences{ProgrammeID: "p", ParticipantID: "a", Reply: "k", Topic: NotWithSet},
	RoundEnd{ProgrammeID: "p", ParticipantID: "a", PairID: "x", Round: 300},
	RoundSummary{ProgrammeID: "p", ProposalID: "round-3", Round: 3, Coordinator: "c@example.org"},
	Note{ProgrammeID: "p", ParticipantID: "a", NoteID: "n"},
	SenderNotice{ProgrammeID: "p", ParticipantID: "a", Quarantined: "2027-01-01T00:00:00Z#k"},
	PairNote{Email: KindGoalAsk, ProgrammeID: "p", ParticipantID: "a", PairID: "x"},
	PairNote{Email: KindGoalShared, ProgrammeID: "p", ParticipantID: "b", PairID: "x", About: "a", Ref: "2"},
	PairNote{Email: KindAppliedShared, ProgrammeID: "p", ParticipantID: "b", PairID: "x", About: "a"},
	PairNote{Email: KindRecognitionAsk, ProgrammeID: "p", ParticipantID: "b", PairID: "x", About: "a"},
	PairNote{Email: KindStoryConsentAsk, ProgrammeID: "p", ParticipantID: "b", PairID: "x", About: "a", Ref: "k"},
	PairNote{Email: KindJournal, ProgrammeID: "p", ParticipantID: "a", PairID: "x", Reply: "r"},
	Recognition{ProgrammeID: "p", PairID: "x", JuniorID: "b", SeniorID: "a"},
	PublicationAsk{ProgrammeID: "p", ParticipantID: "a", Publication: "u", Version: 2},
	SignIn{Link: "l"},
	Digest{Account: "c@example.org", Week: "2026-11-02"},
}

func TestEveryKindRoundTrips(t *testing.T) {
	covered := map[Kind]bool{}
	keys := map[string]Kind{}
	for _, j := range oneOfEach {
		body, err := Encode(j)
		if err != nil {
			t.Fatalf("encode %s: %v", j.Kind(), err)
		}
		got, err := Decode(body)
		if err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
		if diff := cmp.Diff(j, got); diff != "" {
			t.Errorf("%s changed on the queue (-sent +received):\n%s", j.Kind(), diff)
		}
		if k, dup := keys[Key(j)]; dup {
			t.Errorf("%s and %s share a ledger key", k, j.Kind())
		}
		keys[Key(j)] = j.Kind()
		covered[j.Kind()] = true
	}
	var missing []string
	for _, k := range Kinds() {
		if !covered[k] {
			missing = append(missing, string(k))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("kinds without a round-trip case: %v", missing)
	}
}

func TestUnreadableJobsAreRefused(t *testing.T) {
	for name, body := range map[string]string{
		"not json":                             "not json",
		"unknown kind":                         `{"kind":"welcom","job":{"programme_id":"p","participant_id":"a"}}`,
		"no kind":                              `{"job":{"programme_id":"p"}}`,
		"no fields":                            `{"kind":"welcome"}`,
		"unknown field":                        `{"kind":"welcome","job":{"programme_id":"p","participant_id":"a","ref":"x|y"}}`,
		"missing field":                        `{"kind":"ack","job":{"programme_id":"p","participant_id":"a","topic":"paused"}}`,
		"unknown topic":                        `{"kind":"ack","job":{"programme_id":"p","participant_id":"a","reply":"k","topic":"pasued"}}`,
		"unknown preference topic":             `{"kind":"preferences","job":{"programme_id":"p","participant_id":"a","reply":"k","topic":"not_wiht"}}`,
		"assistant copy without its assistant": `{"kind":"assistant_copy","job":{"programme_id":"p","pair_id":"x","senior_id":"a"}}`,
		"kind mismatch":                        `{"kind":"checkin","job":{"email":"closing","programme_id":"p","participant_id":"a","pair_id":"x","cycle":2}}`,
		"not a schedule":                       `{"kind":"checkin","job":{"email":"welcome","programme_id":"p","participant_id":"a","pair_id":"x","cycle":2}}`,
		"trailing object":                      `{"kind":"intro","job":{"programme_id":"p","pair_id":"x","participant_id":"a"}}{}`,
		"publication without a version":        `{"kind":"publication_ask","job":{"programme_id":"p","participant_id":"a","publication":"u"}}`,
	} {
		if _, err := Decode(body); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: Decode(%s) = %v, want ErrUnreadable", name, body, err)
		}
	}
	if _, err := Encode(Ack{ProgrammeID: "p", ParticipantID: "a", Reply: "k", Topic: "typo"}); err == nil {
		t.Error("Encode accepted an acknowledgement of an unknown topic")
	}
	if _, err := Encode(Scheduled{Email: KindCheckIn, ProgrammeID: "p", ParticipantID: "a", PairID: "x"}); err == nil {
		t.Error("Encode accepted a check-in without its cycle")
	}
}

func TestSQSHandlerReportsFailedAndUnreadableMessages(t *testing.T) {
	ok := Welcome{ProgrammeID: "p", ParticipantID: "a"}
	bad := Welcome{ProgrammeID: "p", ParticipantID: "b"}
	rec := &recorder{seen: map[string]int{}, fails: map[string]int{Key(bad): 1}}
	okBody, _ := Encode(ok)
	badBody, _ := Encode(bad)
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "m1", Body: okBody},
		{MessageId: "m2", Body: badBody},
		// Unreadable: retried by SQS and dead-lettered, never dropped.
		{MessageId: "m3", Body: `{"kind":"welcom","job":{}}`},
	}}
	resp, err := SQSHandler(rec, slog.New(slog.DiscardHandler))(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := []events.SQSBatchItemFailure{{ItemIdentifier: "m2"}, {ItemIdentifier: "m3"}}
	if diff := cmp.Diff(want, resp.BatchItemFailures); diff != "" {
		t.Errorf("batch failures (-want +got):\n%s", diff)
	}
}

func TestJobKeysDistinguishWhatMakesEmailsDifferent(t *testing.T) {
	pairs := []struct {
		name string
		a, b Job
	}{
		{"welcome rounds", Welcome{ProgrammeID: "p", ParticipantID: "x"}, Welcome{ProgrammeID: "p", ParticipantID: "x", Round: 1}},
		{"a person's check-ins in two pairs",
			Scheduled{Email: KindCheckIn, ProgrammeID: "p", ParticipantID: "x", PairID: "1", Cycle: 1},
			Scheduled{Email: KindCheckIn, ProgrammeID: "p", ParticipantID: "x", PairID: "2", Cycle: 1}},
		{"two pairs ended for one person",
			PairEnded{ProgrammeID: "p", ParticipantID: "x", PairID: "1"}, PairEnded{ProgrammeID: "p", ParticipantID: "x", PairID: "2"}},
		{"rounds past 255", RoundEnd{ProgrammeID: "p", ParticipantID: "x", PairID: "1", Round: 1}, RoundEnd{ProgrammeID: "p", ParticipantID: "x", PairID: "1", Round: 257}},
		{"two topics of one reply", Ack{ProgrammeID: "p", ParticipantID: "x", Reply: "k", Topic: AckStory}, Ack{ProgrammeID: "p", ParticipantID: "x", Reply: "k", Topic: AckThanks}},
		{"a check-in and a nudge of one cycle",
			Scheduled{Email: KindCheckIn, ProgrammeID: "p", ParticipantID: "x", PairID: "1", Cycle: 2},
			Scheduled{Email: KindNudge, ProgrammeID: "p", ParticipantID: "x", PairID: "1", Cycle: 2}},
	}
	for _, p := range pairs {
		if Key(p.a) == Key(p.b) {
			t.Errorf("%s share a ledger key", p.name)
		}
	}
	// The ledger keeps hashes, never the ids the key is made of.
	if k := Key(oneOfEach[0]); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(k) {
		t.Errorf("key %q is not a 128-bit hex hash", k)
	}
}
