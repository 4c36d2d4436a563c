// Package guard is the reorganisation guard: it keeps the off-line rule
// (never pair a senior with anyone in their own reporting line, direct or
// indirect, either way) true for pairs that are already running. An org
// chart upload, an enrolment that changes a manager, or new pairs can put
// two partners inside one reporting line; the guard finds each such pair,
// records the chain that now links them through shared/lifecycle (Reorg),
// and so puts it at the top of the coordinator's attention list, where the
// coordinator ends it with no-fault wording to both (EndReorg). Nothing is
// ended silently.
//
// Where it runs, so nothing is missed: the coordinator's org chart upload
// checks every programme, and an enrolment (form or CSV) checks its
// programme, before the page answers; and because every such change is
// also recorded in the programme's guard state (shared/store: an
// enrolment or an approval adds to it, an upload changes the chart's
// version), the hourly tick checks any programme whose last check is
// older than either — a check cut short by a timeout, or a change made
// by any other path, is caught within the hour. A check reads the org
// chart once and each programme's participants and pairs once, and
// changes only the pairs whose chain changed, so repeating it changes
// nothing.
package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// Store is what the guard reads and records.
type Store interface {
	ListProgrammes(ctx context.Context) ([]programme.Programme, error)
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)
	GetOrgChart(ctx context.Context) (store.OrgChart, error)
	OrgChartLines(ctx context.Context) ([]store.OrgLine, store.OrgChart, error)
	GetGuard(ctx context.Context, programmeID string) (store.GuardState, error)
	SetGuardChecked(ctx context.Context, programmeID, mark string, now time.Time) error
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ Store = (*store.Store)(nil)

// Guard checks live pairs against the reporting lines.
type Guard struct {
	Store Store
	Clock clock.Clock
	Log   *slog.Logger
}

// Report is what checking one programme found.
type Report struct {
	ProgrammeID string
	// Live is how many live pairs were checked; Inside how many of them
	// are now inside one reporting line (flagged before or by this check).
	Live, Inside int
	// Flagged are the pairs this check put on the attention list (or whose
	// chain it changed); Cleared counts those no longer in one line.
	Flagged []programme.Pair
	Cleared int
}

// chart is the org chart as one check reads it.
type chart struct {
	version string
	lines   []matching.ReportsTo
}

func (g *Guard) readChart(ctx context.Context) (chart, error) {
	lines, meta, err := g.Store.OrgChartLines(ctx)
	if err != nil {
		return chart{}, fmt.Errorf("reorganisation guard: %w", err)
	}
	c := chart{version: meta.Version, lines: make([]matching.ReportsTo, len(lines))}
	for i, l := range lines {
		c.lines[i] = matching.ReportsTo{Employee: l.Employee, Manager: l.Manager}
	}
	return c, nil
}

// Check checks one programme's live pairs (after an enrolment).
func (g *Guard) Check(ctx context.Context, prog programme.Programme) (Report, error) {
	c, err := g.readChart(ctx)
	if err != nil {
		return Report{ProgrammeID: prog.ID}, err
	}
	return g.check(ctx, prog, c)
}

// CheckAll checks every programme against the org chart as it is now
// (after an upload). It goes on past a programme that fails, and reports
// every failure.
func (g *Guard) CheckAll(ctx context.Context) ([]Report, error) {
	progs, err := g.Store.ListProgrammes(ctx)
	if err != nil {
		return nil, fmt.Errorf("reorganisation guard: %w", err)
	}
	c, err := g.readChart(ctx)
	if err != nil {
		return nil, err
	}
	var out []Report
	var errs []error
	for _, p := range progs {
		r, err := g.check(ctx, p, c)
		out = append(out, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// CheckDue checks the programmes whose last check is older than the org
// chart or than their latest enrolment or approval: the hourly tick's
// share. It reads the chart only when some programme is due.
func (g *Guard) CheckDue(ctx context.Context) ([]Report, error) {
	progs, err := g.Store.ListProgrammes(ctx)
	if err != nil {
		return nil, fmt.Errorf("reorganisation guard: %w", err)
	}
	meta, err := g.Store.GetOrgChart(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("reorganisation guard: %w", err)
	}
	var c *chart
	var out []Report
	var errs []error
	for _, p := range progs {
		st, err := g.Store.GetGuard(ctx, p.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !st.Due(meta.Version) {
			continue
		}
		if c == nil {
			read, err := g.readChart(ctx)
			if err != nil {
				return out, errors.Join(append(errs, err)...)
			}
			c = &read
		}
		r, err := g.check(ctx, p, *c)
		out = append(out, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// check compares each live pair's chain with what the reporting lines say
// now and changes only those that differ; then it records what it saw, so
// the tick knows this programme is done.
func (g *Guard) check(ctx context.Context, prog programme.Programme, c chart) (Report, error) {
	rep := Report{ProgrammeID: prog.ID}
	// The state first: a change made while this check runs leaves it due.
	st, err := g.Store.GetGuard(ctx, prog.ID)
	if err != nil {
		return rep, err
	}
	pairs, err := g.Store.ListPairs(ctx, prog.ID)
	if err != nil {
		return rep, fmt.Errorf("reorganisation guard: %w", err)
	}
	var live []programme.Pair
	for _, p := range pairs {
		if p.State.Live() {
			live = append(live, p)
		}
	}
	rep.Live = len(live)
	if len(live) > 0 {
		people, err := g.Store.ListParticipants(ctx, prog.ID)
		if err != nil {
			return rep, fmt.Errorf("reorganisation guard: %w", err)
		}
		email := make(map[string]string, len(people))
		for _, x := range people {
			email[x.ID] = x.Email
		}
		lines := matching.NewReportingLines(people, c.lines)
		svc := &lifecycle.Service{Store: g.Store}
		var errs []error
		for _, p := range live {
			senior, junior := email[p.SeniorID], email[p.JuniorID]
			if senior == "" || junior == "" {
				continue // erased: the pair is ending through its lifecycle
			}
			chain := lines.Link(junior, senior)
			if len(chain) > 0 {
				rep.Inside++
			}
			if slices.Equal(chain, p.ReorgChain) {
				continue
			}
			res, err := svc.Apply(ctx, prog, p, lifecycle.Change{Transition: lifecycle.Reorg, By: lifecycle.Schedule, At: g.Clock.Now(), Chain: chain})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if res.Outcome != lifecycle.Changed {
				continue
			}
			if len(chain) > 0 {
				rep.Flagged = append(rep.Flagged, res.Pair)
				g.Log.Info("pair now inside one reporting line", "programme", prog.ID, "pair", p.ID, "chain", strings.Join(chain, " → "))
			} else {
				rep.Cleared++
				g.Log.Info("pair no longer inside one reporting line", "programme", prog.ID, "pair", p.ID)
			}
		}
		if err := errors.Join(errs...); err != nil {
			// Left due: the tick tries again.
			return rep, fmt.Errorf("reorganisation guard, programme %s: %w", prog.ID, err)
		}
	}
	if err := g.Store.SetGuardChecked(ctx, prog.ID, st.Mark(c.version), g.Clock.Now()); err != nil {
		return rep, err
	}
	return rep, nil
}
