package mail

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// LinkSecret is the secret of the sign-in link with id: the job names the
// link, and the secret is derived here with the same key (see
// token.Signer.Secret), so no queue message ever holds a working link.
func LinkSecret(s *token.Signer, id string) string { return s.Secret("signin|" + id) }

// composeSignIn writes a sign-in link, or an invitation to an account, to
// the address the stored link is for.
func (d *Deliverer) composeSignIn(ctx context.Context, j sendqueue.SignIn) (Email, func(context.Context, time.Time) error, error) {
	secret := LinkSecret(d.signer, j.Link)
	link, err := d.data.GetLoginLink(ctx, token.Hash(secret))
	if err != nil {
		return Email{}, nil, gone(err)
	}
	// A used link is not sent. Expiry is left to the link's own page:
	// links follow the wall clock, and the sender's clock may be moved
	// (`upward dev`), so it cannot tell.
	if link.Used {
		return Email{}, nil, ErrSkipped
	}
	href := d.settings.BaseURL + "/signin/verify?token=" + url.QueryEscape(secret)
	ttl := link.Expires.Sub(link.CreatedAt)
	if link.InvitedBy == "" {
		e, err := LoginEmail(d.settings.FromAddress, link.Email, href, ttl)
		return e, noAfter, err
	}
	a, err := d.data.GetAccount(ctx, link.Email)
	if errors.Is(err, store.ErrNotFound) {
		return Email{}, nil, ErrSkipped // removed before the invitation left
	}
	if err != nil {
		return Email{}, nil, err
	}
	role := strings.ToLower(a.Role.Label())
	e, err := InvitationEmail(d.settings.FromAddress, link.Email, link.InvitedBy, role, a.Role.About(), href, d.settings.BaseURL, ttl)
	return e, noAfter, err
}
