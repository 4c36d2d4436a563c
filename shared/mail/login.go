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
