package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// mailBudgetSK keys one participant's budget of one kind for one UTC day.
func mailBudgetSK(participantID, kind string, day time.Time) string {
	return "BUDGET#" + participantID + "#" + kind + "#" + day.UTC().Format("2006-01-02")
}

// SpendMailBudget lets the emails answering one reply go out if the
// participant's daily budget of kind allows it: a day's budget is a set of
// reply keys, at most limit of them. The same reply asks again for free
// (a replayed message is answered no more than once), so a loop with an
// auto-responder or a flood of replies cannot send unbounded mail. The
// budget item expires two days after its day.
func (s *Store) SpendMailBudget(ctx context.Context, programmeID, participantID, kind, replyKey string, limit int, now time.Time) (bool, error) {
	day := now.UTC().Truncate(24 * time.Hour)
	keys := &types.AttributeValueMemberSS{Value: []string{replyKey}}
	upd := expression.Add(expression.Name("replies"), expression.Value(keys)).
		Set(expression.Name("type"), expression.Value("mail_budget")).
		Set(expression.Name(AttrTTL), expression.Value(day.Add(72*time.Hour).Unix()))
	cond := expression.AttributeNotExists(expression.Name("replies")).
		Or(expression.Size(expression.Name("replies")).LessThan(expression.Value(limit))).
		Or(expression.Contains(expression.Name("replies"), replyKey))
	err := s.update(ctx, programmePK(programmeID), mailBudgetSK(participantID, kind, day), upd, &cond, ErrConflict, nil)
	if errors.Is(err, ErrConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mail budget of %s: %w", participantID, err)
	}
	return true, nil
}
