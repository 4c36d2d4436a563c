package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
)

// What participants tell Upward privately by reply: whom they must not be
// paired with (NOT WITH) and, for seniors, the assistant who manages their
// diary (ASSISTANT). Both live in items of their own, apart from the
// participant's profile, so no page that lists participants can show them:
// only matching, the emails to the person themselves (and to the assistant)
// and the person's own data export read them.

const (
	typeNotWith   = "not_with"
	typeAssistant = "assistant"
)

// NotWith is one private "must not be paired with" preference.
type NotWith struct {
	ProgrammeID   string `dynamodbav:"programme_id"`
	ParticipantID string `dynamodbav:"participant_id"`
	// ID derives from whom it names, so naming someone twice keeps one.
	ID string `dynamodbav:"id"`
	// Email is whom it names, when an address was given or the name found
	// exactly one participant; Name is the name as written. An erasure of
	// the person it names replaces both with EmailHash
	// (programme.HashEmail), so the rule holds and nobody can read it.
	Email     string `dynamodbav:"email,omitempty"`
	Name      string `dynamodbav:"name,omitempty"`
	EmailHash string `dynamodbav:"email_hash,omitempty"`
	// Reply is the reply that set it.
	Reply string    `dynamodbav:"reply"`
	At    time.Time `dynamodbav:"at"`
}

// NotWithID is the id of a preference naming an address, or else a name.
func NotWithID(email, name string) string {
	k := "e:" + strings.ToLower(strings.TrimSpace(email))
	if strings.TrimSpace(email) == "" {
		k = "n:" + strings.ToLower(strings.Join(strings.Fields(name), " "))
	}
	sum := sha256.Sum256([]byte(k))
	return hex.EncodeToString(sum[:8])
}

type notWithItem struct {
	keys
	NotWith
}

func notWithPrefix(participantID string) string { return "NOTWITH#" + participantID + "#" }

// PutNotWith keeps a preference (again: the same one, refreshed).
func (s *Store) PutNotWith(ctx context.Context, n NotWith) error {
	if n.ProgrammeID == "" || n.ParticipantID == "" || n.Email == "" && n.Name == "" && n.EmailHash == "" {
		return errors.New("not-with preference: programme, participant and whom it names are required")
	}
	if n.ID == "" {
		n.ID = NotWithID(n.Email, n.Name)
	}
	n.Email = strings.ToLower(strings.TrimSpace(n.Email))
	it := notWithItem{keys: keys{PK: programmePK(n.ProgrammeID), SK: notWithPrefix(n.ParticipantID) + n.ID, Type: typeNotWith}, NotWith: n}
	if err := s.put(ctx, it, nil, nil); err != nil {
		return fmt.Errorf("keep not-with preference: %w", err)
	}
	return nil
}

// RemoveNotWith takes one preference back; an absent one is no error.
func (s *Store) RemoveNotWith(ctx context.Context, programmeID, participantID, id string) error {
	return s.delete(ctx, programmePK(programmeID), notWithPrefix(participantID)+id)
}

// NotWithOf lists one participant's preferences.
func (s *Store) NotWithOf(ctx context.Context, programmeID, participantID string) ([]NotWith, error) {
	return s.listNotWith(ctx, programmeID, notWithPrefix(participantID))
}

// ListNotWith lists every preference of a programme, for matching.
func (s *Store) ListNotWith(ctx context.Context, programmeID string) ([]NotWith, error) {
	return s.listNotWith(ctx, programmeID, "NOTWITH#")
}

func (s *Store) listNotWith(ctx context.Context, programmeID, prefix string) ([]NotWith, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), prefix, "not-with preference", func(it notWithItem) NotWith { return it.NotWith })
	if err != nil {
		return nil, fmt.Errorf("not-with preferences of %s: %w", programmeID, err)
	}
	return out, nil
}

// Assistant is the person who manages a senior's diary: they receive the
// scheduling part of the senior's introductions and the calendar file.
type Assistant struct {
	ProgrammeID string `dynamodbav:"programme_id"`
	SeniorID    string `dynamodbav:"senior_id"`
	Email       string `dynamodbav:"email"`
	// Rev tells one assistant of the senior's from another: each copy is
	// sent for the assistant it was queued for, once (AssistantRev).
	Rev   string    `dynamodbav:"rev"`
	Reply string    `dynamodbav:"reply"`
	At    time.Time `dynamodbav:"at"`
}

// AssistantRev is the revision of a senior's assistant at an address: the
// same address is the same assistant, so naming them again sends nothing
// twice, while a new assistant gets their own copy.
func AssistantRev(seniorID, email string) string {
	sum := sha256.Sum256([]byte(seniorID + "|" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:8])
}

type assistantItem struct {
	keys
	Assistant
}

func assistantSK(seniorID string) string { return "ASSISTANT#" + seniorID }

// PutAssistant names a senior's assistant, in place of any other.
func (s *Store) PutAssistant(ctx context.Context, a Assistant) (Assistant, error) {
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	if a.ProgrammeID == "" || a.SeniorID == "" || a.Email == "" {
		return a, errors.New("assistant: programme, senior and address are required")
	}
	a.Rev = AssistantRev(a.SeniorID, a.Email)
	it := assistantItem{keys: keys{PK: programmePK(a.ProgrammeID), SK: assistantSK(a.SeniorID), Type: typeAssistant}, Assistant: a}
	if err := s.put(ctx, it, nil, nil); err != nil {
		return a, fmt.Errorf("name assistant: %w", err)
	}
	return a, nil
}

// GetAssistant reads a senior's assistant, ErrNotFound when none.
func (s *Store) GetAssistant(ctx context.Context, programmeID, seniorID string) (Assistant, error) {
	var it assistantItem
	if err := s.get(ctx, programmePK(programmeID), assistantSK(seniorID), &it); err != nil {
		return Assistant{}, fmt.Errorf("assistant of %s: %w", seniorID, err)
	}
	return it.Assistant, nil
}

// RemoveAssistant forgets a senior's assistant; none is no error.
func (s *Store) RemoveAssistant(ctx context.Context, programmeID, seniorID string) error {
	return s.delete(ctx, programmePK(programmeID), assistantSK(seniorID))
}

// ListAssistants reads a programme's assistants by senior, with one Query.
func (s *Store) ListAssistants(ctx context.Context, programmeID string) (map[string]Assistant, error) {
	out := map[string]Assistant{}
	err := s.queryPrefix(ctx, programmePK(programmeID), "ASSISTANT#", func(item map[string]types.AttributeValue) error {
		var it assistantItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode assistant: %w", err)
		}
		out[it.SeniorID] = it.Assistant
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assistants of %s: %w", programmeID, err)
	}
	return out, nil
}

// erasePrivate removes what a person told Upward privately (their
// preferences, their assistant) and, in everyone else's preferences, their
// address and the name that found it, which become a one-way hash: the
// rule still holds, and nobody can read whom it named. In the reporting
// lines the reorganisation guard recorded on the programme's pairs, their
// address becomes the erasure's placeholder, as in the org chart.
func (s *Store) erasePrivate(ctx context.Context, programmeID string, p programme.Participant, anon string) error {
	pk := programmePK(programmeID)
	if err := s.deleteAll(ctx, pk, notWithPrefix(p.ID), nil); err != nil {
		return fmt.Errorf("erase preferences: %w", err)
	}
	if err := s.delete(ctx, pk, assistantSK(p.ID)); err != nil {
		return fmt.Errorf("erase assistant: %w", err)
	}
	all, err := s.ListNotWith(ctx, programmeID)
	if err != nil {
		return err
	}
	for _, n := range all {
		if n.Email == "" || !p.Owns(n.Email) {
			continue
		}
		upd := expression.Set(expression.Name("email_hash"), expression.Value(programme.HashEmail(n.Email))).
			Remove(expression.Name("email")).Remove(expression.Name("name"))
		if err := s.update(ctx, pk, notWithPrefix(n.ParticipantID)+n.ID, upd, exists(), ErrNotFound, nil); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("erase from preferences: %w", err)
		}
	}
	pairs, err := s.ListPairs(ctx, programmeID)
	if err != nil {
		return err
	}
	for _, pr := range pairs {
		chain := slices.Clone(pr.ReorgChain)
		named := false
		for i, e := range chain {
			if p.Owns(e) {
				chain[i], named = anon, true
			}
		}
		if !named {
			continue
		}
		// Not a change of the pair's state: its record, as the org chart's.
		upd := expression.Set(expression.Name("reorg_chain"), expression.Value(chain))
		if err := s.update(ctx, pk, pairSK(pr.ID), upd, exists(), ErrNotFound, nil); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("erase from reporting lines: %w", err)
		}
	}
	return nil
}
