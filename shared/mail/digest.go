package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// DigestData is what the weekly digest reads beyond a programme's people.
type DigestData interface {
	ListProgrammes(ctx context.Context) ([]programme.Programme, error)
	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)
	ListAnswers(ctx context.Context, programmeID string) ([]store.Answer, error)
	ListQuarantine(ctx context.Context) ([]store.Quarantined, error)
	Suppressions(ctx context.Context, emails []string) (map[string]store.Suppression, error)
}

// digestLine is one programme in the digest: figures and counts only.
type digestLine struct {
	Name, DashboardURL, AttentionURL string
	Pairs, Enrolled, Attention       int
	Meeting, Response                string
	Phase                            string
}

type digestData struct {
	common
	Week     string
	Lines    []digestLine
	OffURL   string
	SignedIn string
}

// composeDigest writes one coordinator's weekly digest: for each of their
// programmes that is running or about to, the pairs, the meeting and
// response rates and how many items are on the attention list, with links
// to the pages. Never a name, never anything anyone wrote.
func (d *Deliverer) composeDigest(ctx context.Context, j sendqueue.Digest) (Email, func(context.Context, time.Time) error, error) {
	a, err := d.data.GetAccount(ctx, j.Account)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.DigestOff) {
		return Email{}, nil, ErrSkipped
	}
	if err != nil {
		return Email{}, nil, err
	}
	progs, err := d.data.ListProgrammes(ctx)
	if err != nil {
		return Email{}, nil, err
	}
	now := d.clock.Now()
	today := now.Format(programme.DateLayout)
	quarantine, err := d.data.ListQuarantine(ctx)
	if err != nil {
		return Email{}, nil, err
	}
	data := digestData{common: common{Programme: programme.Programme{Name: "Upward"}, ForCoordinator: true}, Week: j.Week,
		OffURL: d.settings.BaseURL + "/digest/off?" + url.Values{"account": {a.Email}, "sig": {d.signer.MAC("digest-off|" + strings.ToLower(a.Email))}}.Encode()}
	for _, p := range progs {
		if !a.Assigned(p.ID) || p.EndDate < addDays(today, -28) {
			continue // not theirs, or ended more than four weeks ago
		}
		in := health.Input{Programme: p, Now: now}
		if in.Participants, err = d.data.ListParticipants(ctx, p.ID); err != nil {
			return Email{}, nil, err
		}
		if in.Pairs, err = d.data.ListPairs(ctx, p.ID); err != nil {
			return Email{}, nil, err
		}
		if in.Answers, err = d.data.ListAnswers(ctx, p.ID); err != nil {
			return Email{}, nil, err
		}
		var emails []string
		for _, x := range in.Participants {
			if x.Status.Mailable() && x.MailProblem == "" {
				emails = append(emails, x.Email)
			}
		}
		sup, err := d.data.Suppressions(ctx, emails)
		if err != nil {
			return Email{}, nil, err
		}
		f := health.Compute(in)
		line := digestLine{Name: p.Name, Pairs: f.Pairs, Enrolled: f.Enrolled,
			Attention:    len(health.Concerns(in, health.Extras{Suppressed: sup, Quarantined: quarantine})),
			DashboardURL: d.settings.BaseURL + "/programmes/" + p.ID + "/dashboard",
			Meeting:      rateWords(f.Meeting), Response: rateWords(f.Response)}
		switch {
		case today < p.StartDate:
			line.Phase = "starts " + p.StartDate
		case today > p.EndDate:
			line.Phase = "ended " + p.EndDate
		default:
			line.Phase = "running until " + p.EndDate
		}
		if a.Role != store.RoleViewer {
			line.AttentionURL = d.settings.BaseURL + "/programmes/" + p.ID + "/attention"
		}
		data.Lines = append(data.Lines, line)
	}
	if len(data.Lines) == 0 {
		return Email{}, nil, ErrSkipped // nothing of theirs runs
	}
	data.Subject = fmt.Sprintf("Your Upward week: %d %s", len(data.Lines), map[bool]string{true: "programme", false: "programmes"}[len(data.Lines) == 1])
	text, html, err := d.r.render(sendqueue.KindDigest, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: (&netmail.Address{Name: "Upward", Address: d.settings.FromAddress}).String(), To: []string{a.Email}, Subject: data.Subject, Text: text, HTML: html,
		Headers: listHeaders(data.OffURL)}, noAfter, nil
}

func rateWords(r health.Rate) string {
	if !r.Shown() {
		return "not shown yet"
	}
	return fmt.Sprintf("%d%%", r.Percent())
}

func addDays(date string, n int) string {
	t, err := time.Parse(programme.DateLayout, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(programme.DateLayout)
}
