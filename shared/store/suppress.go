package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

const typeSuppression = "suppression"

// Suppression keeps an address from ever being mailed again: a hard
// bounce, a complaint, or an unsubscribe.
type Suppression struct {
	Email  string    `dynamodbav:"email"`
	Reason string    `dynamodbav:"reason"`
	At     time.Time `dynamodbav:"at"`
}

type suppressionItem struct {
	keys
	Suppression
}

func suppressPK(email string) string { return "SUPPRESS#" + strings.ToLower(email) }

// Suppress adds an address to the suppression list; the first reason stays.
func (s *Store) Suppress(ctx context.Context, sup Suppression) error {
	sup.Email = strings.ToLower(sup.Email)
	err := s.put(ctx, suppressionItem{keys: keys{PK: suppressPK(sup.Email), SK: "META", Type: typeSuppression}, Suppression: sup}, notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("suppress: %w", err)
	}
	// Whoever has this address in any programme now needs attention there
	// (a handful of programmes: one read each).
	progs, err := s.ListProgrammes(ctx)
	if err != nil {
		return fmt.Errorf("suppress: %w", err)
	}
	for _, p := range progs {
		var c emailClaim
		err := s.get(ctx, programmePK(p.ID), emailSK(sup.Email), &c)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err == nil {
			err = s.TallyPerson(ctx, p.ID, c.ParticipantID, true, nil)
		}
		if err != nil {
			return fmt.Errorf("suppress: %w", err)
		}
	}
	return nil
}

// IsSuppressed reports whether an address must not be mailed.
func (s *Store) IsSuppressed(ctx context.Context, email string) (bool, error) {
	var it suppressionItem
	err := s.get(ctx, suppressPK(email), "META", &it)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("suppression of %s: %w", email, err)
	}
	return true, nil
}

// suppression reads an address's entry (nil when it is not suppressed).
func (s *Store) suppression(ctx context.Context, email string) (*Suppression, error) {
	if email == "" {
		return nil, nil
	}
	var it suppressionItem
	err := s.get(ctx, suppressPK(email), "META", &it)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("suppression of %s: %w", email, err)
	}
	return &it.Suppression, nil
}

func (s *Suppression) at() time.Time {
	if s == nil {
		return time.Time{}
	}
	return s.At
}
