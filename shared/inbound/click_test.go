package inbound_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/totals"
)

// click answers an email of kind by its page, as the person would.
func (e *env) click(t *testing.T, from programme.Participant, kind token.Kind, cycle int, submission string, a replies.Answer) inbound.Result {
	t.Helper()
	ref := token.Ref{ProgrammeID: e.prog.ID, ParticipantID: from.ID, Kind: kind, Cycle: cycle}
	if kind != token.KindWelcome {
		ref.PairID = e.pair.ID
	}
	res, err := e.handler.Answer(context.Background(), inbound.Click{Ref: ref, Answer: a, Submission: submission})
	if err != nil {
		t.Fatal(err)
	}
	e.queue.Drain()
	return res
}

// table is every item of the env's table, one JSON line each, with the
// env's own ids and the answer's key made neutral, so that two envs in
// which the same thing happened compare equal. The reply record's words
// are left out: a reply's are the whole message, a page's only its text
// box.
func (e *env) table(t *testing.T, key string) string {
	t.Helper()
	db := stacktest.DynamoDB(t)
	neutral := strings.NewReplacer(e.prog.ID, "PROG", e.senior.ID, "SEN", e.junior.ID, "JUN", e.pair.ID, "PAIR", e.senior.Email, "sen@", e.junior.Email, "jun@", key, "KEY")
	// The send ledger names each email by a hash of its job (whose ids
	// differ) and keeps SES's message id.
	ledger := regexp.MustCompile(`SENT#[0-9a-f]{32}|ses-[0-9]+`)
	var items []string
	// The running totals are kept on counter shards chosen by a hash of
	// each summary's key (whose ids differ), with the ids of the last
	// operations: what must be equal is their sum.
	var sum totals.Vector
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(e.store.Table()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			kind, _ := item["type"].(*types.AttributeValueMemberS)
			switch {
			case kind == nil:
			case kind.Value == "reply":
				for _, words := range []string{"text", "read", "language", "via"} {
					delete(item, words)
				}
			case kind.Value == "totals":
				var shard struct {
					Totals totals.Vector `dynamodbav:"totals"`
				}
				if err := attributevalue.UnmarshalMap(item, &shard); err != nil {
					t.Fatal(err)
				}
				sum.Add(shard.Totals)
				continue
			case kind.Value == "summary":
				// Which operation last moved it names the answer's key.
				delete(item, "pending")
			case kind.Value == "due":
				// Each pair's minute of the morning, and so its shard,
				// comes from its id.
				for _, f := range []string{"due", "gsi2pk", "gsi2sk"} {
					delete(item, f)
				}
			}
			b, _ := json.Marshal(item)
			items = append(items, ledger.ReplaceAllString(neutral.Replace(string(b)), "LEDGER"))
		}
	}
	b, _ := json.Marshal(sum)
	items = append(items, "totals: "+string(b))
	sort.Strings(items)
	return strings.Join(items, "\n")
}

// emails are what each of the pair received, links and addresses made
// neutral.
func (e *env) emails(t *testing.T) []string {
	t.Helper()
	tokens := regexp.MustCompile(`(reply\+|/u/|/a/|/p/)[a-z2-7]+`)
	var out []string
	for who, addr := range map[string]string{"senior": e.senior.Email, "junior": e.junior.Email} {
		for _, m := range stacktest.Emails(t, addr) {
			out = append(out, who+": "+m.Subject+"\n"+tokens.ReplaceAllString(m.Body.Text, "$1TOKEN"))
		}
	}
	sort.Strings(out)
	return out
}

// A click has exactly the effect of the reply that says the same: the
// same records in the table (all but the reply record's own key and
// words) and the same emails, to the person and to their partner.
func TestAClickIsTheSameAnswerAsAReply(t *testing.T) {
	t.Parallel()
	yes, no, four, five := true, false, 4, 5
	tests := []struct {
		name  string
		kind  token.Kind
		cycle int
		by    string // whose answer: senior or junior
		reply string
		click replies.Answer
	}{
		{"a check-in", token.KindCheckIn, 2, "junior", "YES 4", replies.Answer{Met: &yes, Rating: &four}},
		{"a check-in with words", token.KindCheckIn, 2, "senior", "NO\r\n\r\nOur diaries never matched this month.",
			replies.Answer{Met: &no, FreeText: "Our diaries never matched this month."}},
		{"joining with topics", token.KindWelcome, 0, "senior", "JOIN 1, 4",
			replies.Answer{Join: &yes, Topics: []string{"AI tools", "Hybrid and remote work"}}},
		{"declining", token.KindWelcome, 0, "junior", "NO THANKS", replies.Answer{Join: &no}},
		{"a nudge: pause", token.KindNudge, 3, "senior", "PAUSE",
			replies.Answer{Commands: []replies.Instruction{{Command: replies.CommandPause}}}},
		{"a nudge: someone else", token.KindNudge, 3, "senior", "REMATCH",
			replies.Answer{Commands: []replies.Instruction{{Command: replies.CommandRematch}}}},
		{"the midpoint, with progress", token.KindMidpoint, 3, "junior", "YES 5\r\nGOAL 3",
			replies.Answer{Met: &yes, Rating: &five, Commands: []replies.Instruction{{Command: replies.CommandGoal, Text: "3"}}}},
		{"the goal question", token.KindGoal, 0, "junior", "Learn how the board decides what to fund.",
			replies.Answer{FreeText: "Learn how the board decides what to fund."}},
		{"the closing: what was applied", token.KindClosing, 7, "senior", "YES 5\r\nI now test every release with a new joiner.",
			replies.Answer{Met: &yes, Rating: &five, FreeText: "I now test every release with a new joiner."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			byReply, byClick := setup(t), setup(t)
			for _, e := range []*env{byReply, byClick} {
				if tt.name == "the midpoint, with progress" {
					// Progress needs a goal to be towards.
					who := map[string]programme.Participant{"senior": e.senior, "junior": e.junior}[tt.by]
					e.click(t, who, token.KindGoal, 0, "goal-first", replies.Answer{FreeText: "Understand the board."})
				}
			}
			replier := map[string]programme.Participant{"senior": byReply.senior, "junior": byReply.junior}[tt.by]
			clicker := map[string]programme.Participant{"senior": byClick.senior, "junior": byClick.junior}[tt.by]
			res := byReply.handle(t, byReply.raw(t, replier, tt.kind, tt.cycle, "same@mail.example.org", tt.reply), pass)
			if res.Outcome != inbound.Recorded {
				t.Fatalf("reply: %+v", res)
			}
			got := byClick.click(t, clicker, tt.kind, tt.cycle, "submission-1", tt.click)
			if got.Outcome != inbound.Recorded {
				t.Fatalf("click: %+v", got)
			}
			replyKey := mustOneReplyKey(t, byReply, replier, "same@mail.example.org")
			clickKey := mustOneReplyKey(t, byClick, clicker, "")
			if diff := cmp.Diff(byReply.table(t, replyKey), byClick.table(t, clickKey)); diff != "" {
				t.Errorf("the table after the reply (-) and after the click (+) differ:\n%s", diff)
			}
			if diff := cmp.Diff(byReply.emails(t), byClick.emails(t)); diff != "" {
				t.Errorf("the emails after the reply (-) and after the click (+) differ:\n%s", diff)
			}
		})
	}
}

// mustOneReplyKey is the key of the answer recorded last by who: the
// reply record that is not the goal set up beforehand.
func mustOneReplyKey(t *testing.T, e *env, who programme.Participant, _ string) string {
	t.Helper()
	rs, err := e.store.ListReplies(context.Background(), e.prog.ID, who.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range rs {
		if r.Text != "Understand the board." {
			keys = append(keys, r.Key)
		}
	}
	if len(keys) != 1 {
		t.Fatalf("%d answers recorded, want 1", len(keys))
	}
	return keys[0]
}

// A click and a reply to one email are one answer: the later replaces the
// earlier, as a second reply would, and the response rate counts the
// person once.
func TestTheLaterOfAClickAndAReplyReplacesTheEarlier(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	yes, three := true, 3
	e.click(t, e.junior, token.KindCheckIn, 1, "first", replies.Answer{Met: &yes, Rating: &three})
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 1, "later@mail.example.org", "NO"), pass)
	answers, _ := e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 || answers[0].Met == nil || *answers[0].Met || answers[0].Rating != nil {
		t.Fatalf("after the click and then the reply: %+v, want one answer, not met", answers)
	}
	five := 5
	e.click(t, e.junior, token.KindCheckIn, 1, "again", replies.Answer{Met: &yes, Rating: &five})
	answers, _ = e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 || !*answers[0].Met || *answers[0].Rating != 5 || answers[0].Role != programme.Junior || answers[0].Cycle != 1 {
		t.Fatalf("after a click again: %+v, want one answer, met, 5", answers)
	}
	// Once the first check-in has reached both: two asked, one answered,
	// however many times.
	in := health.Input{Programme: e.prog, Answers: answers, Now: schedule.NewPlan(e.prog, e.pair).Date(1).AddDate(0, 0, 1)}
	in.Participants, _ = e.store.ListParticipants(ctx, e.prog.ID)
	in.Pairs, _ = e.store.ListPairs(ctx, e.prog.ID)
	if r := health.Compute(in).Response; r.Num != 1 || r.Den != 2 {
		t.Errorf("response rate %d/%d, want 1/2", r.Num, r.Den)
	}
}

// Sending a page's form again (a double click, a browser resending it)
// changes nothing at all: not the table, not the emails.
func TestAReplayedClickChangesNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	pause := replies.Answer{Commands: []replies.Instruction{{Command: replies.CommandPause}}}
	if res := e.click(t, e.senior, token.KindNudge, 3, "pause-once", pause); res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	key := mustOneReplyKey(t, e, e.senior, "")
	before, mails := e.table(t, key), e.emails(t)
	e.clock.Add(3600e9) // an hour later: a replay must not even move a date
	if res := e.click(t, e.senior, token.KindNudge, 3, "pause-once", pause); res.Outcome != inbound.Duplicate {
		t.Fatalf("replay: %+v, want duplicate", res)
	}
	if diff := cmp.Diff(before, e.table(t, key)); diff != "" {
		t.Errorf("a replay changed the table:\n%s", diff)
	}
	if diff := cmp.Diff(mails, e.emails(t)); diff != "" {
		t.Errorf("a replay sent email:\n%s", diff)
	}
}

func TestAClickThatSaysNothingOrComesTooLate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	ref := token.Ref{ProgrammeID: e.prog.ID, ParticipantID: e.junior.ID, PairID: e.pair.ID, Kind: token.KindCheckIn, Cycle: 1}
	if _, err := e.handler.Answer(ctx, inbound.Click{Ref: ref, Submission: "empty", Answer: replies.Answer{FreeText: "  "}}); !errors.Is(err, inbound.ErrEmptyAnswer) {
		t.Errorf("an empty answer: %v, want ErrEmptyAnswer", err)
	}
	if rs, _ := e.store.ListReplies(ctx, e.prog.ID, e.junior.ID); len(rs) != 0 {
		t.Errorf("an empty answer was recorded: %+v", rs)
	}
	// Erased since the email was sent: nothing of it is kept.
	if _, err := e.store.Erase(ctx, e.prog.ID, e.junior.ID, func(store.Quarantined) bool { return false }, t0); err != nil {
		t.Fatal(err)
	}
	yes := true
	res, err := e.handler.Answer(ctx, inbound.Click{Ref: ref, Submission: "late", Answer: replies.Answer{Met: &yes}})
	if err != nil || res.Outcome != inbound.Dropped {
		t.Errorf("an erased person's click: %+v %v, want dropped", res, err)
	}
	if answers, _ := e.store.ListAnswers(ctx, e.prog.ID); len(answers) != 0 {
		t.Errorf("an erased person's click was recorded: %+v", answers)
	}
}
