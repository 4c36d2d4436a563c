package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
)

// ErasedPrefix starts the placeholder that stands for an erased person in
// pairs and answers, unique per erasure so anonymous figures (how many
// people answered) still add up.
const ErasedPrefix = "erased-"

// Erase removes a participant's personal data at their request: their
// profile, email claim, replies, stories, thank-yous, coordinators' notes to
// them and schedules; their private preferences and assistant, and their
// address in others' preferences (erasePrivate); quarantined messages that match; their address in pair
// history, never-pair lists, proposals and the org chart (eraseFromMatching).
// What the programme's figures are made of stays, under
// an anonymous placeholder: the pairs they were in and their answers' met and
// rating. It returns the placeholder. Running it again finds nothing to do.
func (s *Store) Erase(ctx context.Context, programmeID, participantID string, quarantined func(Quarantined) bool, now time.Time) (string, error) {
	p, err := s.GetParticipant(ctx, programmeID, participantID)
	if err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	anon := ErasedPrefix + ids.New()
	pk := programmePK(programmeID)

	// Private text and anything else keyed by them.
	for _, prefix := range []string{"REPLY#" + participantID + "#", "STORY#" + participantID + "#", "THANKS#" + participantID + "#", "NOTE#" + participantID + "#", "BUDGET#" + participantID + "#", "GOAL#" + participantID + "#"} {
		if err := s.deleteAll(ctx, pk, prefix, nil); err != nil {
			return "", fmt.Errorf("erase: %w", err)
		}
	}
	// Thank-yous addressed to them.
	if err := s.deleteAll(ctx, pk, "THANKS#", func(item map[string]types.AttributeValue) bool {
		var t thanksItem
		return attributevalue.UnmarshalMap(item, &t) == nil && t.ToID == participantID
	}); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}

	if err := s.eraseFromImpact(ctx, programmeID, participantID, anon, now); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}

	// Pairs: replace their id. (Their live pairs were ended first, by
	// shared/lifecycle, so the partner is told and paired again.)
	pairs, err := s.ListPairs(ctx, programmeID)
	if err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	for _, pr := range pairs {
		if pr.SeniorID != participantID && pr.JuniorID != participantID {
			continue
		}
		role := programme.Junior
		field := "junior_id"
		if pr.SeniorID == participantID {
			role, field = programme.Senior, "senior_id"
		}
		// Ending their live pairs (and telling the partner) is a pair
		// change, made by shared/lifecycle before the erasure; here only
		// the name goes.
		upd := expression.Set(expression.Name(field), expression.Value(anon))
		if pr.RematchRequestedBy == participantID {
			upd = upd.Set(expression.Name("rematch_requested_by"), expression.Value(anon))
		}
		if strings.Contains(pr.EndedBy, participantID) {
			upd = upd.Set(expression.Name("ended_by"), expression.Value(strings.ReplaceAll(pr.EndedBy, participantID, anon)))
		}
		if err := s.update(ctx, pk, pairSK(pr.ID), upd, exists(), ErrNotFound, nil); err != nil {
			return "", fmt.Errorf("erase: %w", err)
		}
		if err := s.deleteDue(ctx, programmeID, pr.ID, role); err != nil {
			return "", fmt.Errorf("erase: %w", err)
		}
	}
	// Answers keep met and rating under the placeholder.
	var answers []string
	err = s.queryPrefix(ctx, pk, "ANS#", func(item map[string]types.AttributeValue) error {
		var a answerItem
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return err
		}
		if a.ParticipantID == participantID {
			answers = append(answers, a.SK)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	for _, sk := range answers {
		if err := s.update(ctx, pk, sk, expression.Set(expression.Name("participant_id"), expression.Value(anon)), exists(), ErrNotFound, nil); err != nil {
			return "", fmt.Errorf("erase: %w", err)
		}
	}
	// Quarantined messages from them.
	if err := s.deleteAll(ctx, "QUARANTINE", "", func(item map[string]types.AttributeValue) bool {
		var q quarantineItem
		if attributevalue.UnmarshalMap(item, &q) != nil {
			return false
		}
		return p.Owns(q.From) || q.ParticipantID == participantID || (quarantined != nil && quarantined(q.Quarantined))
	}); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	if err := s.eraseFromMatching(ctx, programmeID, p.Email, anon, now); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	if err := s.erasePrivate(ctx, programmeID, p, anon); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	for _, addr := range append([]string{p.Email}, p.OtherEmails...) {
		if err := s.delete(ctx, pk, emailSK(addr)); err != nil {
			return "", fmt.Errorf("erase: %w", err)
		}
	}
	if err := s.eraseTotals(ctx, programmeID, participantID, anon); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	if err := s.delete(ctx, pk, participantSK(participantID)); err != nil {
		return "", fmt.Errorf("erase: %w", err)
	}
	return anon, nil
}

// eraseFromImpact removes a person from the closing loop and from other
// people's stories. A senior's applied answer is their words: it goes. A
// junior's name leaves the answers of their seniors, and a note to their
// manager not yet sent never will be. A story its author told about a
// pairing with them is no longer shown (its partner can no longer be
// asked) and no longer names them; the publications of stories they are
// in are deleted.
func (s *Store) eraseFromImpact(ctx context.Context, programmeID, participantID, anon string, now time.Time) error {
	pk := programmePK(programmeID)
	var applied []Applied
	err := s.queryPrefix(ctx, pk, "APPLIED#", func(item map[string]types.AttributeValue) error {
		var it appliedItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		if it.SeniorID == participantID || it.JuniorID == participantID {
			applied = append(applied, it.Applied)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range applied {
		if a.SeniorID == participantID {
			if err := s.delete(ctx, pk, appliedSK(a.PairID)); err != nil {
				return err
			}
			continue
		}
		upd := expression.Set(expression.Name("junior_id"), expression.Value(anon)).
			Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
		if a.RecognitionSent.IsZero() && a.JuniorConsentAt.After(a.JuniorWithdrewAt) {
			upd = upd.Set(expression.Name(string(JuniorWithdraws)), expression.Value(now))
		}
		if err := s.update(ctx, pk, appliedSK(a.PairID), upd, exists(), ErrNotFound, nil); err != nil {
			return err
		}
	}
	var stories []Story
	err = s.queryPrefix(ctx, pk, "STORY#", func(item map[string]types.AttributeValue) error {
		var it storyItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return err
		}
		if it.PartnerID == participantID {
			stories = append(stories, it.Story)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, st := range stories {
		upd := expression.Set(expression.Name("partner_id"), expression.Value(anon)).
			Set(expression.Name("partner_refused_at"), expression.Value(now))
		if err := s.update(ctx, pk, "STORY#"+st.ParticipantID+"#"+st.Key, upd, exists(), ErrNotFound, nil); err != nil {
			return err
		}
	}
	// A publication of a story they told or are in goes altogether: its
	// text is about them however anonymised, and it leaves the printable
	// page and every welcome email still to be sent.
	return s.deleteAll(ctx, pk, "PUB#", func(item map[string]types.AttributeValue) bool {
		var it publicationItem
		return attributevalue.UnmarshalMap(item, &it) == nil && (it.AuthorID == participantID || it.PartnerID == participantID)
	})
}

// deleteAll deletes the items of a partition whose sort key starts with
// prefix and that keep (when given) selects.
func (s *Store) deleteAll(ctx context.Context, pk, prefix string, keep func(map[string]types.AttributeValue) bool) error {
	var sks []string
	err := s.queryPrefix(ctx, pk, prefix, func(item map[string]types.AttributeValue) error {
		if keep != nil && !keep(item) {
			return nil
		}
		sk, ok := item[AttrSK].(*types.AttributeValueMemberS)
		if ok {
			sks = append(sks, sk.Value)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, sk := range sks {
		if err := s.delete(ctx, pk, sk); err != nil {
			return err
		}
	}
	return nil
}
