package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// DynamoDB is the part of the SDK client the store uses; *dynamodb.Client
// satisfies it, and fault-injecting wrappers in tests can too.
type DynamoDB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

var _ DynamoDB = (*dynamodb.Client)(nil)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict means the item changed since it was read.
	ErrConflict = errors.New("changed by someone else")
)

// Store is the table and the client that reaches it.
type Store struct {
	db    DynamoDB
	table string
}

// New returns a store on an existing table.
func New(db DynamoDB, table string) *Store { return &Store{db: db, table: table} }

// Table is the table's name.
func (s *Store) Table() string { return s.table }

// TableCreator is what CreateTable needs of the SDK client.
type TableCreator interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// CreateTable creates the table from TableDefinition unless it exists, and
// waits until it is active. In AWS, template.yaml creates it instead.
func CreateTable(ctx context.Context, db TableCreator, name string) error {
	_, err := db.CreateTable(ctx, TableDefinition(name))
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = 500 * time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	return nil
}

// keys is embedded in every stored item.
type keys struct {
	PK     string `dynamodbav:"pk"`
	SK     string `dynamodbav:"sk"`
	GSI1PK string `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK string `dynamodbav:"gsi1sk,omitempty"`
	GSI2PK string `dynamodbav:"gsi2pk,omitempty"`
	GSI2SK string `dynamodbav:"gsi2sk,omitempty"`
	Type   string `dynamodbav:"type"`
	// ExpiresAt is the TTL attribute, epoch seconds; 0 = keep.
	ExpiresAt int64 `dynamodbav:"expires_at,omitempty"`
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		AttrPK: &types.AttributeValueMemberS{Value: pk},
		AttrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// get reads one item into out, returning ErrNotFound when it is absent.
func (s *Store) get(ctx context.Context, pk, sk string, out any) error {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(s.table),
		Key:            key(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("get %s %s: %w", pk, sk, err)
	}
	if res.Item == nil {
		return ErrNotFound
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("decode %s %s: %w", pk, sk, err)
	}
	return nil
}

// put writes an item, under an optional condition. A failed condition is
// returned as the condition's own sentinel (ifFailed).
func (s *Store) put(ctx context.Context, item any, cond *expression.ConditionBuilder, ifFailed error) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return fmt.Errorf("encode item: %w", err)
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: av}
	if cond != nil {
		expr, err := expression.NewBuilder().WithCondition(*cond).Build()
		if err != nil {
			return fmt.Errorf("build condition: %w", err)
		}
		in.ConditionExpression = expr.Condition()
		in.ExpressionAttributeNames = expr.Names()
		in.ExpressionAttributeValues = expr.Values()
	}
	if _, err := s.db.PutItem(ctx, in); err != nil {
		if isConditionFailed(err) && ifFailed != nil {
			return ifFailed
		}
		return fmt.Errorf("put item: %w", err)
	}
	return nil
}

// update applies an update expression under an optional condition and
// decodes the item as it is afterwards into out (when out is not nil).
func (s *Store) update(ctx context.Context, pk, sk string, upd expression.UpdateBuilder, cond *expression.ConditionBuilder, ifFailed error, out any) error {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return fmt.Errorf("build update: %w", err)
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(pk, sk),
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}
	if out != nil {
		in.ReturnValues = types.ReturnValueAllNew
	}
	res, err := s.db.UpdateItem(ctx, in)
	if err != nil {
		if isConditionFailed(err) && ifFailed != nil {
			return ifFailed
		}
		return fmt.Errorf("update %s %s: %w", pk, sk, err)
	}
	if out != nil {
		if err := attributevalue.UnmarshalMap(res.Attributes, out); err != nil {
			return fmt.Errorf("decode %s %s: %w", pk, sk, err)
		}
	}
	return nil
}

// batchGet reads up to 100 keys per request, retrying the keys DynamoDB
// leaves unprocessed under load, and decodes each item with add.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, add func(map[string]types.AttributeValue) error) error {
	for start := 0; start < len(keys); start += 100 {
		pending := keys[start:min(start+100, len(keys))]
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 8 {
				return fmt.Errorf("batch get: %d keys still unprocessed", len(pending))
			}
			if attempt > 0 {
				time.Sleep(time.Duration(10<<attempt) * time.Millisecond)
			}
			out, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				s.table: {Keys: pending, ConsistentRead: aws.Bool(true)},
			}})
			if err != nil {
				return fmt.Errorf("batch get: %w", err)
			}
			for _, item := range out.Responses[s.table] {
				if err := add(item); err != nil {
					return err
				}
			}
			pending = out.UnprocessedKeys[s.table].Keys
		}
	}
	return nil
}

// queryAll runs a query through every page and decodes each item with add.
func (s *Store) queryAll(ctx context.Context, in *dynamodb.QueryInput, add func(map[string]types.AttributeValue) error) error {
	in.TableName = aws.String(s.table)
	p := dynamodb.NewQueryPaginator(s.db, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query: %w", err)
		}
		for _, item := range page.Items {
			if err := add(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// queryPrefix lists the items of one partition whose sort key starts with prefix.
func (s *Store) queryPrefix(ctx context.Context, pk, skPrefix string, add func(map[string]types.AttributeValue) error) error {
	kc := expression.Key(AttrPK).Equal(expression.Value(pk))
	if skPrefix != "" {
		kc = kc.And(expression.Key(AttrSK).BeginsWith(skPrefix))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return fmt.Errorf("build query: %w", err)
	}
	return s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ConsistentRead:            aws.Bool(true),
	}, add)
}

// listPrefix decodes every item under pk whose sort key begins with prefix
// as an I (what names it in errors) and keeps what pick makes of each.
func listPrefix[I, T any](ctx context.Context, s *Store, pk, prefix, what string, pick func(I) T) ([]T, error) {
	var out []T
	err := s.queryPrefix(ctx, pk, prefix, func(item map[string]types.AttributeValue) error {
		var it I
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode %s: %w", what, err)
		}
		out = append(out, pick(it))
		return nil
	})
	return out, err
}

// queryPrefixProjected is queryPrefix reading only the attributes proj
// names: a figure that must never see a text does not load it.
func (s *Store) queryPrefixProjected(ctx context.Context, pk, skPrefix string, proj expression.ProjectionBuilder, add func(map[string]types.AttributeValue) error) error {
	kc := expression.Key(AttrPK).Equal(expression.Value(pk)).And(expression.Key(AttrSK).BeginsWith(skPrefix))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).WithProjection(proj).Build()
	if err != nil {
		return fmt.Errorf("build query: %w", err)
	}
	return s.queryAll(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    expr.KeyCondition(),
		ProjectionExpression:      expr.Projection(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ConsistentRead:            aws.Bool(true),
	}, add)
}

// queryIndex runs a key condition on a global secondary index.
func (s *Store) queryIndex(ctx context.Context, index string, kc expression.KeyConditionBuilder, add func(map[string]types.AttributeValue) error) error {
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return fmt.Errorf("build query: %w", err)
	}
	return s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(index),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, add)
}

func (s *Store) delete(ctx context.Context, pk, sk string) error {
	if _, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(pk, sk)}); err != nil {
		return fmt.Errorf("delete %s %s: %w", pk, sk, err)
	}
	return nil
}

// deleteIf deletes an item when cond holds, ErrConflict otherwise.
func (s *Store) deleteIf(ctx context.Context, pk, sk string, cond expression.ConditionBuilder) error {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return fmt.Errorf("build condition: %w", err)
	}
	_, err = s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       key(pk, sk),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	if isConditionFailed(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", pk, sk, err)
	}
	return nil
}

func notExists() *expression.ConditionBuilder {
	c := expression.AttributeNotExists(expression.Name(AttrPK))
	return &c
}

func exists() *expression.ConditionBuilder {
	c := expression.AttributeExists(expression.Name(AttrPK))
	return &c
}

// IsThrottled says whether DynamoDB refused a request for capacity (a hot
// partition, a table over its throughput) after the SDK's own retries:
// worth trying again after a pause, unlike other errors.
func IsThrottled(err error) bool {
	var pte *types.ProvisionedThroughputExceededException
	var rle *types.RequestLimitExceeded
	var te *types.ThrottlingException
	if errors.As(err, &pte) || errors.As(err, &rle) || errors.As(err, &te) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException", "Throttling":
			return true
		}
	}
	return false
}
