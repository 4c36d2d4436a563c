// Package oneclick says what the links in Upward's emails mean, so that
// the emails that carry them (shared/mail) and the pages they open
// (shared/web) agree: which answers an email offers as links, how a link
// is signed and how long it works, which questions its page asks, and what
// the page's form answers in the reply parser's terms (replies.Answer).
// That last step is what makes a click and a reply the same answer:
// shared/inbound records both through one path.
//
// A link only ever opens a page. The page shows the answer chosen and one
// button; only pressing it (a POST carrying the link's token and a field
// only the page gives) records anything, because corporate mail scanners
// fetch every link in every email.
package oneclick

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/token"
)

// Where the pages are: an answer page is AnswerPath+token, a person's own
// page PagePath+token.
const (
	AnswerPath = "/a/"
	PagePath   = "/p/"
)

// Grace is how long after a programme's last day its links keep working:
// long enough to answer the closing survey after a holiday, and the
// questions of consent that follow it.
const Grace = 60 * 24 * time.Hour

// Expiry is when the links in a programme's emails stop working: Grace
// after the end of its last day.
func Expiry(p programme.Programme) time.Time {
	return p.End().AddDate(0, 0, 1).Add(Grace)
}

// Choice is the answer a link stands for, signed into its token.
type Choice byte

// Every answer a link can stand for. The values are written into tokens
// already in people's inboxes: never renumber them.
const (
	// None opens the page with nothing chosen (the goal question).
	None  Choice = 0
	Yes   Choice = 1 // met; or, to a question of consent, yes
	No    Choice = 2
	Rate1 Choice = 3 // Rate1+n-1 is n out of 5
	Rate2 Choice = 4
	Rate3 Choice = 5
	Rate4 Choice = 6
	Rate5 Choice = 7
	// Join and Decline answer the welcome.
	Join    Choice = 8
	Decline Choice = 9
	// Pause and Rematch are the nudge's ways out.
	Pause   Choice = 10
	Rematch Choice = 11
)

// Rate is the link for n out of 5.
func Rate(n int) Choice {
	if n < 1 || n > 5 {
		return None
	}
	return Rate1 + Choice(n-1)
}

// Rating is the n out of 5 a choice stands for (0: none).
func (c Choice) Rating() int {
	if c >= Rate1 && c <= Rate5 {
		return int(c-Rate1) + 1
	}
	return 0
}

// Offers reports whether the email of kind has a link for c: a link for
// anything else was not made by Upward (or not for that email).
func Offers(kind token.Kind, c Choice) bool {
	switch kind {
	case token.KindCheckIn, token.KindMidpoint, token.KindClosing, token.KindRoundEnd:
		return c == Yes || c == No || c.Rating() > 0
	case token.KindNudge:
		return c == Yes || c == Pause || c == Rematch
	case token.KindWelcome:
		return c == Join || c == Decline
	case token.KindRecognition, token.KindStoryConsent, token.KindPublication:
		return c == Yes || c == No
	case token.KindGoal:
		return c == None
	}
	return false
}

// Questions are what an answer page asks, as the email asked them.
type Questions struct {
	// Met: did you meet (yes or no); Rating: how valuable, 1 to 5.
	Met, Rating bool
	// Words is a text box for the email's open question (the reflection,
	// what was applied, the goal); WordsRequired when it is the question.
	Words, WordsRequired bool
	// Progress: how far towards one's goal, 1 to 5 (when one was set).
	Progress bool
	// Join and Topics answer the welcome.
	Join, Topics bool
	// Consent: yes or no to a question of consent.
	Consent bool
	// Command is what the page confirms instead of asking (pause,
	// rematch): it comes from the link, not from the form.
	Command replies.Command
}

// Ask is what the page of a link for c in an email of kind asks; hasGoal
// says whether the person set a goal (the surveys then ask how far they
// came).
func Ask(kind token.Kind, c Choice, hasGoal bool) Questions {
	switch kind {
	case token.KindWelcome:
		return Questions{Join: true, Topics: true}
	case token.KindRecognition, token.KindStoryConsent, token.KindPublication:
		return Questions{Consent: true}
	case token.KindGoal:
		return Questions{Words: true, WordsRequired: true}
	case token.KindNudge:
		switch c {
		case Pause:
			return Questions{Command: replies.CommandPause}
		case Rematch:
			return Questions{Command: replies.CommandRematch}
		}
		return Questions{Met: true, Rating: true}
	case token.KindRoundEnd:
		return Questions{Met: true, Rating: true}
	case token.KindMidpoint, token.KindClosing:
		return Questions{Met: true, Rating: true, Words: true, Progress: hasGoal}
	}
	return Questions{Met: true, Rating: true, Words: true}
}

// Form is what an answer page's form says, field by field.
type Form struct {
	// YesNo answers Met or Consent (nil: neither chosen).
	YesNo *bool
	// Rating and Progress are 1 to 5 (0: not chosen).
	Rating, Progress int
	Join             *bool
	// Topics are as the programme stores them (its default wording).
	Topics []string
	Words  string
	// Command is the link's: pause or rematch.
	Command replies.Command
}

// Chosen is the form a link for c opens with: its answer chosen.
func (c Choice) Chosen(kind token.Kind) Form {
	yes, no := true, false
	var f Form
	switch {
	case c == Yes:
		f.YesNo = &yes
	case c == No:
		f.YesNo = &no
	case c.Rating() > 0:
		f.Rating = c.Rating()
	case c == Join:
		f.Join = &yes
	case c == Decline:
		f.Join = &no
	case c == Pause && kind == token.KindNudge:
		f.Command = replies.CommandPause
	case c == Rematch && kind == token.KindNudge:
		f.Command = replies.CommandRematch
	}
	return f
}

// Answer is the form in the reply parser's terms: what a reply saying the
// same carries (YES 4, JOIN 1, 3, PAUSE, GOAL 3, and the words below).
func (f Form) Answer() replies.Answer {
	a := replies.Answer{Met: f.YesNo, FreeText: strings.TrimSpace(f.Words)}
	if f.Rating >= 1 && f.Rating <= 5 {
		r := f.Rating
		a.Rating = &r
	}
	if f.Join != nil {
		a.Join = f.Join
		if *f.Join {
			a.Topics = f.Topics
		}
	}
	if f.Progress >= 1 && f.Progress <= 5 {
		a.Commands = append(a.Commands, replies.Instruction{Command: replies.CommandGoal, Text: strconv.Itoa(f.Progress)})
	}
	if f.Command != "" {
		a.Commands = append(a.Commands, replies.Instruction{Command: f.Command})
	}
	return a
}

// Links signs the links of one deployment's emails.
type Links struct {
	Signer *token.Signer
	// BaseURL is the site's address, without a trailing slash.
	BaseURL string
}

// Answer is the link in an email (named by ref, as its reply address
// names it) that answers c.
func (l Links) Answer(ref token.Ref, p programme.Programme, c Choice) (string, error) {
	if !Offers(ref.Kind, c) {
		return "", fmt.Errorf("an email of kind %s has no link for answer %d", ref.Kind, c)
	}
	ref.Purpose = token.PurposeAnswer
	tok, err := l.Signer.SignLink(token.Link{Ref: ref, Answer: byte(c), Expires: Expiry(p)})
	if err != nil {
		return "", err
	}
	return l.BaseURL + AnswerPath + tok, nil
}

// Page is the link to a person's own page. pairID, when the email is about
// a pair, lets the page find it without a search.
func (l Links) Page(p programme.Programme, personID, pairID string) (string, error) {
	ref := token.Ref{Purpose: token.PurposePage, ProgrammeID: p.ID, ParticipantID: personID, PairID: pairID}
	tok, err := l.Signer.SignLink(token.Link{Ref: ref, Expires: Expiry(p)})
	if err != nil {
		return "", err
	}
	return l.BaseURL + PagePath + tok, nil
}
