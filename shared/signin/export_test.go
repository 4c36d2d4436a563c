package signin

import "time"

// SetOIDCCheck makes g check ID tokens for audience at the time now gives,
// so tests can present a token meant for another client, or one expired.
func SetOIDCCheck(g *Gate, audience string, now func() time.Time) {
	if audience != "" {
		g.oidc.audience = audience
	}
	if now != nil {
		g.oidc.now = now
	}
}
