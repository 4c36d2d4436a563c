package replies

import (
	"bufio"
	"bytes"
	"strings"
)

// Bounce is what a delivery failure report says about one recipient.
type Bounce struct {
	Recipient string `json:"recipient,omitempty"` // the address that failed, when the report names it
	// Status is the RFC 3463 enhanced status code ("5.1.1"), when present.
	Status string `json:"status,omitempty"`
	// Permanent is true for a 5.x.x status or a 5xx SMTP reply: sending
	// again will fail again. Delays (4.x.x) and reports without a code are
	// not permanent.
	Permanent  bool   `json:"permanent"`
	Action     string `json:"action,omitempty"`     // "failed", "delayed", … from the report
	Diagnostic string `json:"diagnostic,omitempty"` // the remote server's words, shortened
}

var (
	mailerDaemon        = mustPattern(`(?i)^(mailer[-_]?daemon|postmaster|mail[-_]?delivery[-_]?(system|subsystem)?)([-+_.].*)?@`)
	mailerDaemonName    = mustPattern(`(?i)^(mail delivery (subsystem|system|service)|mailer[- ]daemon|postmaster|microsoft outlook)$`)
	bounceSubject       = mustPattern(`(?i)^\s*((re|aw|fw|fwd|wg|tr)\s*:\s*)*(undeliverable|undelivered mail|delivery status notification|delivery failure|mail delivery failed|returned mail|failure notice|delivery has failed|message not delivered|unzustellbar|nicht zustellbar|non remis|non distribuable|no se puede entregar|no entregado|non recapitabile|impossibile recapitare|não é possível entregar|não entregue|onbestelbaar|kan niet worden bezorgd)`)
	dsnText             = mustPattern(`(?im)^(final-recipient|original-recipient|diagnostic-code|action:\s*failed|status:\s*[45]\.\d)`)
	enhancedStatus      = mustPattern(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
	smtpPermanentCode   = mustPattern(`(?m)(^|\s|\()5[0-5]\d[\s-]`)
	finalRecipientField = mustPattern(`(?im)^\s*(final|original)-recipient:\s*(?:rfc822\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?`)
)

// detectBounce recognises a delivery failure: a multipart/report of
// delivery-status, a message from MAILER-DAEMON or postmaster, an empty
// Return-Path with DSN wording, or Exim's X-Failed-Recipients.
func detectBounce(m *Message) (*Bounce, string) {
	ct := strings.ToLower(first(m.header, "Content-Type"))
	failed := strings.TrimSpace(first(m.header, "X-Failed-Recipients"))
	var why string
	switch {
	case strings.Contains(ct, "multipart/report") && strings.Contains(ct, "delivery-status"):
		why = "multipart/report; report-type=delivery-status"
	case len(m.reports) > 0:
		why = "delivery-status report"
	case mailerDaemon.MatchString(m.From) || mailerDaemonName.MatchString(strings.TrimSpace(m.FromName)) && bounceSubject.MatchString(m.Subject):
		why = "sender " + m.From
	case failed != "":
		why = "X-Failed-Recipients"
	case m.NullReturnPath && (dsnText.MatchString(limitText(m.Text, 64<<10)) || bounceSubject.MatchString(m.Subject)):
		why = "empty Return-Path with delivery status text"
	default:
		return nil, ""
	}
	b := &Bounce{}
	for _, r := range m.reports {
		if readDeliveryStatus(r.content, b) {
			break
		}
	}
	if b.Recipient == "" && failed != "" {
		if a := addresses(failed); len(a) > 0 {
			b.Recipient = a[0]
		}
	}
	text := limitText(m.Text, 64<<10)
	if b.Recipient == "" {
		if f := finalRecipientField.FindStringSubmatch(text); f != nil {
			b.Recipient = f[2]
		} else {
			b.Recipient = firstForeignAddress(text, m)
		}
	}
	if b.Status == "" {
		if s := enhancedStatus.FindString(text); s != "" {
			b.Status = s
		}
	}
	switch {
	case b.Status != "":
		b.Permanent = b.Status[0] == '5'
	case strings.EqualFold(b.Action, "failed"):
		b.Permanent = true
	default:
		b.Permanent = smtpPermanentCode.MatchString(text)
	}
	return b, why
}

// readDeliveryStatus reads an RFC 3464 message/delivery-status body: a
// per-message block, then one block per recipient. It fills b from the
// first failed recipient (or the first recipient) and reports whether it
// found one.
func readDeliveryStatus(content []byte, b *Bounce) bool {
	var found, fromFailed bool
	for _, block := range dsnBlocks(content) {
		rcpt := block["final-recipient"]
		if rcpt == "" {
			rcpt = block["original-recipient"]
		}
		if rcpt == "" {
			continue
		}
		failed := strings.EqualFold(block["action"], "failed")
		if found && (fromFailed || !failed) {
			continue
		}
		found, fromFailed = true, failed
		if i := strings.IndexByte(rcpt, ';'); i >= 0 {
			rcpt = rcpt[i+1:]
		}
		b.Recipient = strings.Trim(strings.TrimSpace(rcpt), "<>")
		b.Action = strings.ToLower(block["action"])
		b.Status = enhancedStatus.FindString(block["status"])
		b.Diagnostic = limitText(collapseSpace(block["diagnostic-code"]), 300)
	}
	return found
}

// dsnBlocks splits a delivery-status body into its header-like blocks,
// with lower-case field names and continuation lines joined.
func dsnBlocks(content []byte) []map[string]string {
	var blocks []map[string]string
	cur := map[string]string{}
	last := ""
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() && len(blocks) < 100 {
		l := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.TrimSpace(l) == "":
			if len(cur) > 0 {
				blocks = append(blocks, cur)
				cur, last = map[string]string{}, ""
			}
		case (l[0] == ' ' || l[0] == '\t') && last != "":
			cur[last] += " " + strings.TrimSpace(l)
		default:
			if i := strings.IndexByte(l, ':'); i > 0 {
				last = strings.ToLower(strings.TrimSpace(l[:i]))
				if _, dup := cur[last]; !dup {
					cur[last] = strings.TrimSpace(l[i+1:])
				}
			}
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// firstForeignAddress finds the failed address in a free-text bounce: the
// first address that is not the bounce's own sender or recipient and not a
// mail server's.
func firstForeignAddress(text string, m *Message) string {
	own := map[string]bool{strings.ToLower(m.From): true}
	for _, a := range m.To {
		own[strings.ToLower(a)] = true
	}
	for _, a := range addrSpec.FindAllString(text, 50) {
		a = strings.Trim(a, "<>.[]'")
		if own[strings.ToLower(a)] || mailerDaemon.MatchString(a) {
			continue
		}
		return a
	}
	return ""
}
