package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"time"
)

var loginHTML = htmltemplate.Must(htmltemplate.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in to Upward</title></head>
<body style="margin:0;padding:0;background:#f4f4f1;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;background:#ffffff;">
<p style="margin:0 0 16px;">Someone — hopefully you — asked to sign in to Upward as {{.Email}}.</p>
<p style="margin:0 0 24px;"><a href="{{.Link}}" style="display:inline-block;padding:12px 20px;background:#1f6f43;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600;">Sign in to Upward</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#57606a;">The link works once, for {{.Minutes}} minutes. If you didn't ask for it, ignore this email: nobody can sign in without it.</p>
</div></body></html>`))

var inviteHTML = htmltemplate.Must(htmltemplate.New("invite").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>You are invited to Upward</title></head>
<body style="margin:0;padding:0;background:#f4f4f1;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;background:#ffffff;">
<p style="margin:0 0 16px;">{{.By}} invited you to Upward, where your organisation runs its reverse mentoring programmes. As {{.Role}} you can see {{.About}}.</p>
<p style="margin:0 0 24px;"><a href="{{.Link}}" style="display:inline-block;padding:12px 20px;background:#1f6f43;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600;">Accept and sign in</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#57606a;">The link works once, for {{.Days}} days. Afterwards, sign in with your email address at {{.Site}}. If you did not expect this invitation, ignore this email.</p>
</div></body></html>`))

// InvitationEmail invites someone to a coordinator account: the same
// single-use link as a sign-in, valid for longer.
func InvitationEmail(from, to, by, role, about, link, site string, ttl time.Duration) (Email, error) {
	days := max(1, int(ttl.Hours()/24))
	data := struct {
		By, Role, About, Link, Site string
		Days                        int
	}{by, role, about, link, site, days}
	var h bytes.Buffer
	if err := inviteHTML.Execute(&h, data); err != nil {
		return Email{}, fmt.Errorf("render invitation email: %w", err)
	}
	text := fmt.Sprintf("%s invited you to Upward, where your organisation runs its reverse mentoring programmes. As %s you can see %s.\n\nAccept and sign in: %s\n\nThe link works once, for %d days. Afterwards, sign in with your email address at %s. If you did not expect this invitation, ignore this email.\n", by, role, about, link, days, site)
	return Email{
		From:    (&mail.Address{Name: "Upward", Address: from}).String(),
		To:      []string{to},
		Subject: "You are invited to Upward",
		Text:    text,
		HTML:    h.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
	}, nil
}

// LoginEmail is the magic sign-in link sent to a coordinator.
func LoginEmail(from, to, link string, ttl time.Duration) (Email, error) {
	minutes := int(ttl.Minutes())
	data := struct {
		Email, Link string
		Minutes     int
	}{to, link, minutes}
	var h bytes.Buffer
	if err := loginHTML.Execute(&h, data); err != nil {
		return Email{}, fmt.Errorf("render login email: %w", err)
	}
	text := fmt.Sprintf("Someone — hopefully you — asked to sign in to Upward as %s.\n\nSign in: %s\n\nThe link works once, for %d minutes. If you didn't ask for it, ignore this email: nobody can sign in without it.\n", to, link, minutes)
	return Email{
		From:    (&mail.Address{Name: "Upward", Address: from}).String(),
		To:      []string{to},
		Subject: "Your sign-in link for Upward",
		Text:    text,
		HTML:    h.String(),
		// Sign-in links must never be auto-answered or forwarded by rules.
		Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
	}, nil
}
