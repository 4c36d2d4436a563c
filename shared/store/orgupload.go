package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const typeOrgUpload = "org_upload"

// OrgUploadStatus is where an org chart upload straight to S3 has got to.
type OrgUploadStatus string

const (
	// UploadWaiting: the form was issued; nothing has been parsed yet (the
	// file may be on its way, or never sent).
	UploadWaiting OrgUploadStatus = "waiting"
	// UploadParsing: the orgchart function has the file.
	UploadParsing OrgUploadStatus = "parsing"
	// UploadDone: the org chart was replaced with the file.
	UploadDone OrgUploadStatus = "done"
	// UploadFailed: nothing was changed; Problems or Message say why.
	UploadFailed OrgUploadStatus = "failed"
)

// MaxUploadProblems bounds the row problems an upload keeps: a file of
// 500,000 bad rows must not outgrow an item (400 KB). ProblemCount keeps
// the full count.
const MaxUploadProblems = 1000

// OrgProblem is one problem found in an uploaded file.
type OrgProblem struct {
	Line   int    `dynamodbav:"line,omitempty"`
	Column string `dynamodbav:"column,omitempty"`
	Msg    string `dynamodbav:"msg"`
}

// OrgUpload is one org chart sent from the browser to S3, and how its
// parse went.
type OrgUpload struct {
	ID string `dynamodbav:"id"`
	// By and ByRole are who was given the form; the file is theirs (the
	// form's signed policy names this upload's key only).
	By       string          `dynamodbav:"by"`
	ByRole   Role            `dynamodbav:"by_role"`
	IssuedAt time.Time       `dynamodbav:"issued_at"`
	Status   OrgUploadStatus `dynamodbav:"status"`
	// UpdatedAt is the last change: a parse that stays in UploadParsing
	// long after it is a parse that stopped (see Stalled).
	UpdatedAt time.Time `dynamodbav:"updated_at"`
	// Checked is how many lines the parse has checked so far, and Storing
	// that every row was right and the chart is being stored.
	Checked int  `dynamodbav:"checked,omitempty"`
	Storing bool `dynamodbav:"storing,omitempty"`
	// Rows is how many reporting lines were stored (UploadDone).
	Rows         int          `dynamodbav:"rows,omitempty"`
	Problems     []OrgProblem `dynamodbav:"problems,omitempty"`
	ProblemCount int          `dynamodbav:"problem_count,omitempty"`
	// Message is a problem with the whole file (too large, a conflict).
	Message string `dynamodbav:"message,omitempty"`
	// Flagged and GuardPending are what the reorganisation check found.
	Flagged      int  `dynamodbav:"flagged,omitempty"`
	GuardPending bool `dynamodbav:"guard_pending,omitempty"`
}

// Finished says whether the upload's parse has ended either way.
func (u OrgUpload) Finished() bool { return u.Status == UploadDone || u.Status == UploadFailed }

// Stalled says whether a parse that started has not been heard of for
// longer than limit (the function's timeout): it stopped, and the page
// says so rather than spinning for ever.
func (u OrgUpload) Stalled(now time.Time, limit time.Duration) bool {
	return u.Status == UploadParsing && now.Sub(u.UpdatedAt) > limit
}

type orgUploadItem struct {
	keys
	OrgUpload
}

func orgUploadPK(id string) string { return "ORGUPLOAD#" + id }

// orgUploadKeep is how long an upload's record is kept: its page is read
// within minutes; a week matches the bucket's lifecycle rule.
const orgUploadKeep = 7 * 24 * time.Hour

// CreateOrgUpload records an upload form just issued.
func (s *Store) CreateOrgUpload(ctx context.Context, u OrgUpload) error {
	it := orgUploadItem{keys: keys{PK: orgUploadPK(u.ID), SK: "META", Type: typeOrgUpload,
		ExpiresAt: u.IssuedAt.Add(orgUploadKeep).Unix()}, OrgUpload: u}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("record org chart upload: %w", err)
	}
	return nil
}

// GetOrgUpload reads an upload, ErrNotFound when there is none.
func (s *Store) GetOrgUpload(ctx context.Context, id string) (OrgUpload, error) {
	var it orgUploadItem
	if err := s.get(ctx, orgUploadPK(id), "META", &it); err != nil {
		return OrgUpload{}, fmt.Errorf("org chart upload %s: %w", id, err)
	}
	return it.OrgUpload, nil
}

// UpdateOrgUpload records an upload's progress, only while it is
// unfinished: a parse run twice (S3 events arrive at least once) never
// moves a finished upload back, and of two runs that finish the first
// one's outcome stays. ErrConflict says it was already finished;
// ErrNotFound that there is no such upload.
func (s *Store) UpdateOrgUpload(ctx context.Context, u OrgUpload) error {
	if len(u.Problems) > MaxUploadProblems {
		u.Problems = u.Problems[:MaxUploadProblems]
	}
	old, err := s.GetOrgUpload(ctx, u.ID)
	if err != nil {
		return err
	}
	it := orgUploadItem{keys: keys{PK: orgUploadPK(u.ID), SK: "META", Type: typeOrgUpload,
		ExpiresAt: old.IssuedAt.Add(orgUploadKeep).Unix()}, OrgUpload: u}
	cond := expression.Name(AttrPK).AttributeExists().
		And(expression.Name("status").NotEqual(expression.Value(UploadDone))).
		And(expression.Name("status").NotEqual(expression.Value(UploadFailed)))
	if err := s.put(ctx, it, &cond, ErrConflict); err != nil {
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("org chart upload %s is finished: %w", u.ID, err)
		}
		return fmt.Errorf("record org chart upload %s: %w", u.ID, err)
	}
	return nil
}
