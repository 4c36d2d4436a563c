package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Pace keeps one sender under its share of the account's SES sending rate
// and slows it down when SES pushes back: a throttled send halves the rate
// and holds every send of this instance for a moment (everyone slows down,
// not only the email that was refused); each accepted send wins back a
// little of the rate, up to the share. A spent daily quota holds every
// send until the quota has had time to free up. While held, jobs are not
// even claimed in the ledger: they go back to the queue (sendqueue.Later).
type Pace struct {
	mu        sync.Mutex
	limiter   *rate.Limiter // nil: no steady limit (locally)
	max       rate.Limit
	holdUntil time.Time
	reason    string
	clock     PaceClock
}

// PaceClock is the time a Pace reads and waits in: the wall clock in the
// send function; a simulation passes virtual time, so that a quota day at
// 14 emails a second runs in minutes and never depends on the machine.
type PaceClock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx's error when it ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// wallClock is real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Waits after SES pushes back.
const (
	// ThrottleHold is how long an instance holds every send after SES
	// throttled one.
	ThrottleHold = 2 * time.Second
	// QuotaHold is how long an instance holds every send after SES said
	// the day's quota is spent: the longest SQS can hold a message back.
	QuotaHold = sendqueue.MaxDelay
	// minRate is the slowest a throttled instance goes.
	minRate = rate.Limit(0.5)
)

// NewPace shares perSecond emails a second evenly between concurrency
// instances (perSecond <= 0: no steady limit, only the holds).
func NewPace(perSecond float64, concurrency int) *Pace {
	return NewPaceOn(wallClock{}, perSecond, concurrency)
}

// NewPaceOn is NewPace reading and waiting in clock's time.
func NewPaceOn(clock PaceClock, perSecond float64, concurrency int) *Pace {
	p := &Pace{clock: clock}
	p.SetRate(perSecond, concurrency)
	return p
}

// SetRate changes the account rate shared between concurrency instances,
// for instance to SES's own figure read at start (SendQuota).
func (p *Pace) SetRate(perSecond float64, concurrency int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if perSecond <= 0 {
		p.limiter, p.max = nil, 0
		return
	}
	p.max = rate.Limit(perSecond / float64(max(concurrency, 1)))
	if p.limiter == nil {
		p.limiter = rate.NewLimiter(p.max, 1)
	} else {
		p.limiter.SetLimitAt(p.clock.Now(), p.max)
	}
}

// Rate is the current steady rate (0: none).
func (p *Pace) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limiter == nil {
		return 0
	}
	return float64(p.limiter.Limit())
}

// Held says, while the instance holds its sends, how long to wait.
func (p *Pace) Held() *sendqueue.Later {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if wait := p.holdUntil.Sub(p.clock.Now()); wait > 0 {
		return &sendqueue.Later{After: wait, Reason: p.reason}
	}
	return nil
}

// Wait blocks until the steady rate allows one more send. It reserves the
// send at the pace's own time and sleeps on its clock (rather than
// rate.Limiter.Wait, which reads the wall clock), so the same code paces a
// simulation in virtual time; a wait that cannot end before ctx's deadline
// gives its turn back at once, as rate.Limiter.Wait does.
func (p *Pace) Wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	l := p.limiter
	if l == nil {
		p.mu.Unlock()
		return nil
	}
	now := p.clock.Now()
	r := l.ReserveN(now, 1)
	p.mu.Unlock()
	if !r.OK() {
		return errors.New("ses send: waiting for the rate limit: the limiter allows no send")
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Before(now.Add(d)) {
		r.CancelAt(now)
		return fmt.Errorf("ses send: waiting for the rate limit: %s would pass the deadline: %w", d, context.DeadlineExceeded)
	}
	if err := p.clock.Sleep(ctx, d); err != nil {
		r.CancelAt(p.clock.Now())
		return fmt.Errorf("ses send: waiting for the rate limit: %w", err)
	}
	return nil
}

func (p *Pace) hold(d time.Duration, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if until := now.Add(d); until.After(p.holdUntil) {
		p.holdUntil, p.reason = until, reason
	}
	if reason == reasonThrottled && p.limiter != nil {
		p.limiter.SetLimitAt(now, max(p.limiter.Limit()/2, minRate))
	}
}

// accepted wins back a twentieth of the share per accepted send.
func (p *Pace) accepted() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limiter != nil && p.limiter.Limit() < p.max {
		p.limiter.SetLimitAt(p.clock.Now(), min(p.limiter.Limit()+p.max/20, p.max))
	}
}

const (
	reasonThrottled  = "SES throttled sending"
	reasonDailyQuota = "SES daily sending quota spent"
)

// pushBack turns SES's throttling and quota errors into sendqueue.Later
// (and holds the pace); any other error is returned as it is.
func (p *Pace) pushBack(err error) error {
	reason, wait := classify(err)
	if reason == "" {
		return err
	}
	if p != nil {
		p.hold(wait, reason)
	}
	return &sendqueue.Later{After: wait, Reason: reason, Err: err}
}

// classify names SES's back-pressure errors: throttling (SES v2's
// TooManyRequestsException, the generic ThrottlingException, SES v1's
// Throttling "Maximum sending rate exceeded") and the daily quota
// (LimitExceededException, "Daily message quota exceeded").
func classify(err error) (reason string, wait time.Duration) {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return "", 0
	}
	msg := strings.ToLower(api.ErrorMessage())
	switch {
	case strings.Contains(msg, "daily message quota"), api.ErrorCode() == "LimitExceededException":
		return reasonDailyQuota, QuotaHold
	case api.ErrorCode() == "TooManyRequestsException", api.ErrorCode() == "ThrottlingException",
		api.ErrorCode() == "Throttling", strings.Contains(msg, "maximum sending rate"):
		return reasonThrottled, ThrottleHold
	}
	return "", 0
}

// AccountAPI reads the account's sending quota.
type AccountAPI interface {
	GetAccount(ctx context.Context, in *sesv2.GetAccountInput, opts ...func(*sesv2.Options)) (*sesv2.GetAccountOutput, error)
}

var _ AccountAPI = (*sesv2.Client)(nil)

// Quota is the account's SES sending quota.
type Quota struct {
	// Max24HourSend is how many emails the account may send in 24 hours
	// (negative: unlimited); SentLast24Hours how many it has.
	Max24HourSend, SentLast24Hours float64
	// MaxSendRate is emails per second.
	MaxSendRate float64
}

// SendQuota reads the account's quota (SES GetAccount).
func SendQuota(ctx context.Context, api AccountAPI) (Quota, error) {
	out, err := api.GetAccount(ctx, &sesv2.GetAccountInput{})
	if err != nil {
		return Quota{}, fmt.Errorf("ses account quota: %w", err)
	}
	if out.SendQuota == nil {
		return Quota{Max24HourSend: -1}, nil
	}
	return Quota{Max24HourSend: out.SendQuota.Max24HourSend, SentLast24Hours: out.SendQuota.SentLast24Hours, MaxSendRate: out.SendQuota.MaxSendRate}, nil
}

// AccountQuota reads the daily quota for the tick's planning.
type AccountQuota struct{ Client AccountAPI }

// DailyQuota is the account's emails per 24 hours (negative: unlimited)
// and how many SES has counted in its last 24 hours.
func (a AccountQuota) DailyQuota(ctx context.Context) (limit, sent int, err error) {
	q, err := SendQuota(ctx, a.Client)
	if err != nil {
		return 0, 0, err
	}
	if q.Max24HourSend < 0 {
		return -1, int(q.SentLast24Hours), nil
	}
	return int(q.Max24HourSend), int(q.SentLast24Hours), nil
}
