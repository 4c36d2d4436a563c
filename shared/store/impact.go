package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
)

// Goal is what one person wants from one pairing, in their own words. It is
// theirs alone: the partner reads it only if they shared it, and
// coordinators only ever see counts and the progress figures.
type Goal struct {
	ProgrammeID   string         `dynamodbav:"programme_id"`
	ParticipantID string         `dynamodbav:"participant_id"`
	PairID        string         `dynamodbav:"pair_id"`
	Role          programme.Role `dynamodbav:"role"`
	Text          string         `dynamodbav:"text"`
	SetAt         time.Time      `dynamodbav:"set_at"`
	// Version counts the times the goal was set, so a goal shared again
	// after a change is a new email.
	Version int `dynamodbav:"version"`
	// SharedVersion is the version last shared with the partner (0: never).
	SharedVersion int `dynamodbav:"shared_version,omitempty"`
	// Progress is how far they say they have come, 1 to 5 (0: not said).
	Progress   int       `dynamodbav:"progress,omitempty"`
	ProgressAt time.Time `dynamodbav:"progress_at,omitempty"`
}

type goalItem struct {
	keys
	Goal
}

func goalSK(participantID, pairID string) string { return "GOAL#" + participantID + "#" + pairID }

// SetGoal records (or replaces) a person's goal for a pairing. The same
// reply twice sets it once: replaying the text leaves the version alone.
func (s *Store) SetGoal(ctx context.Context, g Goal) (Goal, error) {
	upd := expression.Set(expression.Name("text"), expression.Value(g.Text)).
		Set(expression.Name("set_at"), expression.Value(g.SetAt)).
		Set(expression.Name("programme_id"), expression.Value(g.ProgrammeID)).
		Set(expression.Name("participant_id"), expression.Value(g.ParticipantID)).
		Set(expression.Name("pair_id"), expression.Value(g.PairID)).
		Set(expression.Name("role"), expression.Value(g.Role)).
		Set(expression.Name("type"), expression.Value("goal")).
		Add(expression.Name("version"), expression.Value(1))
	cond := expression.AttributeNotExists(expression.Name("text")).Or(expression.Name("text").NotEqual(expression.Value(g.Text)))
	var it goalItem
	err := s.update(ctx, programmePK(g.ProgrammeID), goalSK(g.ParticipantID, g.PairID), upd, &cond, ErrConflict, &it)
	if errors.Is(err, ErrConflict) {
		it.Goal, err = s.GetGoal(ctx, g.ProgrammeID, g.ParticipantID, g.PairID)
	}
	if err != nil {
		return Goal{}, fmt.Errorf("set goal: %w", err)
	}
	if err := s.tallyGoal(ctx, it.Goal); err != nil {
		return Goal{}, fmt.Errorf("set goal: %w", err)
	}
	return it.Goal, nil
}

// tallyGoal counts a goal as stored (never its words).
func (s *Store) tallyGoal(ctx context.Context, g Goal) error {
	return s.TallyPerson(ctx, g.ProgrammeID, g.ParticipantID, false, func(p *totals.Person) {
		p.SetGoal(g.PairID, totals.Goal{Role: g.Role, Progress: g.Progress})
	})
}

// GetGoal reads a person's goal for a pairing.
func (s *Store) GetGoal(ctx context.Context, programmeID, participantID, pairID string) (Goal, error) {
	var it goalItem
	if err := s.get(ctx, programmePK(programmeID), goalSK(participantID, pairID), &it); err != nil {
		return Goal{}, fmt.Errorf("goal: %w", err)
	}
	return it.Goal, nil
}

// MarkGoalShared records that version of a goal was shared with the
// partner.
func (s *Store) MarkGoalShared(ctx context.Context, programmeID, participantID, pairID string, version int) error {
	upd := expression.Set(expression.Name("shared_version"), expression.Value(version))
	if err := s.update(ctx, programmePK(programmeID), goalSK(participantID, pairID), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("share goal: %w", err)
	}
	return nil
}

// SetGoalProgress records how far someone has come towards their goal.
func (s *Store) SetGoalProgress(ctx context.Context, programmeID, participantID, pairID string, progress int, at time.Time) error {
	upd := expression.Set(expression.Name("progress"), expression.Value(progress)).Set(expression.Name("progress_at"), expression.Value(at))
	var it goalItem
	if err := s.update(ctx, programmePK(programmeID), goalSK(participantID, pairID), upd, exists(), ErrNotFound, &it); err != nil {
		return fmt.Errorf("goal progress: %w", err)
	}
	if err := s.tallyGoal(ctx, it.Goal); err != nil {
		return fmt.Errorf("goal progress: %w", err)
	}
	return nil
}

// GoalFigure is a goal as the programme's figures see it: who set one and
// how far they came, never its words.
type GoalFigure struct {
	ParticipantID string
	PairID        string
	Role          programme.Role
	Progress      int
}

// GoalFigures lists the programme's goals without their words (the query
// does not read the text).
func (s *Store) GoalFigures(ctx context.Context, programmeID string) ([]GoalFigure, error) {
	proj := expression.NamesList(expression.Name("participant_id"), expression.Name("pair_id"), expression.Name("role"), expression.Name("progress"))
	var out []GoalFigure
	err := s.queryPrefixProjected(ctx, programmePK(programmeID), "GOAL#", proj, func(item map[string]types.AttributeValue) error {
		var g Goal
		if err := attributevalue.UnmarshalMap(item, &g); err != nil {
			return fmt.Errorf("decode goal: %w", err)
		}
		out = append(out, GoalFigure{ParticipantID: g.ParticipantID, PairID: g.PairID, Role: g.Role, Progress: g.Progress})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("goals of %s: %w", programmeID, err)
	}
	return out, nil
}

// ListGoalsOf returns one person's goals, words included: for their own
// journal and their data export only.
func (s *Store) ListGoalsOf(ctx context.Context, programmeID, participantID string) ([]Goal, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "GOAL#"+participantID+"#", "goal", func(it goalItem) Goal { return it.Goal })
	if err != nil {
		return nil, fmt.Errorf("goals of %s: %w", participantID, err)
	}
	return out, nil
}

// Applied is what a senior says they applied from a pairing (the closing
// survey), with the consents that let it travel: to the junior (SHARE),
// and to the junior's manager (the senior's SHARE MANAGER and the junior's
// YES, either withdrawable until it is sent).
type Applied struct {
	ProgrammeID string    `dynamodbav:"programme_id"`
	PairID      string    `dynamodbav:"pair_id"`
	SeniorID    string    `dynamodbav:"senior_id"`
	JuniorID    string    `dynamodbav:"junior_id"`
	Text        string    `dynamodbav:"text"`
	At          time.Time `dynamodbav:"at"`
	// SharedAt: the senior let the junior read it.
	SharedAt time.Time `dynamodbav:"shared_at,omitempty"`
	// The manager's note: each consent and its withdrawal, and when it was
	// sent; it goes only while both consents stand.
	SeniorConsentAt  time.Time `dynamodbav:"senior_consent_at,omitempty"`
	SeniorWithdrewAt time.Time `dynamodbav:"senior_withdrew_at,omitempty"`
	JuniorConsentAt  time.Time `dynamodbav:"junior_consent_at,omitempty"`
	JuniorWithdrewAt time.Time `dynamodbav:"junior_withdrew_at,omitempty"`
	RecognitionDue   time.Time `dynamodbav:"recognition_due,omitempty"`
	RecognitionSent  time.Time `dynamodbav:"recognition_sent,omitempty"`
}

// AppliedFigure is a senior's closing answer as the programme's figures
// see it: whether it was given, shared and passed on, never its words.
type AppliedFigure struct {
	PairID             string
	SeniorID, JuniorID string
	Shared, Recognised bool
}

// AppliedFigures lists the programme's applied answers without their
// words (the query does not read the text).
func (s *Store) AppliedFigures(ctx context.Context, programmeID string) ([]AppliedFigure, error) {
	proj := expression.NamesList(expression.Name("pair_id"), expression.Name("senior_id"), expression.Name("junior_id"), expression.Name("shared_at"), expression.Name("recognition_sent"))
	var out []AppliedFigure
	err := s.queryPrefixProjected(ctx, programmePK(programmeID), "APPLIED#", proj, func(item map[string]types.AttributeValue) error {
		var a Applied
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return fmt.Errorf("decode applied learning: %w", err)
		}
		out = append(out, AppliedFigure{PairID: a.PairID, SeniorID: a.SeniorID, JuniorID: a.JuniorID, Shared: !a.SharedAt.IsZero(), Recognised: !a.RecognitionSent.IsZero()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("applied learning of %s: %w", programmeID, err)
	}
	return out, nil
}

// ManagerMayHear reports whether both consents stand.
func (a Applied) ManagerMayHear() bool {
	return a.SeniorConsentAt.After(a.SeniorWithdrewAt) && a.JuniorConsentAt.After(a.JuniorWithdrewAt)
}

type appliedItem struct {
	keys
	Applied
}

func appliedSK(pairID string) string { return "APPLIED#" + pairID }

// recognitionIndex is the gsi2 partition of recognitions waiting to go out.
const recognitionIndex = "RECOGNITION"

// PutApplied records what a senior applied (the latest answer wins; the
// consents already given stay).
func (s *Store) PutApplied(ctx context.Context, a Applied) error {
	upd := expression.Set(expression.Name("text"), expression.Value(a.Text)).
		Set(expression.Name("at"), expression.Value(a.At)).
		Set(expression.Name("programme_id"), expression.Value(a.ProgrammeID)).
		Set(expression.Name("pair_id"), expression.Value(a.PairID)).
		Set(expression.Name("senior_id"), expression.Value(a.SeniorID)).
		Set(expression.Name("junior_id"), expression.Value(a.JuniorID)).
		Set(expression.Name("type"), expression.Value("applied"))
	var it appliedItem
	if err := s.update(ctx, programmePK(a.ProgrammeID), appliedSK(a.PairID), upd, nil, nil, &it); err != nil {
		return fmt.Errorf("record applied learning: %w", err)
	}
	if err := s.tallyApplied(ctx, it.Applied); err != nil {
		return fmt.Errorf("record applied learning: %w", err)
	}
	return nil
}

// tallyApplied counts a senior's applied learning as stored: said, shared
// with the junior, heard of by the junior's manager.
func (s *Store) tallyApplied(ctx context.Context, a Applied) error {
	return s.TallyPerson(ctx, a.ProgrammeID, a.SeniorID, false, func(p *totals.Person) {
		p.SetApplied(a.PairID, totals.Applied{Shared: !a.SharedAt.IsZero(), Recognised: !a.RecognitionSent.IsZero()})
	})
}

// GetApplied reads what a pairing's senior applied.
func (s *Store) GetApplied(ctx context.Context, programmeID, pairID string) (Applied, error) {
	var it appliedItem
	if err := s.get(ctx, programmePK(programmeID), appliedSK(pairID), &it); err != nil {
		return Applied{}, fmt.Errorf("applied learning: %w", err)
	}
	return it.Applied, nil
}

// ListAppliedOf returns the applied answers a person is part of: as the
// senior who wrote them, or as the junior asked to consent.
func (s *Store) ListAppliedOf(ctx context.Context, programmeID, participantID string) ([]Applied, error) {
	var out []Applied
	err := s.queryPrefix(ctx, programmePK(programmeID), "APPLIED#", func(item map[string]types.AttributeValue) error {
		var it appliedItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode applied learning: %w", err)
		}
		if it.SeniorID == participantID || it.JuniorID == participantID {
			out = append(out, it.Applied)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("applied learning of %s: %w", participantID, err)
	}
	return out, nil
}

// AppliedConsent is one step of the applied learning's journey.
type AppliedConsent string

const (
	ShareWithJunior   AppliedConsent = "shared_at"
	SeniorConsents    AppliedConsent = "senior_consent_at"
	SeniorWithdraws   AppliedConsent = "senior_withdrew_at"
	JuniorConsents    AppliedConsent = "junior_consent_at"
	JuniorWithdraws   AppliedConsent = "junior_withdrew_at"
	appliedRecognized AppliedConsent = "recognition_sent"
)

// RecognitionDelay is how long both consents stand before the manager's
// note goes, so either person can still withdraw.
const RecognitionDelay = 48 * time.Hour

// RecordAppliedConsent records a step and returns the record as it is now.
// A step already taken keeps its first time (a replayed reply changes
// nothing). When both consents stand and no note was sent, the note is
// scheduled RecognitionDelay after the later consent; when one is
// withdrawn, it is taken off the schedule.
func (s *Store) RecordAppliedConsent(ctx context.Context, programmeID, pairID string, step AppliedConsent, at time.Time) (Applied, error) {
	a, err := s.GetApplied(ctx, programmeID, pairID)
	if err != nil {
		return a, err
	}
	switch step {
	case ShareWithJunior:
		if !a.SharedAt.IsZero() {
			return a, s.tallyApplied(ctx, a)
		}
		a.SharedAt = at
	case SeniorConsents:
		if a.SeniorConsentAt.After(a.SeniorWithdrewAt) {
			return a, s.tallyApplied(ctx, a)
		}
		a.SeniorConsentAt = at
	case JuniorConsents:
		if a.JuniorConsentAt.After(a.JuniorWithdrewAt) {
			return a, s.tallyApplied(ctx, a)
		}
		a.JuniorConsentAt = at
	case SeniorWithdraws:
		if !a.SeniorConsentAt.After(a.SeniorWithdrewAt) {
			return a, s.tallyApplied(ctx, a)
		}
		a.SeniorWithdrewAt = at
	case JuniorWithdraws:
		if !a.JuniorConsentAt.After(a.JuniorWithdrewAt) {
			return a, s.tallyApplied(ctx, a)
		}
		a.JuniorWithdrewAt = at
	default:
		return a, fmt.Errorf("applied learning: unknown step %q", step)
	}
	upd := expression.Set(expression.Name(string(step)), expression.Value(at))
	if a.ManagerMayHear() && a.RecognitionSent.IsZero() {
		due := maxTime(a.SeniorConsentAt, a.JuniorConsentAt).Add(RecognitionDelay)
		a.RecognitionDue = due
		upd = upd.Set(expression.Name("recognition_due"), expression.Value(due)).
			Set(expression.Name(AttrGSI2PK), expression.Value(recognitionIndex)).
			Set(expression.Name(AttrGSI2SK), expression.Value(due.UTC().Format(dueLayout)+"#"+programmeID+"#"+pairID))
	} else {
		a.RecognitionDue = time.Time{}
		upd = upd.Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
	}
	var it appliedItem
	if err := s.update(ctx, programmePK(programmeID), appliedSK(pairID), upd, exists(), ErrNotFound, &it); err != nil {
		return a, fmt.Errorf("applied learning consent: %w", err)
	}
	if err := s.tallyApplied(ctx, it.Applied); err != nil {
		return a, fmt.Errorf("applied learning consent: %w", err)
	}
	return a, nil
}

// RecognitionsDue calls fn for every manager's note due at or before now.
func (s *Store) RecognitionsDue(ctx context.Context, now time.Time, fn func(Applied) error) error {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value(recognitionIndex)).
		And(expression.Key(AttrGSI2SK).LessThanEqual(expression.Value(now.UTC().Format(dueLayout) + "#~")))
	return s.queryIndex(ctx, IndexGSI2, kc, func(item map[string]types.AttributeValue) error {
		var it appliedItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode applied learning: %w", err)
		}
		return fn(it.Applied)
	})
}

// NextRecognitionDue is when the earliest scheduled note to a manager is
// due, for the dev clock (the tick in AWS just asks what is due now).
func (s *Store) NextRecognitionDue(ctx context.Context) (time.Time, bool, error) {
	item, ok, err := s.firstOnIndex(ctx, recognitionIndex)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next recognition due: %w", err)
	}
	if !ok {
		return time.Time{}, false, nil
	}
	var it appliedItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return time.Time{}, false, fmt.Errorf("decode applied learning: %w", err)
	}
	return it.RecognitionDue, true, nil
}

// MarkRecognitionSent takes a note off the schedule once it is queued; the
// send ledger keeps it to one email however often this runs.
func (s *Store) MarkRecognitionSent(ctx context.Context, programmeID, pairID string, at time.Time) error {
	upd := expression.Set(expression.Name(string(appliedRecognized)), expression.Value(at)).
		Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
	var it appliedItem
	if err := s.update(ctx, programmePK(programmeID), appliedSK(pairID), upd, exists(), ErrNotFound, &it); err != nil {
		return fmt.Errorf("recognition sent: %w", err)
	}
	if err := s.tallyApplied(ctx, it.Applied); err != nil {
		return fmt.Errorf("recognition sent: %w", err)
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
