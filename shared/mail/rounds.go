package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

type unmatchedLine struct{ Name, Role, Reason string }

type summaryData struct {
	common
	RoundLabel string
	Pairs      int
	Approved   bool
	Ready      bool
	Error      string
	ReviewURL  string
	Unmatched  []unmatchedLine
}

// composeRoundSummary tells a coordinator what a scheduled round proposed,
// with who was left unmatched and why, and links to the review page.
func (d *Deliverer) composeRoundSummary(ctx context.Context, j sendqueue.RoundSummary) (Email, func(context.Context, time.Time) error, error) {
	proposalID, to := j.ProposalID, j.Coordinator
	prog, err := d.data.GetProgramme(ctx, j.ProgrammeID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	p, err := d.data.GetProposal(ctx, j.ProgrammeID, proposalID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	data := summaryData{
		common:     common{Programme: prog, ForCoordinator: true},
		RoundLabel: fmt.Sprintf("round %d, %s", j.Round, d.clock.Now().Format("Monday 2 January")),
		Pairs:      p.Pairs, Approved: p.Status == store.ProposalApproved || p.Status == store.ProposalApproving,
		Ready: p.Status == store.ProposalReady, Error: p.Error,
		ReviewURL: fmt.Sprintf("%s/programmes/%s/proposals/%s", d.settings.BaseURL, prog.ID, p.ID),
	}
	if p.Status == store.ProposalReady || data.Approved {
		var res matching.Result
		if err := d.data.ProposalResult(ctx, p, &res); err != nil {
			return Email{}, nil, err
		}
		people, err := d.data.ListParticipants(ctx, prog.ID)
		if err != nil {
			return Email{}, nil, err
		}
		names := map[string]string{}
		for _, x := range people {
			names[x.Email] = x.Name
		}
		for _, u := range res.Unmatched {
			name := names[u.Email]
			if name == "" {
				name = u.Email
			}
			data.Unmatched = append(data.Unmatched, unmatchedLine{Name: name, Role: string(u.Role), Reason: u.Reason})
		}
	}
	switch {
	case data.Approved:
		data.Subject = fmt.Sprintf("%s: %d new pairs introduced", prog.Name, p.Pairs)
	case data.Ready:
		data.Subject = fmt.Sprintf("%s: %d new pairs to review", prog.Name, p.Pairs)
	default:
		data.Subject = fmt.Sprintf("%s: this round's matching did not finish", prog.Name)
	}
	text, html, err := d.r.render(sendqueue.KindRoundSummary, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{to}, Subject: data.Subject, Text: text, HTML: html}, noAfter, nil
}
