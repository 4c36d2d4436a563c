package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

const (
	typeParticipant = "participant"
	typeEmailClaim  = "email_claim"
)

type participantItem struct {
	keys
	programme.Participant
}

// emailClaim makes an address unique within a programme, so enrolling the
// same person twice (a re-uploaded CSV, a retried request) updates them.
type emailClaim struct {
	keys
	ParticipantID string `dynamodbav:"participant_id"`
}

func participantSK(id string) string { return "PART#" + id }
func emailSK(email string) string    { return "EMAIL#" + strings.ToLower(email) }

func newParticipantItem(p programme.Participant) participantItem {
	return participantItem{
		keys:        keys{PK: programmePK(p.ProgrammeID), SK: participantSK(p.ID), Type: typeParticipant},
		Participant: p,
	}
}

// EnrolResult says who was new and who was already enrolled.
type EnrolResult struct {
	Created []programme.Participant
	Updated []programme.Participant
}

// enrolWorkers bounds the concurrent requests of one import.
const enrolWorkers = 8

// Enrol adds people to a programme or, for addresses already enrolled,
// updates their profile (never their status, topics or welcome state). It
// is safe to repeat: the email claim is written with a conditional put, so a
// retry or a concurrent upload of the same person cannot create a second
// participant. The people must already be validated.
func (s *Store) Enrol(ctx context.Context, programmeID string, people []programme.Participant, now time.Time) (EnrolResult, error) {
	claims := map[string]string{}
	err := s.queryPrefix(ctx, programmePK(programmeID), "EMAIL#", func(item map[string]types.AttributeValue) error {
		var c emailClaim
		if err := attributevalue.UnmarshalMap(item, &c); err != nil {
			return fmt.Errorf("decode email claim: %w", err)
		}
		claims[strings.TrimPrefix(c.SK, "EMAIL#")] = c.ParticipantID
		return nil
	})
	if err != nil {
		return EnrolResult{}, fmt.Errorf("enrol: load existing: %w", err)
	}

	type outcome struct {
		p       programme.Participant
		created bool
		err     error
	}
	results := make([]outcome, len(people))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < enrolWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := people[i]
				p.ProgrammeID = programmeID
				p.Email = strings.ToLower(p.Email)
				got, created, err := s.enrolOne(ctx, p, claims[p.Email], now)
				results[i] = outcome{got, created, err}
			}
		}()
	}
	for i := range people {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var res EnrolResult
	var errs []error
	for _, o := range results {
		switch {
		case o.err != nil:
			errs = append(errs, o.err)
		case o.created:
			res.Created = append(res.Created, o.p)
		default:
			res.Updated = append(res.Updated, o.p)
		}
	}
	// A manager_email may have changed, or someone new may sit in a
	// reporting line between two partners: the reorganisation guard checks
	// the live pairs again (shared/guard).
	if len(res.Created)+len(res.Updated) > 0 {
		if err := s.MarkGuardDue(ctx, programmeID, now); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("enrol: %w", err)
	}
	return res, nil
}

func (s *Store) enrolOne(ctx context.Context, p programme.Participant, claimedID string, now time.Time) (programme.Participant, bool, error) {
	pk := programmePK(p.ProgrammeID)
	if claimedID == "" {
		id := ids.New()
		err := s.put(ctx, emailClaim{keys: keys{PK: pk, SK: emailSK(p.Email), Type: typeEmailClaim}, ParticipantID: id}, notExists(), ErrConflict)
		switch {
		case err == nil:
			claimedID = id
		case errors.Is(err, ErrConflict):
			// Someone enrolled this address a moment ago: use their claim.
			var c emailClaim
			if err := s.get(ctx, pk, emailSK(p.Email), &c); err != nil {
				return p, false, fmt.Errorf("%s: read claim: %w", p.Email, err)
			}
			claimedID = c.ParticipantID
		default:
			return p, false, fmt.Errorf("%s: claim address: %w", p.Email, err)
		}
	}
	p.ID = claimedID

	// Existing participant: refresh the profile only.
	upd := expression.Set(expression.Name("name"), expression.Value(p.Name)).
		Set(expression.Name("role"), expression.Value(p.Role)).
		Set(expression.Name("level"), expression.Value(p.Level)).
		Set(expression.Name("updated_at"), expression.Value(now))
	for _, f := range []struct{ name, v string }{
		{"title", p.Title}, {"department", p.Department}, {"division", p.Division},
		{"location", p.Location}, {"manager_email", p.ManagerEmail}, {"time_zone", p.TimeZone},
	} {
		if f.v == "" {
			upd = upd.Remove(expression.Name(f.name))
		} else {
			upd = upd.Set(expression.Name(f.name), expression.Value(f.v))
		}
	}
	if len(p.Languages) == 0 {
		upd = upd.Remove(expression.Name("languages"))
	} else {
		upd = upd.Set(expression.Name("languages"), expression.Value(p.Languages))
	}
	if len(p.Attributes) == 0 {
		upd = upd.Remove(expression.Name("attributes"))
	} else {
		upd = upd.Set(expression.Name("attributes"), expression.Value(p.Attributes))
	}
	var it participantItem
	err := s.update(ctx, pk, participantSK(p.ID), upd, exists(), ErrNotFound, &it)
	if err == nil {
		// A role may have changed (and a crash may have left a new
		// participant uncounted).
		if err := s.TallyPerson(ctx, p.ProgrammeID, p.ID, true, nil); err != nil {
			return p, false, fmt.Errorf("%s: %w", p.Email, err)
		}
		return it.Participant, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return p, false, fmt.Errorf("%s: update: %w", p.Email, err)
	}

	// New participant (or a claim left behind by an interrupted enrolment).
	p.Status = programme.Invited
	p.CreatedAt, p.UpdatedAt = now, now
	err = s.put(ctx, newParticipantItem(p), notExists(), ErrConflict)
	if errors.Is(err, ErrConflict) {
		// Created concurrently by a retry of this same enrolment.
		got, gerr := s.GetParticipant(ctx, p.ProgrammeID, p.ID)
		if gerr == nil {
			gerr = s.TallyPerson(ctx, p.ProgrammeID, p.ID, true, nil)
		}
		return got, false, gerr
	}
	if err != nil {
		return p, false, fmt.Errorf("%s: create: %w", p.Email, err)
	}
	if err := s.TallyPerson(ctx, p.ProgrammeID, p.ID, true, nil); err != nil {
		return p, false, fmt.Errorf("%s: %w", p.Email, err)
	}
	return p, true, nil
}

// GetParticipant reads one participant.
func (s *Store) GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error) {
	var it participantItem
	if err := s.get(ctx, programmePK(programmeID), participantSK(id), &it); err != nil {
		return programme.Participant{}, fmt.Errorf("participant %s: %w", id, err)
	}
	return it.Participant, nil
}

// GetParticipants reads many participants of one programme at once
// (missing ones, such as the erased, are left out of the result).
func (s *Store) GetParticipants(ctx context.Context, programmeID string, ids []string) (map[string]programme.Participant, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			ks = append(ks, key(programmePK(programmeID), participantSK(id)))
		}
	}
	out := make(map[string]programme.Participant, len(ks))
	for start := 0; start < len(ks); start += 100 {
		err := s.batchGet(ctx, ks[start:min(start+100, len(ks))], func(item map[string]types.AttributeValue) error {
			var it participantItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("decode participant: %w", err)
			}
			out[it.ID] = it.Participant
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("participants of %s: %w", programmeID, err)
		}
	}
	return out, nil
}

// ListParticipants returns a programme's participants sorted by name.
func (s *Store) ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "PART#", "participant", func(it participantItem) programme.Participant { return it.Participant })
	if err != nil {
		return nil, fmt.Errorf("list participants of %s: %w", programmeID, err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name); a != b {
			return a < b
		}
		return out[i].Email < out[j].Email
	})
	return out, nil
}

// SetStatus changes a participant's status and says why.
func (s *Store) SetStatus(ctx context.Context, programmeID, id string, status programme.Status, note string, now time.Time) (programme.Participant, error) {
	upd := expression.Set(expression.Name("status"), expression.Value(status)).
		Set(expression.Name("status_note"), expression.Value(note)).
		Set(expression.Name("updated_at"), expression.Value(now))
	var it participantItem
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, &it); err != nil {
		return programme.Participant{}, fmt.Errorf("set status of %s: %w", id, err)
	}
	if err := s.TallyPerson(ctx, programmeID, id, true, nil); err != nil {
		return programme.Participant{}, fmt.Errorf("set status of %s: %w", id, err)
	}
	return it.Participant, nil
}

// NextWelcomeRound asks for the welcome email to be sent again: each round
// is sent at most once, so bumping the round is what allows one more.
func (s *Store) NextWelcomeRound(ctx context.Context, programmeID, id string, now time.Time) (programme.Participant, error) {
	upd := expression.Add(expression.Name("welcome_round"), expression.Value(1)).
		Set(expression.Name("updated_at"), expression.Value(now))
	var it participantItem
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, &it); err != nil {
		return programme.Participant{}, fmt.Errorf("next welcome round for %s: %w", id, err)
	}
	return it.Participant, nil
}

// MarkWelcomeSent records when the welcome went out.
func (s *Store) MarkWelcomeSent(ctx context.Context, programmeID, id string, at time.Time) error {
	upd := expression.Set(expression.Name("welcome_sent_at"), expression.Value(at))
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("mark welcome sent for %s: %w", id, err)
	}
	return nil
}

// RecordQuestionAsked adds "<pair>#<cycle>=<question>" to the reflection
// questions asked of someone (a set: recording it twice is once).
func (s *Store) RecordQuestionAsked(ctx context.Context, programmeID, id, entry string) error {
	upd := expression.Add(expression.Name("questions_asked"), expression.Value(&types.AttributeValueMemberSS{Value: []string{entry}}))
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("record question asked of %s: %w", id, err)
	}
	return nil
}

// AddOtherEmail records another address of a participant (a personal
// mailbox they reply from). The address is claimed in the programme like
// their first one, so no two people share it: ErrConflict when it belongs
// to someone else. Adding it twice changes nothing.
func (s *Store) AddOtherEmail(ctx context.Context, programmeID, id, addr string, now time.Time) error {
	addr = strings.ToLower(strings.TrimSpace(addr))
	claim := emailClaim{keys: keys{PK: programmePK(programmeID), SK: emailSK(addr), Type: typeEmailClaim}, ParticipantID: id}
	cond := expression.AttributeNotExists(expression.Name(AttrPK)).Or(expression.Name("participant_id").Equal(expression.Value(id)))
	if err := s.put(ctx, claim, &cond, ErrConflict); err != nil {
		return fmt.Errorf("claim %s: %w", addr, err)
	}
	upd := expression.Add(expression.Name("other_emails"), expression.Value(&types.AttributeValueMemberSS{Value: []string{addr}})).
		Set(expression.Name("updated_at"), expression.Value(now))
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("add address of %s: %w", id, err)
	}
	return nil
}

// MarkUnclear records that someone's latest reply could not be read for an
// answer or a command (zero at: their latest reply was understood), so the
// coordinator sees that they tried; never what they wrote.
func (s *Store) MarkUnclear(ctx context.Context, programmeID, id string, at time.Time) error {
	upd := expression.Set(expression.Name("unclear_at"), expression.Value(at))
	if at.IsZero() {
		upd = expression.Remove(expression.Name("unclear_at"))
	}
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("mark unclear reply of %s: %w", id, err)
	}
	if err := s.TallyPerson(ctx, programmeID, id, true, nil); err != nil {
		return fmt.Errorf("mark unclear reply of %s: %w", id, err)
	}
	return nil
}

// SetLanguage records the language someone chose for their emails.
func (s *Store) SetLanguage(ctx context.Context, programmeID, id string, l lang.Tag, now time.Time) error {
	upd := expression.Set(expression.Name("language"), expression.Value(l)).Set(expression.Name("updated_at"), expression.Value(now))
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("set language of %s: %w", id, err)
	}
	return nil
}

// SetTopics records the topics someone chose when opting in.
func (s *Store) SetTopics(ctx context.Context, programmeID, id string, topics []string, now time.Time) error {
	upd := expression.Set(expression.Name("updated_at"), expression.Value(now))
	if len(topics) == 0 {
		upd = upd.Remove(expression.Name("topics"))
	} else {
		upd = upd.Set(expression.Name("topics"), expression.Value(topics))
	}
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("set topics of %s: %w", id, err)
	}
	return nil
}

// FindParticipantByEmail looks an address up within a programme.
func (s *Store) FindParticipantByEmail(ctx context.Context, programmeID, email string) (programme.Participant, error) {
	var c emailClaim
	if err := s.get(ctx, programmePK(programmeID), emailSK(email), &c); err != nil {
		return programme.Participant{}, fmt.Errorf("participant %s: %w", email, err)
	}
	return s.GetParticipant(ctx, programmeID, c.ParticipantID)
}

// MarkMailProblem records why mail to someone stopped and sets their status.
func (s *Store) MarkMailProblem(ctx context.Context, programmeID, id string, status programme.Status, problem string, now time.Time) error {
	upd := expression.Set(expression.Name("status"), expression.Value(status)).
		Set(expression.Name("status_note"), expression.Value(problem)).
		Set(expression.Name("mail_problem"), expression.Value(problem)).
		Set(expression.Name("mail_problem_at"), expression.Value(now)).
		Set(expression.Name("updated_at"), expression.Value(now))
	if err := s.update(ctx, programmePK(programmeID), participantSK(id), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("mark mail problem for %s: %w", id, err)
	}
	if err := s.TallyPerson(ctx, programmeID, id, true, nil); err != nil {
		return fmt.Errorf("mark mail problem for %s: %w", id, err)
	}
	return nil
}
