package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const typeAccount = "account"

// Role is what a coordinator account may do.
type Role string

// The roles, from most to least.
const (
	// RoleAdministrator: every programme, the accounts, the org chart and
	// the audit trail.
	RoleAdministrator Role = "administrator"
	// RoleCoordinator: everything within the programmes assigned.
	RoleCoordinator Role = "coordinator"
	// RoleViewer: the dashboard, stories and closing report of the
	// programmes assigned, read-only (the executive sponsor).
	RoleViewer Role = "viewer"
)

// Roles lists the roles in the order forms show them.
var Roles = []Role{RoleCoordinator, RoleViewer, RoleAdministrator}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case RoleAdministrator:
		return "Administrator"
	case RoleCoordinator:
		return "Coordinator"
	case RoleViewer:
		return "Viewer"
	}
	return string(r)
}

// About says what the role may do, for the accounts page.
func (r Role) About() string {
	switch r {
	case RoleAdministrator:
		return "every programme, the accounts, the org chart and the audit trail"
	case RoleCoordinator:
		return "everything within the programmes assigned to them"
	case RoleViewer:
		return "the dashboard, success stories and closing report of the programmes assigned to them, read-only"
	}
	return ""
}

// Account is a person who may sign in to the coordinator site.
type Account struct {
	// Email is the account's key, lower-case.
	Email string `dynamodbav:"email"`
	Name  string `dynamodbav:"name"`
	Role  Role   `dynamodbav:"role"`
	// Programmes are the ids of the programmes a coordinator or viewer is
	// assigned to (administrators see every programme).
	Programmes []string `dynamodbav:"programmes"`
	// DigestOff turns the weekly digest email off (it is on by default).
	DigestOff bool      `dynamodbav:"digest_off"`
	InvitedBy string    `dynamodbav:"invited_by"`
	InvitedAt time.Time `dynamodbav:"invited_at"`
	// SignedInAt is the latest sign-in (zero: the invitation is not yet
	// accepted).
	SignedInAt time.Time `dynamodbav:"signed_in_at,omitempty"`
	// Generation counts changes that take rights away; a session started
	// under an older generation is over.
	Generation int `dynamodbav:"generation"`
	// Version guards edits against lost updates.
	Version int `dynamodbav:"version"`
}

// Assigned reports whether the account may see programme id at all:
// administrators every programme, others those assigned.
func (a Account) Assigned(id string) bool {
	return a.Role == RoleAdministrator || slices.Contains(a.Programmes, id)
}

type accountItem struct {
	keys
	Account
}

func accountPK(email string) string { return "ACCOUNT#" + strings.ToLower(email) }

func newAccountItem(a Account) accountItem {
	a.Email = strings.ToLower(a.Email)
	if a.Programmes == nil {
		a.Programmes = []string{}
	}
	return accountItem{keys: keys{PK: accountPK(a.Email), SK: "META", Type: typeAccount, GSI1PK: "ACCOUNTS", GSI1SK: a.Email}, Account: a}
}

// CreateAccount stores a new account; ErrConflict if the address has one.
func (s *Store) CreateAccount(ctx context.Context, a Account) error {
	a.Version = 1
	if err := s.put(ctx, newAccountItem(a), notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

// GetAccount reads one account, ErrNotFound if there is none.
func (s *Store) GetAccount(ctx context.Context, email string) (Account, error) {
	var it accountItem
	if err := s.get(ctx, accountPK(email), "META", &it); err != nil {
		return Account{}, fmt.Errorf("account: %w", err)
	}
	return it.Account, nil
}

// UpdateAccount replaces an account if nobody changed it since it was read
// (a.Version is the version read); ErrConflict otherwise, ErrNotFound if it
// was removed meanwhile.
func (s *Store) UpdateAccount(ctx context.Context, a Account) (Account, error) {
	read := a.Version
	a.Version++
	cond := expression.Name("version").Equal(expression.Value(read))
	err := s.put(ctx, newAccountItem(a), &cond, ErrConflict)
	if errors.Is(err, ErrConflict) {
		if _, gerr := s.GetAccount(ctx, a.Email); errors.Is(gerr, ErrNotFound) {
			return Account{}, ErrNotFound
		}
	}
	if err != nil {
		return Account{}, fmt.Errorf("update account: %w", err)
	}
	return a, nil
}

// MarkSignedIn records a sign-in without touching what an administrator
// may be editing at the same moment.
func (s *Store) MarkSignedIn(ctx context.Context, email string, at time.Time) error {
	upd := expression.Set(expression.Name("signed_in_at"), expression.Value(at))
	if err := s.update(ctx, accountPK(email), "META", upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("record sign-in: %w", err)
	}
	return nil
}

// DeleteAccount removes an account; its sessions end because SignedIn
// finds no account for them.
func (s *Store) DeleteAccount(ctx context.Context, email string) error {
	return s.delete(ctx, accountPK(email), "META")
}

// ListAccounts returns every account, by address.
func (s *Store) ListAccounts(ctx context.Context) ([]Account, error) {
	kc := expression.Key(AttrGSI1PK).Equal(expression.Value("ACCOUNTS"))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	var out []Account
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexGSI1),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, func(item map[string]types.AttributeValue) error {
		var it accountItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode account: %w", err)
		}
		out = append(out, it.Account)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}
