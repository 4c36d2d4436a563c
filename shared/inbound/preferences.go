package inbound

import (
	"context"
	"regexp"
	"strings"
	"unicode"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// PrivateStore is what NOT WITH and ASSISTANT read and keep.
type PrivateStore interface {
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	PutNotWith(ctx context.Context, n store.NotWith) error
	NotWithOf(ctx context.Context, programmeID, participantID string) ([]store.NotWith, error)
	RemoveNotWith(ctx context.Context, programmeID, participantID, id string) error
	PutAssistant(ctx context.Context, a store.Assistant) (store.Assistant, error)
	RemoveAssistant(ctx context.Context, programmeID, seniorID string) error
}

// politeness may close a NOT WITH's name without being part of it.
var politeness = map[string]bool{"please": true, "pls": true, "thanks": true, "bitte": true, "danke": true, "svp": true, "merci": true,
	"favor": true, "gracias": true, "grazie": true, "obrigado": true, "obrigada": true, "graag": true, "alsjeblieft": true, "bedankt": true}

// maxNameRunes bounds a name kept from a NOT WITH.
const maxNameRunes = 100

// anAddress finds an email address among a command's words.
var anAddress = regexp.MustCompile(`[^\s<>()\[\]"',;:]+@[^\s<>()\[\]"',;:]+`)

// target reads whom a NOT WITH or ASSISTANT names: an address (valid
// ones only) or else a name; bad is an address that is not one.
func target(text string) (email, name string, bad bool) {
	if m := anAddress.FindString(text); m != "" {
		e, err := programme.NormalizeEmail(strings.ToLower(strings.TrimRight(m, ".!?")))
		if err != nil {
			return "", "", true
		}
		return e, "", false
	}
	words := strings.Fields(strings.Trim(text, " \t.,;:!?\"'()[]<>-–—"))
	for len(words) > 1 && politeness[strings.ToLower(strings.Trim(words[len(words)-1], ".,;:!?"))] {
		words = words[:len(words)-1] // "Sam Lee, please"
	}
	name = strings.Trim(strings.Join(words, " "), " .,;:!?")
	if !strings.ContainsFunc(name, unicode.IsLetter) {
		return "", "", false
	}
	if r := []rune(name); len(r) > maxNameRunes {
		name = string(r[:maxNameRunes])
	}
	return "", name, false
}

// prefAck answers the reply about a preference or an assistant; pairID,
// when set, is the person's live pair the answer may speak of.
func (r *reply) prefAck(topic sendqueue.PreferenceTopic, pairID string) {
	r.jobs = append(r.jobs, sendqueue.Preferences{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: pairID, Reply: r.key, Topic: topic})
}

// currentPair is the person's live pair: the one the reply is about, or
// else the one they are in now (a reply to the welcome email).
func (r *reply) currentPair() (programme.Pair, bool, error) {
	if p, live, err := r.livePair(); err != nil || live {
		return p, live, err
	}
	pairs, err := r.h.store.PairsOf(r.ctx, r.prog.ID, r.person.ID)
	if err != nil {
		return programme.Pair{}, false, err
	}
	for _, p := range pairs {
		if p.State.Live() {
			return p, true, nil
		}
	}
	return programme.Pair{}, false, nil
}

// notWith keeps (or takes back) a private "must not be paired with"
// preference. An address is kept as it is; a name is resolved to the
// participant it fits when it fits exactly one, and otherwise kept as a
// name that keeps everyone it fits apart (the answer asks which one was
// meant). An address that settles an earlier name replaces it. Nobody but
// the person is ever told whom it names.
func (r *reply) notWith(text string) error {
	pair, live, err := r.currentPair()
	if err != nil {
		return err
	}
	pairID := ""
	if live {
		pairID = pair.ID
	}
	if remove, rest := replies.Removal(text); remove {
		return r.notWithRemove(rest, pairID)
	}
	email, name, _ := target(text)
	if email == "" && name == "" || email != "" && r.person.Owns(email) {
		r.prefAck(sendqueue.NotWithEmpty, pairID)
		return nil
	}
	n := store.NotWith{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, Email: email, Reply: r.key, At: r.now}
	people, err := r.h.store.ListParticipants(r.ctx, r.prog.ID)
	if err != nil {
		return err
	}
	others := people[:0:0]
	for _, x := range people {
		if x.ID != r.person.ID {
			others = append(others, x)
		}
	}
	if name != "" {
		n.Name = name
		if found := matching.FindByName(others, name); len(found) == 1 {
			n.Email = found[0].Email
		}
	}
	n.ID = store.NotWithID(n.Email, n.Name)
	if err := r.h.store.PutNotWith(r.ctx, n); err != nil {
		return err
	}
	if n.Email != "" {
		// "NOT WITH Sam" and then "NOT WITH sam.lee@…": the address says
		// which Sam, so the name that kept every Sam apart goes.
		mine, err := r.h.store.NotWithOf(r.ctx, r.prog.ID, r.person.ID)
		if err != nil {
			return err
		}
		for _, old := range mine {
			if old.Email != "" || old.Name == "" || old.ID == n.ID {
				continue
			}
			for _, x := range matching.FindByName(others, old.Name) {
				if x.Email == n.Email {
					if err := r.h.store.RemoveNotWith(r.ctx, r.prog.ID, r.person.ID, old.ID); err != nil {
						return err
					}
					break
				}
			}
		}
	}
	r.prefAck(sendqueue.NotWithSet, pairID)
	return nil
}

// notWithRemove takes back the preferences that name text (an address or
// a name), or all of them when text is empty.
func (r *reply) notWithRemove(text, pairID string) error {
	mine, err := r.h.store.NotWithOf(r.ctx, r.prog.ID, r.person.ID)
	if err != nil {
		return err
	}
	email, name, _ := target(text)
	var people []programme.Participant
	if name != "" {
		if people, err = r.h.store.ListParticipants(r.ctx, r.prog.ID); err != nil {
			return err
		}
	}
	named := map[string]bool{}
	for _, x := range matching.FindByName(people, name) {
		named[x.Email] = true
	}
	removed := 0
	for _, n := range mine {
		all := email == "" && name == ""
		byEmail := email != "" && n.Email == email
		byName := name != "" && (sameName(n.Name, name) || n.Email != "" && named[n.Email])
		if !all && !byEmail && !byName {
			continue
		}
		if err := r.h.store.RemoveNotWith(r.ctx, r.prog.ID, r.person.ID, n.ID); err != nil {
			return err
		}
		removed++
	}
	if removed == 0 && (email != "" || name != "") {
		r.prefAck(sendqueue.NotWithEmpty, pairID)
		return nil
	}
	r.prefAck(sendqueue.NotWithRemoved, pairID)
	return nil
}

func sameName(a, b string) bool {
	return a != "" && len(matching.FindByName([]programme.Participant{{Name: a}}, b)) == 1 &&
		len(matching.FindByName([]programme.Participant{{Name: b}}, a)) == 1
}

// assistant names a senior's assistant, or with REMOVE forgets them. The
// assistant receives the scheduling part of the senior's introductions:
// from the next one on and, when the senior's current pair has not met
// yet, for that pair now.
func (r *reply) assistant(text string) error {
	if r.person.Role != programme.Senior {
		r.prefAck(sendqueue.AssistantSeniorsOnly, "")
		return nil
	}
	if remove, _ := replies.Removal(text); remove {
		if err := r.h.store.RemoveAssistant(r.ctx, r.prog.ID, r.person.ID); err != nil {
			return err
		}
		r.prefAck(sendqueue.AssistantRemoved, "")
		return nil
	}
	email, _, _ := target(text)
	if email == "" || r.person.Owns(email) {
		r.prefAck(sendqueue.AssistantInvalid, "")
		return nil
	}
	a, err := r.h.store.PutAssistant(r.ctx, store.Assistant{ProgrammeID: r.prog.ID, SeniorID: r.person.ID, Email: email, Reply: r.key, At: r.now})
	if err != nil {
		return err
	}
	pair, live, err := r.currentPair()
	if err != nil {
		return err
	}
	sent := ""
	if live && pair.SeniorID == r.person.ID && pair.LastMetAt.IsZero() {
		r.jobs = append(r.jobs, sendqueue.AssistantCopy{ProgrammeID: r.prog.ID, PairID: pair.ID, SeniorID: r.person.ID, Assistant: a.Rev})
		sent = pair.ID
	}
	r.prefAck(sendqueue.AssistantSet, sent)
	return nil
}
