package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/shared/ids"
)

const typeAudit = "audit"

// AuditEntry is one thing a coordinator did that changed or revealed data:
// who, when, what, in which programme. It never holds what participants
// wrote or what a note said; people are named by their ids, and an erasure
// names nobody. The store has no way to change or delete an entry.
type AuditEntry struct {
	ID          string    `dynamodbav:"id"`
	At          time.Time `dynamodbav:"at"`
	Actor       string    `dynamodbav:"actor"`
	ActorRole   Role      `dynamodbav:"actor_role"`
	Action      string    `dynamodbav:"action"`
	ProgrammeID string    `dynamodbav:"programme_id,omitempty"`
	// Subject is what the action was done to, by id: a participant, a
	// pair, a proposal, an account's address. Empty for an erasure.
	Subject string `dynamodbav:"subject,omitempty"`
	// Detail says more in a few words, with counts and names of files,
	// never anyone's words.
	Detail string `dynamodbav:"detail,omitempty"`
}

type auditItem struct {
	keys
	AuditEntry
}

// auditSK orders entries by time; the id keeps two in one instant apart.
func auditSK(e AuditEntry) string { return e.At.UTC().Format(time.RFC3339Nano) + "#" + e.ID }

// AppendAudit adds an entry to the trail. Entries are only ever added:
// the write is conditioned on the key being new, so nothing overwrites one.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	if e.ID == "" {
		e.ID = ids.New()
	}
	it := auditItem{keys: keys{PK: "AUDIT", SK: auditSK(e), Type: typeAudit}, AuditEntry: e}
	if e.ProgrammeID != "" {
		it.GSI1PK, it.GSI1SK = "AUDIT#"+e.ProgrammeID, it.SK
	}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("append to the audit trail: %w", err)
	}
	return nil
}

// AuditQuery selects entries of the trail.
type AuditQuery struct {
	// ProgrammeID keeps one programme's entries ("" = every entry).
	ProgrammeID string
	// Actor and Action keep one coordinator's, or one kind of, entries.
	Actor, Action string
	// From and To bound the time (zero = open).
	From, To time.Time
	// Before continues a listing: the Next of the previous page.
	Before string
	// Limit is the page's size (0 = every entry).
	Limit int
}

// ListAudit returns entries newest first, and the cursor of the next page
// ("" when there is none).
func (s *Store) ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, string, error) {
	pkName, skName, pk := AttrPK, AttrSK, "AUDIT"
	var index *string
	if q.ProgrammeID != "" {
		pkName, skName, pk, index = AttrGSI1PK, AttrGSI1SK, "AUDIT#"+q.ProgrammeID, aws.String(IndexGSI1)
	}
	low, high := "0", "~"
	if !q.From.IsZero() {
		low = q.From.UTC().Format(time.RFC3339Nano)
	}
	if !q.To.IsZero() {
		high = q.To.UTC().Format(time.RFC3339Nano) + "~"
	}
	if q.Before != "" && q.Before < high {
		high = q.Before
	}
	kc := expression.Key(pkName).Equal(expression.Value(pk)).And(expression.Key(skName).Between(expression.Value(low), expression.Value(high)))
	b := expression.NewBuilder().WithKeyCondition(kc)
	var filter *expression.ConditionBuilder
	add := func(c expression.ConditionBuilder) {
		if filter == nil {
			filter = &c
			return
		}
		c = filter.And(c)
		filter = &c
	}
	if q.Actor != "" {
		add(expression.Name("actor").Equal(expression.Value(q.Actor)))
	}
	if q.Action != "" {
		add(expression.Name("action").Equal(expression.Value(q.Action)))
	}
	if filter != nil {
		b = b.WithFilter(*filter)
	}
	expr, err := b.Build()
	if err != nil {
		return nil, "", fmt.Errorf("build query: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 index,
		KeyConditionExpression:    expr.KeyCondition(),
		FilterExpression:          expr.Filter(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
	}
	if index == nil {
		in.ConsistentRead = aws.Bool(true)
	}
	var out []AuditEntry
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() && (q.Limit == 0 || len(out) <= q.Limit) {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("audit trail: %w", err)
		}
		for _, item := range page.Items {
			var it auditItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, "", fmt.Errorf("decode audit entry: %w", err)
			}
			if q.Before != "" && auditSK(it.AuditEntry) >= q.Before {
				continue // the previous page's last entry (BETWEEN includes it)
			}
			out = append(out, it.AuditEntry)
		}
	}
	next := ""
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
		next = auditSK(out[len(out)-1])
	}
	return out, next, nil
}
