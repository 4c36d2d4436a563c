package schedule

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Quota is the account's daily sending quota: SES GetAccount's
// Max24HourSend (negative: unlimited), and SentLast24Hours, every email SES
// counted in its rolling window, the unscheduled ones too.
type Quota interface {
	DailyQuota(ctx context.Context) (limit, sent int, err error)
}

// PlanStore keeps each UTC day's plan of scheduled email.
type PlanStore interface {
	GetDayPlan(ctx context.Context, day string) (store.DayPlan, error)
	AddToDayPlan(ctx context.Context, day string, hour int, planned, sent, moved store.DayCounts) error
}

// DefaultQuotaReserve is the share of the daily quota the schedule leaves
// for email that is not scheduled and goes first: welcomes, preparations,
// introductions, acknowledgements, notes and sign-in links.
const DefaultQuotaReserve = 0.1

const dayLayout = "2006-01-02"

// count adds one email of kind to c.
func count(c *store.DayCounts, kind sendqueue.Kind) {
	switch kind {
	case sendqueue.KindMidpoint, sendqueue.KindClosing:
		c.Survey++
	case sendqueue.KindNudge:
		c.Nudge++
	default:
		c.CheckIn++
	}
}

// planner holds one tick's view of the day's quota. A day whose scheduled
// emails exceed its budget sends the highest priority first — surveys,
// then nudges, then check-ins — and moves the rest to each person's next
// morning, where they are planned again; nothing is dropped.
//
// The budget is spent over the last 24 hours, not the UTC day: SES counts
// its quota over a rolling 24 hours, and one local Monday spans two UTC
// days (Auckland's morning is Sunday evening UTC, Tokyo's Monday's small
// hours). Budgeting by UTC day let Tokyo's Monday be queued while
// Auckland's Monday still filled SES's window, and SES then held those
// emails until Tuesday in Tokyo. What is admitted now is what SES will
// take now: an email the window has no room for goes to its person's next
// morning instead of going out in the evening or the next night. Hours are
// whole UTC hours, the window yesterday's hours after this one and today's
// up to it; the reserve covers the part of an hour that is out by. Admission is
// decided in memory from the day's plan as read at the start, and the
// tick's counts are written back once at its end (one UpdateItem a day):
// two overlapping ticks could admit a little over the budget, which the
// sender then waits out as back-pressure.
type planner struct {
	mu     sync.Mutex
	budget int // scheduled emails a day; negative: no limit
	today  string
	hour   int // the tick's UTC hour
	base   store.DayPlan
	// yesterday's plan, for its hours still inside SES's 24-hour window.
	yesterday store.DayPlan
	// sesSent is what SES counted in its window when the tick began.
	sesSent int
	sent    store.DayCounts
	moved   store.DayCounts
	planned map[string]store.DayCounts
}

func newPlanner(ctx context.Context, q Quota, reserve float64, s PlanStore, now time.Time) (*planner, error) {
	now = now.UTC()
	p := &planner{budget: -1, today: now.Format(dayLayout), hour: now.Hour(), planned: map[string]store.DayCounts{}}
	quota, sent, err := q.DailyQuota(ctx)
	if err != nil {
		return nil, err
	}
	p.sesSent = sent
	if quota >= 0 {
		p.budget = int(float64(quota) * (1 - reserve))
	}
	if p.base, err = s.GetDayPlan(ctx, p.today); err != nil {
		return nil, err
	}
	if p.yesterday, err = s.GetDayPlan(ctx, now.AddDate(0, 0, -1).Format(dayLayout)); err != nil {
		return nil, err
	}
	return p, nil
}

// plan records an item scheduled for due, expected to be kind.
func (p *planner) plan(due time.Time, kind sendqueue.Kind) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	day := due.UTC().Format(dayLayout)
	c := p.planned[day]
	count(&c, kind)
	p.planned[day] = c
}

// admit says whether an email of kind goes today, and counts it as sent
// or moved.
func (p *planner) admit(kind sendqueue.Kind) bool {
	if p == nil || p.budget < 0 {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	planned := p.base.Planned.Plus(p.planned[p.today])
	sent := p.base.Sent.Plus(p.sent)
	moved := p.base.Moved.Plus(p.moved)
	left := func(planned, sent, moved int) int { return max(planned-sent-moved, 0) }
	surveys := left(planned.Survey, sent.Survey, moved.Survey)
	nudges := left(planned.Nudge, sent.Nudge, moved.Nudge)
	used := p.sentInWindow()
	var ok bool
	switch kind {
	case sendqueue.KindMidpoint, sendqueue.KindClosing:
		ok = used < p.budget
	case sendqueue.KindNudge:
		ok = used+surveys < p.budget
	default:
		ok = used+surveys+nudges < p.budget
	}
	if ok {
		count(&p.sent, kind)
	} else {
		count(&p.moved, kind)
	}
	return ok
}

// sentInWindow is the email in SES's 24-hour window: the scheduled email
// queued in it (yesterday's hours after this one, today's up to it, and
// this tick's), or, when more, what SES itself counted plus this tick's —
// email outside the schedule beyond the reserve (a new cohort's welcomes
// and introductions) fills the window too, and the schedule makes room
// rather than meeting SES's refusals for the rest of the day. Neither
// alone is enough: SES does not yet count what is queued and unsent. The
// caller holds p.mu.
func (p *planner) sentInWindow() int {
	n := p.sent.Total()
	ses := p.sesSent + n
	for h := p.hour + 1; h < 24; h++ {
		n += p.yesterday.SentByHour[h]
	}
	for h := 0; h <= p.hour; h++ {
		n += p.base.SentByHour[h]
	}
	return max(n, ses)
}

// flush writes the tick's counts, one update per day.
func (p *planner) flush(ctx context.Context, s PlanStore) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	days := p.planned
	if _, ok := days[p.today]; !ok && (p.sent.Total() > 0 || p.moved.Total() > 0) {
		days[p.today] = store.DayCounts{}
	}
	for day, planned := range days {
		var sent, moved store.DayCounts
		if day == p.today {
			sent, moved = p.sent, p.moved
		}
		if err := s.AddToDayPlan(ctx, day, p.hour, planned, sent, moved); err != nil {
			return fmt.Errorf("record the day's plan: %w", err)
		}
	}
	p.base.Planned = p.base.Planned.Plus(days[p.today])
	p.base.Sent, p.base.Moved = p.base.Sent.Plus(p.sent), p.base.Moved.Plus(p.moved)
	p.base.SentByHour[p.hour] += p.sent.Total()
	p.sent, p.moved, p.planned = store.DayCounts{}, store.DayCounts{}, map[string]store.DayCounts{}
	return nil
}
