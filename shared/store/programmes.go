package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
)

const typeProgramme = "programme"

type programmeItem struct {
	keys
	programme.Programme
}

func programmePK(id string) string { return "PROG#" + id }

func newProgrammeItem(p programme.Programme) programmeItem {
	return programmeItem{
		keys: keys{
			PK: programmePK(p.ID), SK: "META", Type: typeProgramme,
			GSI1PK: "PROGRAMMES", GSI1SK: p.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + p.ID,
		},
		Programme: p,
	}
}

// CreateProgramme stores a new programme; its id must be new.
func (s *Store) CreateProgramme(ctx context.Context, p programme.Programme) error {
	if p.ID == "" {
		return fmt.Errorf("create programme: empty id")
	}
	p.Version = 1
	if err := s.put(ctx, newProgrammeItem(p), notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create programme %s: %w", p.ID, err)
	}
	return nil
}

// UpdateProgramme replaces a programme if nobody saved it since the caller
// read it (p.Version is the version read); it returns ErrConflict otherwise.
func (s *Store) UpdateProgramme(ctx context.Context, p programme.Programme) error {
	read := p.Version
	p.Version++
	cond := expression.Name("version").Equal(expression.Value(read))
	if err := s.put(ctx, newProgrammeItem(p), &cond, ErrConflict); err != nil {
		return fmt.Errorf("update programme %s: %w", p.ID, err)
	}
	return nil
}

// GetProgramme reads one programme.
func (s *Store) GetProgramme(ctx context.Context, id string) (programme.Programme, error) {
	var it programmeItem
	if err := s.get(ctx, programmePK(id), "META", &it); err != nil {
		return programme.Programme{}, fmt.Errorf("programme %s: %w", id, err)
	}
	return it.Programme, nil
}

// ListProgrammes returns every programme, newest first.
func (s *Store) ListProgrammes(ctx context.Context) ([]programme.Programme, error) {
	kc := expression.Key(AttrGSI1PK).Equal(expression.Value("PROGRAMMES"))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	var out []programme.Programme
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexGSI1),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
	}, func(item map[string]types.AttributeValue) error {
		var it programmeItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode programme: %w", err)
		}
		out = append(out, it.Programme)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list programmes: %w", err)
	}
	return out, nil
}
