package oneclick_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/token"
)

// gist is what an answer says, comparably: the parts Upward acts on.
func gist(a replies.Answer) string {
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	r := 0
	if a.Rating != nil {
		r = *a.Rating
	}
	var cmds []string
	for _, in := range a.Commands {
		cmds = append(cmds, string(in.Command)+" "+in.Text)
	}
	return fmt.Sprintf("met=%s rating=%d join=%s topics=%q commands=%q words=%q", b(a.Met), r, b(a.Join), a.Topics, cmds, a.FreeText)
}

// Every link an email offers, confirmed as it opens, is read as the reply
// the email suggests for the same answer, in every language: a click on
// "Yes" is YES, on 4 is "4", on Join is JOIN, on Pause is PAUSE. And a
// page's whole form is read as the whole reply (YES 4 and a reflection).
func TestALinkConfirmedIsTheReplyItStandsFor(t *testing.T) {
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	for _, l := range lang.All {
		w, err := mail.ReplyWords(l)
		if err != nil {
			t.Fatal(err)
		}
		shown, err := mail.Topics(prog, l)
		if err != nil {
			t.Fatal(err)
		}
		checkin := replies.Options{Context: replies.CheckIn}
		welcome := replies.Options{Context: replies.Welcome, Topics: shown}
		yes, no := true, false
		tests := []struct {
			kind  token.Kind
			form  oneclick.Form
			reply string
			opts  replies.Options
		}{
			{token.KindCheckIn, oneclick.Yes.Chosen(token.KindCheckIn), w["yes"], checkin},
			{token.KindCheckIn, oneclick.No.Chosen(token.KindCheckIn), w["no"], checkin},
			{token.KindCheckIn, oneclick.Rate(1).Chosen(token.KindCheckIn), "1", checkin},
			{token.KindCheckIn, oneclick.Rate(5).Chosen(token.KindCheckIn), "5", checkin},
			{token.KindNudge, oneclick.Pause.Chosen(token.KindNudge), w["pause"], checkin},
			{token.KindNudge, oneclick.Rematch.Chosen(token.KindNudge), w["rematch"], checkin},
			{token.KindRecognition, oneclick.Yes.Chosen(token.KindRecognition), w["yes"], checkin},
			{token.KindStoryConsent, oneclick.No.Chosen(token.KindStoryConsent), w["no"], checkin},
			{token.KindWelcome, oneclick.Decline.Chosen(token.KindWelcome), w["decline"], welcome},
			// The whole form: the answers and the words below them.
			{token.KindCheckIn, oneclick.Form{YesNo: &yes, Rating: 4, Words: "We walked round the new office."},
				w["yes"] + " 4\n\nWe walked round the new office.", checkin},
			{token.KindCheckIn, oneclick.Form{YesNo: &no}, w["no"], checkin},
			{token.KindMidpoint, oneclick.Form{YesNo: &yes, Rating: 5, Progress: 3}, w["yes"] + " 5\n" + w["goal"] + " 3", checkin},
			{token.KindWelcome, oneclick.Form{Join: &yes, Topics: []string{prog.Topics[0], prog.Topics[2]}}, w["join"] + " 1, 3", welcome},
		}
		for _, tt := range tests {
			read := replies.Understand(tt.reply, tt.opts)
			if tt.opts.Context == replies.Welcome {
				// The reply names topics as its reader saw them; the page
				// as the programme stores them (by position, as inbound
				// maps a reply's).
				for i, topic := range read.Topics {
					for k, s := range shown {
						if s == topic {
							read.Topics[i] = prog.Topics[k]
						}
					}
				}
			}
			if tt.opts.Context == replies.Welcome {
				// The decline's words hold THANKS ("NO THANKS"), which
				// the welcome does not act on (shared/inbound).
				var kept []replies.Instruction
				for _, in := range read.Commands {
					if in.Command != replies.CommandThanks {
						kept = append(kept, in)
					}
				}
				read.Commands = kept
			}
			read.Read, read.Language, read.Command = "", "", ""
			if diff := cmp.Diff(gist(read), gist(tt.form.Answer())); diff != "" {
				t.Errorf("%s %s: the reply %q (-) and the page (+) differ:\n%s", l, tt.kind, tt.reply, diff)
			}
		}
	}
}

// Every email that asks something offers a link for each of its answers,
// and nothing else; a link's page asks what its email asked.
func TestWhatEachEmailOffersAndAsks(t *testing.T) {
	all := []oneclick.Choice{oneclick.None, oneclick.Yes, oneclick.No, oneclick.Rate(1), oneclick.Rate(2), oneclick.Rate(3), oneclick.Rate(4), oneclick.Rate(5),
		oneclick.Join, oneclick.Decline, oneclick.Pause, oneclick.Rematch}
	offers := func(kind token.Kind) string {
		var out []string
		for _, c := range all {
			if oneclick.Offers(kind, c) {
				out = append(out, fmt.Sprint(c))
			}
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		kind token.Kind
		want string
	}{
		{token.KindCheckIn, "1 2 3 4 5 6 7"}, {token.KindMidpoint, "1 2 3 4 5 6 7"}, {token.KindClosing, "1 2 3 4 5 6 7"}, {token.KindRoundEnd, "1 2 3 4 5 6 7"},
		{token.KindNudge, "1 10 11"}, {token.KindWelcome, "8 9"}, {token.KindRecognition, "1 2"}, {token.KindStoryConsent, "1 2"},
		{token.KindGoal, "0"}, {token.KindAck, ""}, {token.KindIntro, ""},
	}
	for _, tt := range tests {
		if got := offers(tt.kind); got != tt.want {
			t.Errorf("%s offers links %q, want %q", tt.kind, got, tt.want)
		}
	}
	asks := []struct {
		kind    token.Kind
		c       oneclick.Choice
		hasGoal bool
		want    oneclick.Questions
	}{
		{token.KindCheckIn, oneclick.Rate(4), true, oneclick.Questions{Met: true, Rating: true, Words: true}},
		{token.KindMidpoint, oneclick.Yes, true, oneclick.Questions{Met: true, Rating: true, Words: true, Progress: true}},
		{token.KindMidpoint, oneclick.Yes, false, oneclick.Questions{Met: true, Rating: true, Words: true}},
		{token.KindClosing, oneclick.No, true, oneclick.Questions{Met: true, Rating: true, Words: true, Progress: true}},
		{token.KindNudge, oneclick.Yes, false, oneclick.Questions{Met: true, Rating: true}},
		{token.KindNudge, oneclick.Pause, false, oneclick.Questions{Command: replies.CommandPause}},
		{token.KindNudge, oneclick.Rematch, false, oneclick.Questions{Command: replies.CommandRematch}},
		{token.KindWelcome, oneclick.Join, false, oneclick.Questions{Join: true, Topics: true}},
		{token.KindStoryConsent, oneclick.Yes, false, oneclick.Questions{Consent: true}},
		{token.KindGoal, oneclick.None, false, oneclick.Questions{Words: true, WordsRequired: true}},
	}
	for _, tt := range asks {
		if diff := cmp.Diff(tt.want, oneclick.Ask(tt.kind, tt.c, tt.hasGoal)); diff != "" {
			t.Errorf("%s, link %d: (-want +got)\n%s", tt.kind, tt.c, diff)
		}
	}
}

// A link carries its own purpose, the person, the pair, the email and the
// answer, and works until Grace after the programme's last day.
func TestLinksAreSignedForTheirEmailAndAnswer(t *testing.T) {
	signer, _ := token.NewSigner(bytes.Repeat([]byte{3}, 32))
	links := oneclick.Links{Signer: signer, BaseURL: "https://upward.test"}
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	prog.ID, prog.StartDate, prog.EndDate = ids.New(), "2027-01-18", "2027-06-30"
	ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: ids.New(), PairID: ids.New(), Kind: token.KindCheckIn, Cycle: 3}
	u, err := links.Answer(ref, prog, oneclick.Rate(4))
	if err != nil {
		t.Fatal(err)
	}
	tok, ok := strings.CutPrefix(u, "https://upward.test"+oneclick.AnswerPath)
	if !ok {
		t.Fatalf("link %q is not an answer page's", u)
	}
	lastDay := time.Date(2027, 6, 30, 12, 0, 0, 0, time.UTC)
	got, err := signer.VerifyLink(tok, token.PurposeAnswer, lastDay.Add(oneclick.Grace))
	if err != nil {
		t.Fatal(err)
	}
	want := ref
	want.Purpose = token.PurposeAnswer
	if got.Ref != want || oneclick.Choice(got.Answer) != oneclick.Rate(4) {
		t.Errorf("link = %+v, answer %d; want %+v, answer %d", got.Ref, got.Answer, want, oneclick.Rate(4))
	}
	if _, err := signer.VerifyLink(tok, token.PurposeAnswer, lastDay.Add(oneclick.Grace+24*time.Hour)); err != token.ErrExpired {
		t.Errorf("a day after the grace period: %v, want expired", err)
	}
	if _, err := links.Answer(ref, prog, oneclick.Join); err == nil {
		t.Errorf("a check-in's link for joining was made")
	}
	page, err := links.Page(prog, ref.ParticipantID, "")
	if err != nil {
		t.Fatal(err)
	}
	ptok, _ := strings.CutPrefix(page, "https://upward.test"+oneclick.PagePath)
	if p, err := signer.VerifyLink(ptok, token.PurposePage, lastDay); err != nil || p.ParticipantID != ref.ParticipantID || p.PairID != "" {
		t.Errorf("page link: %+v %v", p, err)
	}
	if _, err := signer.VerifyLink(ptok, token.PurposeAnswer, lastDay); err != token.ErrWrongPurpose {
		t.Errorf("a page's link as an answer: %v, want the wrong purpose", err)
	}
}
