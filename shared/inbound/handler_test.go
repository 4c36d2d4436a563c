package inbound_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

const domain = "upward.test"

var t0 = time.Date(2027, 1, 18, 10, 0, 0, 0, time.UTC)

type env struct {
	store          *store.Store
	signer         *token.Signer
	clock          *stacktest.Clock
	handler        *inbound.Handler
	queue          stacktest.Queue
	prog           programme.Programme
	senior, junior programme.Participant
	pair           programme.Pair
}

func setup(t *testing.T) *env {
	t.Helper()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0})
	s := sys.Store
	ctx := context.Background()
	e := &env{store: s, signer: sys.Signer, queue: sys.Queue, clock: sys.Clock}
	var err error
	e.handler, err = inbound.New(s, e.queue, e.signer, sys.Clock, sys.Log, inbound.Settings{MailDomain: domain})
	if err != nil {
		t.Fatal(err)
	}
	e.prog = programme.New(t0)
	e.prog.ID, e.prog.Name, e.prog.StartDate, e.prog.EndDate = ids.New(), "Bridges", "2027-01-04", "2027-06-30"
	if err := s.CreateProgramme(ctx, e.prog); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	res, err := s.Enrol(ctx, e.prog.ID, []programme.Participant{
		{Email: "sen-" + tag + "@example.org", Name: "Sen", Role: programme.Senior},
		{Email: "jun-" + tag + "@example.org", Name: "Jun", Role: programme.Junior},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Created {
		if p.Role == programme.Senior {
			e.senior = p
		} else {
			e.junior = p
		}
	}
	pairs, err := schedule.Approve(ctx, s, &discard{}, e.prog, []programme.Pair{{SeniorID: e.senior.ID, JuniorID: e.junior.ID}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	e.pair = pairs[0]
	return e
}

type discard struct{}

func (discard) Enqueue(context.Context, ...sendqueue.Job) error { return nil }

// raw writes a reply the way a mail client does, to the reply address of
// the given email.
func (e *env) raw(t *testing.T, from programme.Participant, kind token.Kind, cycle int, msgID, body string) []byte {
	t.Helper()
	ref := token.Ref{ProgrammeID: e.prog.ID, ParticipantID: from.ID, Kind: kind, Cycle: cycle}
	if kind != token.KindWelcome {
		ref.PairID = e.pair.ID
	}
	addr, err := e.signer.ReplyAddress(ref, domain)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(fmt.Sprintf("From: %s <%s>\r\nTo: %s\r\nSubject: Re: Check-in\r\nMessage-ID: <%s>\r\nDate: Mon, 18 Jan 2027 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\nOn Mon, 18 Jan 2027 at 09:00, Bridges <p@upward.test> wrote:\r\n> Did you meet since Monday 4 January? Reply YES or NO.\r\n", from.Name, from.Email, addr, msgID, body))
}

// envelope is what SES reports of a message's SMTP envelope: here, as a
// client sends it, the To address and the From address.
func envelope(t *testing.T, raw []byte) (recipients []string, from string) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, "" // not a message: SES reports no envelope worth reading
	}
	to, _ := m.Header.AddressList("To")
	for _, a := range to {
		recipients = append(recipients, a.Address)
	}
	if f, err := m.Header.AddressList("From"); err == nil && len(f) > 0 {
		from = f[0].Address
	}
	return recipients, from
}

func (e *env) handle(t *testing.T, raw []byte, v inbound.Verdicts) inbound.Result {
	t.Helper()
	rcpt, from := envelope(t, raw)
	res, err := e.handler.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: raw, Verdicts: v, ReceivedAt: t0, Recipients: rcpt, EnvelopeFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	e.queue.Drain()
	return res
}

var pass = inbound.Verdicts{Spam: "PASS", Virus: "PASS", SPF: "PASS", DKIM: "PASS", DMARC: "PASS"}

func TestACheckInReplyIsRecordedOnce(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	raw := e.raw(t, e.junior, token.KindCheckIn, 1, "a1@mail.example.org", "Yes, we met for coffee. 4\r\n\r\nIt was great to hear about the board's priorities.")
	res := e.handle(t, raw, pass)
	if res.Outcome != inbound.Recorded || res.Answer.Met == nil || !*res.Answer.Met || res.Answer.Rating == nil || *res.Answer.Rating != 4 {
		t.Fatalf("result = %+v, want recorded, met, 4", res)
	}
	// The same message again (SES retries, or the sender's server resends
	// with the same Message-ID under a new SES id): nothing new.
	if again := e.handle(t, raw, pass); again.Outcome != inbound.Duplicate {
		t.Errorf("replay outcome = %s, want duplicate", again.Outcome)
	}
	answers, err := e.store.ListAnswers(ctx, e.prog.ID)
	if err != nil || len(answers) != 1 {
		t.Fatalf("answers = %d (%v), want 1", len(answers), err)
	}
	a := answers[0]
	if a.Cycle != 1 || a.Role != programme.Junior || !*a.Met || *a.Rating != 4 {
		t.Errorf("answer = %+v", a)
	}
	replies, _ := e.store.ListReplies(ctx, e.prog.ID, e.junior.ID)
	if len(replies) != 1 || !strings.Contains(replies[0].Text, "board's priorities") || strings.Contains(replies[0].Text, "Did you meet since") {
		t.Errorf("stored reply = %+v, want the person's words without the quote", replies)
	}
	pair, _ := e.store.GetPair(ctx, e.prog.ID, e.pair.ID)
	if pair.LastMetCycle != 1 || pair.LastReplyCycle != 1 {
		t.Errorf("pair after a 'met' reply: last met %d, last reply %d; want 1 and 1", pair.LastMetCycle, pair.LastReplyCycle)
	}
}

func with(v inbound.Verdicts, edit func(*inbound.Verdicts)) inbound.Verdicts {
	edit(&v)
	return v
}

// Upward acts on a reply only when SES vouches for its sender; whatever SES
// could not judge is quarantined, never acted on.
func TestVerdicts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct {
		name    string
		v       inbound.Verdicts
		outcome inbound.Outcome
		reason  string
	}{
		{"all pass", pass, inbound.Recorded, ""},
		{"DMARC passes on DKIM alone", with(pass, func(v *inbound.Verdicts) { v.SPF = "FAIL" }), inbound.Recorded, ""},
		{"DMARC passes on SPF alone", with(pass, func(v *inbound.Verdicts) { v.DKIM = "GRAY" }), inbound.Recorded, ""},
		{"no DMARC policy, SPF passes for the From domain", with(pass, func(v *inbound.Verdicts) { v.DMARC = "GRAY" }), inbound.Recorded, ""},
		{"DMARC fails", with(pass, func(v *inbound.Verdicts) { v.DMARC = "FAIL" }), inbound.Quarantined, "DMARC failed"},
		{"DMARC not checked", with(pass, func(v *inbound.Verdicts) { v.DMARC = "PROCESSING_FAILED" }), inbound.Quarantined, "could not check DMARC"},
		{"no DMARC policy, SPF fails", with(pass, func(v *inbound.Verdicts) { v.DMARC, v.SPF = "GRAY", "FAIL" }), inbound.Quarantined, "SPF did not pass"},
		{"no DMARC policy, SPF gray", with(pass, func(v *inbound.Verdicts) { v.DMARC, v.SPF = "GRAY", "GRAY" }), inbound.Quarantined, "SPF did not pass"},
		{"no DMARC policy, DKIM alone", with(pass, func(v *inbound.Verdicts) { v.DMARC, v.SPF = "GRAY", "PROCESSING_FAILED" }), inbound.Quarantined, "SPF did not pass"},
		{"spam gray", with(pass, func(v *inbound.Verdicts) { v.Spam = "GRAY" }), inbound.Quarantined, "spam"},
		{"virus scan failed", with(pass, func(v *inbound.Verdicts) { v.Virus = "PROCESSING_FAILED" }), inbound.Quarantined, "viruses"},
		{"no verdicts at all (not from SES)", inbound.Verdicts{}, inbound.Quarantined, "no verdict"},
	}
	for i, tt := range tests {
		raw := e.raw(t, e.junior, token.KindCheckIn, 1, fmt.Sprintf("v%d@mail.example.org", i), "Yes 5")
		res := e.handle(t, raw, tt.v)
		if res.Outcome != tt.outcome || !strings.Contains(res.Reason, tt.reason) {
			t.Errorf("%s: %s (%q), want %s mentioning %q", tt.name, res.Outcome, res.Reason, tt.outcome, tt.reason)
		}
	}
	// SPF that passed for someone else's domain vouches for nothing.
	raw := e.raw(t, e.junior, token.KindCheckIn, 1, "spf-elsewhere@mail.example.org", "Yes 5")
	rcpt, _ := envelope(t, raw)
	res, err := e.handler.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: raw, Recipients: rcpt, EnvelopeFrom: "bounces@evil.example",
		Verdicts: with(pass, func(v *inbound.Verdicts) { v.DMARC = "GRAY" }), ReceivedAt: t0})
	if err != nil || res.Outcome != inbound.Quarantined || !strings.Contains(res.Reason, "another domain") {
		t.Errorf("SPF for another domain: %+v, %v", res, err)
	}
}

// In AWS the reply token is read only from the envelope recipients SES
// vouches for; the To header is whatever the sender wrote.
func TestTheTokenComesFromTheEnvelope(t *testing.T) {
	t.Parallel()
	e := setup(t)
	raw := e.raw(t, e.junior, token.KindCheckIn, 1, "hdr@mail.example.org", "Yes 5")
	_, from := envelope(t, raw)
	m := inbound.Message{ID: ids.New(), Raw: raw, Verdicts: pass, EnvelopeFrom: from, ReceivedAt: t0, Recipients: []string{"someone@" + domain}}
	res, err := e.handler.Handle(context.Background(), m)
	if err != nil || res.Outcome != inbound.Quarantined || !strings.Contains(res.Reason, "no valid reply token") {
		t.Errorf("token only in the To header: %+v, %v; want quarantined", res, err)
	}
	// `upward dev` reads the header: an uploaded file has no envelope.
	local, err := inbound.New(e.store, e.queue, e.signer, e.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: domain, Local: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Recipients, m.Verdicts = nil, inbound.Verdicts{}
	if res, err := local.Handle(context.Background(), m); err != nil || res.Outcome != inbound.Recorded {
		t.Errorf("locally, token in the To header: %+v, %v; want recorded", res, err)
	}
}

func TestSuspiciousMessagesAreQuarantinedNotRecorded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	good := e.raw(t, e.junior, token.KindCheckIn, 1, "q1@mail.example.org", "Yes 5")
	forgedAddr := "reply+" + strings.Repeat("a", 56) + "@" + domain
	forged := []byte(strings.Replace(string(good), "To: reply+", "To: "+forgedAddr+"\r\nX-Old: reply+", 1))
	wrongSender := []byte(strings.Replace(string(good), e.junior.Email, "someone.else@example.org", 1))
	fromLine := "From: " + e.junior.Name + " <" + e.junior.Email + ">"
	encodedSpoof := []byte(strings.Replace(string(good), fromLine, "From: =?utf-8?q?"+e.junior.Email+"?= <attacker@evil.example>", 1))
	twoFrom := []byte(strings.Replace(string(good), fromLine, fromLine+", Eve <attacker@evil.example>", 1))
	otherSender := []byte(strings.Replace(string(good), fromLine, fromLine+"\r\nSender: attacker@evil.example", 1))
	tests := []struct {
		name    string
		raw     []byte
		v       inbound.Verdicts
		outcome inbound.Outcome
		reason  string
	}{
		{"virus", good, inbound.Verdicts{Virus: "FAIL"}, inbound.Dropped, "virus"},
		{"spam", good, inbound.Verdicts{Spam: "FAIL", Virus: "PASS"}, inbound.Quarantined, "spam"},
		{"dmarc", good, with(pass, func(v *inbound.Verdicts) { v.DMARC = "FAIL" }), inbound.Quarantined, "DMARC"},
		{"forged token", forged, pass, inbound.Quarantined, "no valid reply token"},
		{"wrong sender", wrongSender, pass, inbound.Quarantined, "sender unknown"},
		{"garbage", []byte("not an email at all"), pass, inbound.Quarantined, "unreadable"},
		{"encoded word posing as the participant", encodedSpoof, pass, inbound.Quarantined, "sender unknown"},
		{"two From addresses", twoFrom, pass, inbound.Quarantined, "From header names 2 addresses"},
		{"Sender disagrees with From", otherSender, pass, inbound.Quarantined, "Sender header"},
	}
	for _, tt := range tests {
		res := e.handle(t, tt.raw, tt.v)
		if res.Outcome != tt.outcome || !strings.Contains(res.Reason, tt.reason) {
			t.Errorf("%s: %s (%q), want %s mentioning %q", tt.name, res.Outcome, res.Reason, tt.outcome, tt.reason)
		}
	}
	if answers, _ := e.store.ListAnswers(ctx, e.prog.ID); len(answers) != 0 {
		t.Errorf("suspicious messages recorded %d answers", len(answers))
	}
	q, err := e.store.ListQuarantine(ctx)
	if err != nil || len(q) != 8 {
		t.Errorf("quarantined = %d (%v), want 8 (the virus is dropped, not kept)", len(q), err)
	}
}

func TestAutoRepliesAreIgnored(t *testing.T) {
	t.Parallel()
	e := setup(t)
	raw := e.raw(t, e.senior, token.KindCheckIn, 1, "ooo@mail.example.org", "I am out of the office until Monday.")
	raw = []byte(strings.Replace(string(raw), "Subject: Re: Check-in", "Subject: Automatic reply: Check-in\r\nAuto-Submitted: auto-replied", 1))
	if res := e.handle(t, raw, pass); res.Outcome != inbound.Ignored {
		t.Errorf("auto-reply: %s, want ignored", res.Outcome)
	}
	if answers, _ := e.store.ListAnswers(context.Background(), e.prog.ID); len(answers) != 0 {
		t.Error("an auto-reply was recorded as an answer")
	}
}

func TestOptInByReply(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	raw := e.raw(t, e.senior, token.KindWelcome, 0, "join@mail.example.org", "JOIN 1, 4, inclusion and belonging")
	res := e.handle(t, raw, pass)
	if res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	got, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID)
	want := []string{"AI tools", "Hybrid and remote work", "Inclusion and belonging"}
	if got.Status != programme.OptedIn || fmt.Sprint(got.Topics) != fmt.Sprint(want) {
		t.Errorf("after JOIN: %s %v, want opted_in %v", got.Status, got.Topics, want)
	}
	acks := stacktest.Emails(t, e.senior.Email)
	if len(acks) != 1 || !strings.Contains(acks[0].Body.Text, "You're in") || !strings.Contains(acks[0].Body.Text, "Hybrid and remote work") {
		t.Errorf("acknowledgement = %+v", acks)
	}
	decline := e.raw(t, e.junior, token.KindWelcome, 0, "no@mail.example.org", "No thanks, not this year.")
	e.handle(t, decline, pass)
	if got, _ := e.store.GetParticipant(ctx, e.prog.ID, e.junior.ID); got.Status != programme.Declined {
		t.Errorf("after NO THANKS: %s, want declined", got.Status)
	}
}

func TestCommandsByReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, e *env)
		ack   string
	}{
		{"pause", "PAUSE please, busy month", func(t *testing.T, e *env) {
			p, _ := e.store.GetPair(ctx, e.prog.ID, e.pair.ID)
			if p.State != programme.PairPaused || !p.PausedUntil.Equal(t0.Add(programme.PauseByReply)) || !p.PausedAt.Equal(t0) {
				t.Errorf("pair %s from %v until %v, want paused from now for 30 days", p.State, p.PausedAt, p.PausedUntil)
			}
		}, "paused for 30 days"},
		{"rematch", "REMATCH", func(t *testing.T, e *env) {
			p, _ := e.store.GetPair(ctx, e.prog.ID, e.pair.ID)
			if p.State != programme.PairRematched || !p.Attention || p.AttentionReason != "Rematch requested by the senior; both wait for a new partner" || p.RematchRequestedBy != e.senior.ID {
				t.Errorf("pair = %s, attention %v %q by %q", p.State, p.Attention, p.AttentionReason, p.RematchRequestedBy)
			}
			never, _ := e.store.ListNeverPairs(ctx, e.prog.ID)
			if len(never) != 1 || never[0].Source != "rematch" {
				t.Errorf("never-pairs = %+v, want the old pair", never)
			}
			// The partner hears, in no-fault words, and nothing about why.
			got := stacktest.Emails(t, e.junior.Email)
			if len(got) != 1 || !strings.Contains(got[0].Body.Text, "nobody's fault") || strings.Contains(got[0].Body.Text, "asked") {
				t.Errorf("partner's emails = %+v", got)
			}
		}, "Nobody is at fault"},
		{"stop", "Stop", func(t *testing.T, e *env) {
			x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID)
			p, _ := e.store.GetPair(ctx, e.prog.ID, e.pair.ID)
			if x.Status != programme.Stopped || p.State != programme.PairStopped || !p.Attention {
				t.Errorf("after STOP: person %s, pair %s attention %v", x.Status, p.State, p.Attention)
			}
			// The acknowledgement promises the partner a new partner: the
			// partner hears, once, kindly, and nothing about why.
			got := stacktest.Emails(t, e.junior.Email)
			if len(got) != 1 || !strings.Contains(got[0].Body.Text, "nobody's fault") || !strings.Contains(got[0].Body.Text, "new partner") ||
				strings.Contains(strings.ToLower(got[0].Body.Text), "stopped") {
				t.Errorf("partner's emails after STOP = %+v", got)
			}
		}, "won't receive any more emails"},
		{"help", "help", func(t *testing.T, e *env) {}, "REMATCH"},
		{"story", "STORY I finally understood why our app reviews are so bad.", func(t *testing.T, e *env) {
			st, _ := e.store.ListStories(ctx, e.prog.ID)
			if len(st) != 1 || !st[0].Consent || !strings.Contains(st[0].Text, "app reviews") {
				t.Errorf("stories = %+v", st)
			}
		}, "STORY WITHDRAW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			raw := e.raw(t, e.senior, token.KindCheckIn, 2, tt.name+"@mail.example.org", tt.body)
			res := e.handle(t, raw, pass)
			if res.Outcome != inbound.Recorded || string(res.Command) != strings.Fields(strings.ToLower(tt.body))[0] {
				t.Fatalf("%+v", res)
			}
			e.handle(t, raw, pass) // a replay does nothing twice
			tt.check(t, e)
			acks := stacktest.Emails(t, e.senior.Email)
			if len(acks) != 1 || !strings.Contains(acks[0].Body.Text, tt.ack) {
				t.Errorf("acknowledgements = %d, want one saying %q", len(acks), tt.ack)
			}
		})
	}
}

func TestStoryCanBeWithdrawn(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, "s1@mail.example.org", "STORY We rebuilt the onboarding together."), pass)
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 3, "s2@mail.example.org", "STORY WITHDRAW"), pass)
	st, _ := e.store.ListStories(ctx, e.prog.ID)
	if len(st) != 1 || st[0].Consent || st[0].WithdrawnAt.IsZero() {
		t.Errorf("after withdrawal: %+v, want consent false", st)
	}
}

func TestThanksIsForwardedToTheMentorOnly(t *testing.T) {
	t.Parallel()
	e := setup(t)
	raw := e.raw(t, e.senior, token.KindClosing, 7, "thanks@mail.example.org", "YES 5\r\nTHANKS Jun, you changed how I run my team meetings.")
	if res := e.handle(t, raw, pass); res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	e.handle(t, raw, pass)
	got := stacktest.Emails(t, e.junior.Email)
	if len(got) != 1 || !strings.Contains(got[0].Body.Text, "you changed how I run my team meetings") || !strings.Contains(got[0].Subject, "Sen") {
		t.Errorf("thank-you to the mentor = %+v", got)
	}
}

// TestProseThanksIsNeverForwarded: "Thanks," in a sentence is not the
// THANKS command; nothing reaches the partner.
func TestProseThanksIsNeverForwarded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	raw := e.raw(t, e.senior, token.KindClosing, 7, "prose-thanks@mail.example.org", "YES 3\r\n\r\nThanks, honestly she was often late.")
	if res := e.handle(t, raw, pass); res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	if got := stacktest.Emails(t, e.junior.Email); len(got) != 0 {
		t.Errorf("prose forwarded to the mentor: %+v", got)
	}
}
