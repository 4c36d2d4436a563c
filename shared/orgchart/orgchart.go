// Package orgchart replaces the organisation's org chart with an uploaded
// file: it parses every row (all or nothing), stores the chart, writes the
// audit entry and checks running pairs against the new reporting lines. It
// is the one place that does so, whichever way the file arrives: through
// the site (the fallback for small files, shared/web) or straight from the
// browser to S3 (uploads.go, run by the orgchart function).
package orgchart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/store"
)

// AuditAction is the audit trail's name for an upload.
const AuditAction = "org chart uploaded"

// Store is what an import reads and records.
type Store interface {
	GetOrgChart(ctx context.Context) (store.OrgChart, error)
	ReplaceOrgChart(ctx context.Context, lines []store.OrgLine, meta store.OrgChart) (store.OrgChart, error)
	AppendAudit(ctx context.Context, e store.AuditEntry) error
	// The uploads straight to S3 (uploads.go).
	CreateOrgUpload(ctx context.Context, u store.OrgUpload) error
	GetOrgUpload(ctx context.Context, id string) (store.OrgUpload, error)
	UpdateOrgUpload(ctx context.Context, u store.OrgUpload) error
}

var _ Store = (*store.Store)(nil)

// Checker checks every programme's running pairs against the org chart
// (*guard.Guard).
type Checker interface {
	CheckAll(ctx context.Context) ([]guard.Report, error)
}

// Importer replaces the org chart with uploaded files.
type Importer struct {
	Store Store
	Guard Checker
	Clock clock.Clock
	Log   *slog.Logger
	// GuardBudget bounds the reorganisation check after a chart is stored;
	// what it leaves unfinished the tick finishes, because the chart's new
	// version marks every programme as due for a check.
	GuardBudget time.Duration
}

// Source says where a file came from and whose it is.
type Source struct {
	// Upload is the S3 upload's id ("" for a file posted to the site).
	Upload   string
	Filename string
	By       string
	ByRole   store.Role
	// Progress, when set, is told how many lines have been checked, every
	// ProgressEvery lines, and then that the rows are being stored.
	Progress func(checked int, storing bool)
}

// ProgressEvery is how often, in lines, an import reports its progress.
const ProgressEvery = 50_000

// Outcome is how an import ended.
type Outcome int

const (
	// Stored: the chart is the file's (Result.Chart).
	Stored Outcome = iota
	// Invalid: rows are wrong (Result.Problems); nothing changed.
	Invalid
	// TooLarge: the file is over enrol.OrgMaxBytes; nothing changed.
	TooLarge
	// Conflict: another upload replaced the chart at the same moment;
	// this one was not stored.
	Conflict
)

// Result is what an import did.
type Result struct {
	Outcome  Outcome
	Chart    store.OrgChart
	Problems enrol.Errors
	// Flagged is how many running pairs the check found inside one
	// reporting line; GuardPending that it ran out of time (the tick
	// finishes it).
	Flagged      int
	GuardPending bool
}

// Import parses r and, when every row is right, replaces the org chart
// with it. An error is a failure to read or store (worth retrying); a
// file that is wrong is a Result. Importing one S3 upload again stores
// nothing new and adds no second audit entry.
func (im *Importer) Import(ctx context.Context, src Source, r io.Reader) (Result, error) {
	var onLines func(int)
	if src.Progress != nil {
		onLines = func(n int) { src.Progress(n, false) }
	}
	rows, err := enrol.ParseOrgChartProgress(r, ProgressEvery, onLines)
	var rowErrs enrol.Errors
	switch {
	case errors.As(err, &rowErrs):
		return Result{Outcome: Invalid, Problems: rowErrs}, nil
	case errors.Is(err, enrol.ErrTooLarge):
		return Result{Outcome: TooLarge}, nil
	case err != nil:
		return Result{}, fmt.Errorf("parse org chart: %w", err)
	}
	if src.Progress != nil {
		src.Progress(len(rows), true)
	}
	meta, err := im.store(ctx, src, rows)
	if errors.Is(err, store.ErrConflict) {
		return Result{Outcome: Conflict}, nil
	}
	if err != nil {
		return Result{}, err
	}
	im.Log.Info("org chart replaced", "rows", meta.Rows, "coordinator", src.By, "upload", src.Upload)
	// The entry's id and time are the upload's and the stored chart's, so
	// a second run writes the same key and the trail keeps one entry.
	entry := store.AuditEntry{ID: ids.New(), At: meta.UploadedAt, Actor: src.By, ActorRole: src.ByRole, Action: AuditAction,
		Detail: fmt.Sprintf("%s: %d reporting lines", displayName(src), meta.Rows)}
	if src.Upload != "" {
		entry.ID = "upload-" + src.Upload
	}
	if err := im.Store.AppendAudit(ctx, entry); err != nil && !(src.Upload != "" && errors.Is(err, store.ErrConflict)) {
		// The chart is stored; a missing entry is logged, as every page's
		// audit failure is, rather than undoing the upload.
		im.Log.Error("audit entry not recorded", "action", AuditAction, "err", err)
	}
	res := Result{Outcome: Stored, Chart: meta}
	res.Flagged, res.GuardPending = im.check(ctx)
	return res, nil
}

// store replaces the chart, unless this upload's chart is already the
// current one (a second run of the same upload).
func (im *Importer) store(ctx context.Context, src Source, rows []enrol.OrgRow) (store.OrgChart, error) {
	if src.Upload != "" {
		if cur, err := im.Store.GetOrgChart(ctx); err == nil && cur.Upload == src.Upload {
			return cur, nil
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return store.OrgChart{}, err
		}
	}
	lines := make([]store.OrgLine, len(rows))
	for i, row := range rows {
		lines[i] = store.OrgLine{Employee: row.Employee, Manager: row.Manager}
	}
	meta, err := im.Store.ReplaceOrgChart(ctx, lines, store.OrgChart{Filename: displayName(src), UploadedBy: src.By, UploadedAt: im.Clock.Now(), Upload: src.Upload})
	if errors.Is(err, store.ErrConflict) && src.Upload != "" {
		// Two runs of one upload at once: the other run's write won, and
		// the chart is this upload's all the same.
		if cur, gerr := im.Store.GetOrgChart(ctx); gerr == nil && cur.Upload == src.Upload {
			return cur, nil
		}
	}
	return meta, err
}

// check runs the reorganisation guard within the budget.
func (im *Importer) check(ctx context.Context) (flagged int, pending bool) {
	budget := im.GuardBudget
	if budget <= 0 {
		budget = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	reports, err := im.Guard.CheckAll(ctx)
	for _, rep := range reports {
		flagged += len(rep.Flagged)
	}
	if err != nil {
		im.Log.Warn("reorganisation check after an org chart upload left to the tick", "err", err, "flagged_so_far", flagged)
		return flagged, true
	}
	return flagged, false
}

// displayName is how the audit trail names the file: the browser does not
// tell S3 a file's name (see uploads.go), so an S3 upload is named by its id.
func displayName(src Source) string {
	if src.Filename != "" {
		return src.Filename
	}
	return "upload " + src.Upload
}
