package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/upward-mentoring/upward/shared/ids"
)

const (
	typeOrgChart = "org_chart"
	orgPK        = "ORG"
)

// OrgLine is one row of the organisation's org chart; Manager is empty at
// the top of the chart.
type OrgLine struct {
	Employee string `json:"e"`
	Manager  string `json:"m,omitempty"`
}

// OrgChart describes the organisation's current org chart: one for every
// programme, replaced whole by each upload.
type OrgChart struct {
	Version    string    `dynamodbav:"version"`
	Rows       int       `dynamodbav:"rows"`
	Parts      int       `dynamodbav:"parts"`
	Filename   string    `dynamodbav:"filename"`
	UploadedBy string    `dynamodbav:"uploaded_by"`
	UploadedAt time.Time `dynamodbav:"uploaded_at"`
	// Upload is the S3 upload the chart came from ("" for one uploaded
	// through the site): a parse run again on the same upload finds its
	// chart already stored and stores nothing.
	Upload string `dynamodbav:"upload,omitempty"`
}

type orgChartItem struct {
	keys
	OrgChart
}

func orgBlobSK(version string) string { return "CHART#" + version + "#" }

// ReplaceOrgChart stores a new org chart in place of the current one. The
// new rows are written first under a new version and the pointer is moved
// last, with a write conditioned on the version it replaces, so readers
// see the old chart or the new one, never a mix, and of two concurrent
// uploads one wins and the other gets ErrConflict.
func (s *Store) ReplaceOrgChart(ctx context.Context, lines []OrgLine, meta OrgChart) (OrgChart, error) {
	old, err := s.GetOrgChart(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return OrgChart{}, err
	}
	meta.Version = ids.New()
	meta.Rows = len(lines)
	if lines == nil {
		lines = []OrgLine{}
	}
	if meta.Parts, err = s.putBlob(ctx, orgPK, orgBlobSK(meta.Version), lines); err != nil {
		return OrgChart{}, fmt.Errorf("replace org chart: %w", err)
	}
	cond := notExists()
	if old.Version != "" {
		c := expression.Name("version").Equal(expression.Value(old.Version))
		cond = &c
	}
	it := orgChartItem{keys: keys{PK: orgPK, SK: "META", Type: typeOrgChart}, OrgChart: meta}
	if err := s.put(ctx, it, cond, ErrConflict); err != nil {
		_ = s.deleteBlob(ctx, orgPK, orgBlobSK(meta.Version))
		return OrgChart{}, fmt.Errorf("replace org chart: %w", err)
	}
	if old.Version != "" {
		// Readers that picked up the old pointer a moment ago may still be
		// reading; they retry (see OrgChartLines).
		if err := s.deleteBlob(ctx, orgPK, orgBlobSK(old.Version)); err != nil {
			return meta, fmt.Errorf("replace org chart: remove the old rows: %w", err)
		}
	}
	return meta, nil
}

// GetOrgChart describes the current org chart, ErrNotFound when none was
// uploaded.
func (s *Store) GetOrgChart(ctx context.Context) (OrgChart, error) {
	var it orgChartItem
	if err := s.get(ctx, orgPK, "META", &it); err != nil {
		return OrgChart{}, fmt.Errorf("org chart: %w", err)
	}
	return it.OrgChart, nil
}

// OrgChartLines reads the current org chart's rows; none when nothing was
// uploaded.
func (s *Store) OrgChartLines(ctx context.Context) ([]OrgLine, OrgChart, error) {
	for attempt := 0; ; attempt++ {
		meta, err := s.GetOrgChart(ctx)
		if errors.Is(err, ErrNotFound) {
			return nil, OrgChart{}, nil
		}
		if err != nil {
			return nil, OrgChart{}, err
		}
		var lines []OrgLine
		err = s.getBlob(ctx, orgPK, orgBlobSK(meta.Version), meta.Parts, &lines)
		if errors.Is(err, ErrNotFound) && attempt < 3 {
			continue // replaced while reading: read the new one
		}
		if err != nil {
			return nil, OrgChart{}, fmt.Errorf("org chart rows: %w", err)
		}
		return lines, meta, nil
	}
}
