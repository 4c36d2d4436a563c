package orgchart

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/store"
)

// Uploads straight to S3. The browser posts the file to the bucket with a
// presigned POST form, so no request to the site carries it (a Function
// URL takes 6 MB at most, an org chart of 500,000 rows is tens of MB), and
// S3 invokes the orgchart function, which parses it from the object.
//
// Each form is for one upload: the key is fixed by the site,
// orgcharts/<upload id>.csv, and the signed policy allows that key only,
// so nobody can write anywhere else with it. The file's own name is not
// kept: a form without script can pass it to S3 only through ${filename}
// in the key, which would make the key the user's to choose (and its
// characters ours to sanitise); the upload is named by who sent it and
// when instead. Who sent it is recorded with the upload when the form is
// issued, since S3's event names only the site's role, which signed it.
const (
	// Prefix is where uploads go in the bucket; the orgchart function's
	// event and permissions are limited to it.
	Prefix = "orgcharts/"
	// FormExpiry is how long a form may be used: long enough to find the
	// file and send tens of MB, short enough that a form left open is no
	// standing permission.
	FormExpiry = 30 * time.Minute
	// MinBytes is the smallest file the form accepts (S3 refuses the rest
	// before the function runs; a header alone is 28 bytes).
	MinBytes = 1
)

// Key is the object key of an upload.
func Key(id string) string { return Prefix + id + ".csv" }

// IDFromKey is the upload id an object key names, false for any other key.
func IDFromKey(key string) (string, bool) {
	id, ok := strings.CutPrefix(key, Prefix)
	if !ok {
		return "", false
	}
	id, ok = strings.CutSuffix(id, ".csv")
	if !ok || !ValidID(id) {
		return "", false
	}
	return id, true
}

// ValidID says whether id is an upload id (hex from ids.New).
func ValidID(id string) bool {
	if len(id) != 2*ids.Len {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Presigner signs POST forms (*s3.PresignClient).
type Presigner interface {
	PresignPostObject(ctx context.Context, params *s3.PutObjectInput, optFns ...func(*s3.PresignPostOptions)) (*s3.PresignedPostRequest, error)
}

// Objects reads uploaded files (*s3.Client).
type Objects interface {
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Form is an upload form: the browser posts Fields and then the file (as
// "file", last, as S3 requires) to URL.
type Form struct {
	ID     string
	URL    string
	Fields []Field
}

// Field is one hidden field of the form, in the order it is sent.
type Field struct{ Name, Value string }

// Origin is the scheme and host the form posts to: the page's
// Content-Security-Policy must allow it as a form action.
func (f Form) Origin() string {
	u, err := url.Parse(f.URL)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Bucket is the uploads' bucket.
type Bucket struct {
	Name    string
	Presign Presigner
	Objects Objects
}

// NewForm records a new upload for by and signs the form for it. done is
// the page S3 sends the browser to after the upload (it adds bucket, key
// and etag to the query).
func (im *Importer) NewForm(ctx context.Context, b Bucket, by string, role store.Role, done func(id string) string) (Form, error) {
	id := ids.New()
	redirect := done(id)
	key := Key(id)
	req, err := b.Presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = FormExpiry
			o.Conditions = []any{
				[]any{"content-length-range", MinBytes, enrol.OrgMaxBytes},
				map[string]string{"success_action_redirect": redirect},
			}
		})
	if err != nil {
		return Form{}, fmt.Errorf("sign the org chart upload form: %w", err)
	}
	now := im.Clock.Now()
	if err := im.Store.CreateOrgUpload(ctx, store.OrgUpload{ID: id, By: by, ByRole: role, IssuedAt: now, UpdatedAt: now, Status: store.UploadWaiting}); err != nil {
		return Form{}, err
	}
	f := Form{ID: id, URL: req.URL}
	// key first and the signature's fields in a fixed order (stable pages);
	// any other the SDK adds after them, sorted. The file must come after
	// every field: the page puts it last.
	order := []string{"key", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Security-Token", "policy", "X-Amz-Signature"}
	for _, name := range order {
		if v, ok := req.Values[name]; ok {
			f.Fields = append(f.Fields, Field{name, v})
		}
	}
	var rest []string
	for name := range req.Values {
		if !slices.Contains(order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		f.Fields = append(f.Fields, Field{name, req.Values[name]})
	}
	f.Fields = append(f.Fields, Field{"success_action_redirect", redirect})
	return f, nil
}

// HandleS3 parses each uploaded org chart an S3 event names, reading it
// from the bucket the event names: only the uploads bucket's notification
// invokes the function, and its role may read nothing else. S3 delivers
// an event at least once, so a second delivery finds its upload finished
// and does nothing; an error (the table or the object unreadable) makes
// Lambda try the event again.
func (im *Importer) HandleS3(objects Objects) func(context.Context, events.S3Event) error {
	return func(ctx context.Context, ev events.S3Event) error {
		var errs []error
		for _, rec := range ev.Records {
			// S3 event keys are URL-encoded (a space as "+").
			key, err := url.QueryUnescape(rec.S3.Object.Key)
			if err != nil {
				key = rec.S3.Object.Key
			}
			id, ok := IDFromKey(key)
			if !ok {
				im.Log.Warn("object is not an org chart upload: ignored", "bucket", rec.S3.Bucket.Name, "key", key)
				continue
			}
			if err := im.Process(ctx, Bucket{Name: rec.S3.Bucket.Name, Objects: objects}, id); err != nil {
				errs = append(errs, fmt.Errorf("org chart upload %s: %w", id, err))
			}
		}
		return errors.Join(errs...)
	}
}

// Process parses the upload's file and records how it went on the
// upload. Running it again on the same upload changes nothing: a finished
// upload is left as it is, and a run that stopped half way (the chart
// stored, its upload not yet marked done) finds its chart stored and its
// audit entry written, and only completes the record.
func (im *Importer) Process(ctx context.Context, b Bucket, id string) error {
	u, err := im.Store.GetOrgUpload(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// Not from one of our forms, or its record expired: nobody is
		// waiting for it, and trying again would not help.
		im.Log.Warn("org chart upload unknown: ignored", "upload", id)
		return nil
	}
	if err != nil {
		return err
	}
	if u.Finished() {
		im.Log.Info("org chart upload already finished: nothing to do", "upload", id, "status", u.Status)
		return nil
	}
	u.Status, u.UpdatedAt = store.UploadParsing, im.Clock.Now()
	if err := im.Store.UpdateOrgUpload(ctx, u); errors.Is(err, store.ErrConflict) {
		return nil // finished by a run at the same moment
	} else if err != nil {
		return err
	}
	obj, err := b.Objects.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(Key(id))})
	var gone *s3types.NoSuchKey
	if errors.As(err, &gone) {
		// Expired by the bucket's lifecycle rule before a late retry:
		// trying again cannot help, and the page should say so.
		u.Status, u.Message, u.UpdatedAt = store.UploadFailed, GoneMessage, im.Clock.Now()
		if err := im.Store.UpdateOrgUpload(ctx, u); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read s3://%s/%s: %w", b.Name, Key(id), err)
	}
	defer obj.Body.Close()
	// The upload's page shows how far the parse has got; each report is
	// also the parse's heartbeat (see store.OrgUpload.Stalled). A report
	// that cannot be written is logged, never a reason to stop.
	progress := func(checked int, storing bool) {
		u.Checked, u.Storing, u.UpdatedAt = checked, storing, im.Clock.Now()
		if err := im.Store.UpdateOrgUpload(ctx, u); err != nil {
			im.Log.Warn("org chart upload progress not recorded", "upload", id, "err", err)
		}
	}
	res, err := im.Import(ctx, Source{Upload: id, By: u.By, ByRole: u.ByRole, Progress: progress}, obj.Body)
	if err != nil {
		return err
	}
	u.UpdatedAt = im.Clock.Now()
	switch res.Outcome {
	case Stored:
		u.Status, u.Rows, u.Flagged, u.GuardPending = store.UploadDone, res.Chart.Rows, res.Flagged, res.GuardPending
	case Invalid:
		u.Status, u.ProblemCount = store.UploadFailed, len(res.Problems)
		for _, p := range res.Problems[:min(len(res.Problems), store.MaxUploadProblems)] {
			u.Problems = append(u.Problems, store.OrgProblem{Line: p.Line, Column: p.Column, Msg: p.Msg})
		}
	case TooLarge:
		u.Status, u.Message = store.UploadFailed, TooLargeMessage
	case Conflict:
		u.Status, u.Message = store.UploadFailed, ConflictMessage
	}
	im.Log.Info("org chart upload parsed", "upload", id, "status", u.Status, "rows", u.Rows, "problems", u.ProblemCount)
	if err := im.Store.UpdateOrgUpload(ctx, u); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	return nil
}

// The whole-file problems, as the pages say them.
var (
	TooLargeMessage = fmt.Sprintf("The file is larger than %d MB. Leave out columns other than employee_email and manager_email and upload it again.", enrol.OrgMaxBytes>>20)
	GoneMessage     = "The file is no longer in storage, so it was not checked. Upload it again."
	ConflictMessage = "Someone else uploaded an org chart at the same moment, so this one was not saved. Look at the chart below and upload again if it is not the one you meant."
)
