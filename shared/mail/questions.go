package mail

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

// Reflection questions (messages/*.yaml, questions.<role>.qNN) go one per
// check-in. Seniors are asked about their assumptions and about receiving
// feedback from someone junior; juniors whether they benefit too — the
// questions the programme literature recommends. They rotate per person,
// across all their partners: a question is not asked again while an unasked
// one remains, so a rotation programme's new pair does not start over.
const questionsPerRole = 12

type question struct {
	text string
	// asked records that it went out, once the email is sent.
	asked func(context.Context, time.Time) error
}

// question picks the reflection question of one check-in: the one already
// chosen for it (a redelivered email asks what the first delivery asked),
// else the first not yet asked of this person, else, all asked, the next
// in order.
func (d *Deliverer) question(ctx context.Context, prog programme.Programme, person programme.Participant, pairID string, cycle int, l lang.Tag) (question, error) {
	email := fmt.Sprintf("%s#%d", pairID, cycle)
	used := map[int]bool{}
	idx := -1
	for _, entry := range person.QuestionsAsked {
		at, n, ok := strings.Cut(entry, "=")
		i, err := strconv.Atoi(n)
		if !ok || err != nil {
			continue
		}
		used[i] = true
		if at == email {
			idx = i
		}
	}
	for i := 0; idx < 0 && i < questionsPerRole; i++ {
		if !used[i] {
			idx = i
		}
	}
	if idx < 0 {
		idx = len(person.QuestionsAsked) % questionsPerRole
	}
	text, err := d.r.words.Text(l, fmt.Sprintf("questions.%s.q%02d", person.Role, idx+1), nil)
	if err != nil {
		return question{}, err
	}
	return question{text: text, asked: func(ctx context.Context, _ time.Time) error {
		return d.data.RecordQuestionAsked(ctx, prog.ID, person.ID, fmt.Sprintf("%s=%d", email, idx))
	}}, nil
}

// AskedQuestion is the reflection question a check-in asked (cycle of
// pairID), in l; false when none was recorded for it.
func AskedQuestion(person programme.Participant, pairID string, cycle int, l lang.Tag) (string, bool, error) {
	email := fmt.Sprintf("%s#%d", pairID, cycle)
	for _, entry := range person.QuestionsAsked {
		at, n, ok := strings.Cut(entry, "=")
		i, err := strconv.Atoi(n)
		if !ok || err != nil || at != email || i < 0 || i >= questionsPerRole {
			continue
		}
		words, err := loadWords()
		if err != nil {
			return "", false, err
		}
		text, err := words.Text(l, fmt.Sprintf("questions.%s.q%02d", person.Role, i+1), nil)
		return text, err == nil, err
	}
	return "", false, nil
}

// tip is a short guide, sent with one of the first check-ins.
type tip struct{ Title, Body string }

// tips are the guides of a role's first three check-ins: feedback across
// levels first (the part each side finds hardest), then listening, then
// how to shape a session.
var tips = map[programme.Role][]string{
	programme.Senior: {"tips.receiving_feedback", "tips.listening", "tips.structuring"},
	programme.Junior: {"tips.feedback_up", "tips.listening", "tips.structuring"},
}

func (d *Deliverer) tipFor(role programme.Role, cycle int, l lang.Tag) (*tip, error) {
	keys := tips[role]
	if cycle < 1 || cycle > len(keys) {
		return nil, nil
	}
	title, err := d.r.words.Text(l, keys[cycle-1]+".title", nil)
	if err != nil {
		return nil, err
	}
	body, err := d.r.words.Text(l, keys[cycle-1]+".body", nil)
	if err != nil {
		return nil, err
	}
	return &tip{Title: title, Body: body}, nil
}
