package replies

import (
	"strings"
	"testing"
)

// TestParseFromSpoofing: the address is found before encoded words are
// decoded, so a display name dressed as an address never becomes the
// sender; several From addresses or a disagreeing Sender are reported.
func TestParseFromSpoofing(t *testing.T) {
	tests := []struct {
		name, header, from, problem string
	}{
		{"encoded word posing as an address", "From: =?utf-8?q?jun@example.org?= <attacker@evil.example>", "attacker@evil.example", ""},
		{"base64 word posing as an address", "From: =?utf-8?b?anVuQGV4YW1wbGUub3Jn?= <attacker@evil.example>", "attacker@evil.example", ""},
		{"encoded name and brackets", "From: =?utf-8?q?Jun_=3Cjun@example.org=3E?= <attacker@evil.example>", "attacker@evil.example", ""},
		{"quoted display name", "From: \"jun@example.org\" <attacker@evil.example>", "attacker@evil.example", ""},
		{"unquoted display name with @", "From: jun@example.org <attacker@evil.example>", "attacker@evil.example", ""},
		{"comment naming the victim", "From: attacker@evil.example (jun@example.org)", "attacker@evil.example", ""},
		{"whole header one encoded word", "From: =?utf-8?q?jun@example.org?=", "", ""},
		{"two addresses", "From: jun@example.org, attacker@evil.example", "jun@example.org", "the From header names 2 addresses"},
		{"two headers' worth in one", "From: Jun <jun@example.org>, Eve <attacker@evil.example>", "jun@example.org", "the From header names 2 addresses"},
		{"sender disagrees", "From: jun@example.org\r\nSender: attacker@evil.example", "jun@example.org", "the Sender header (attacker@evil.example) disagrees with From (jun@example.org)"},
		{"sender agrees", "From: Jun <jun@example.org>\r\nSender: JUN@example.org", "jun@example.org", ""},
		{"plain", "From: Jun Park <jun@example.org>", "jun@example.org", ""},
		{"encoded display name", "From: =?utf-8?q?J=C3=BCn_Park?= <jun@example.org>", "jun@example.org", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.header + "\r\nTo: reply+t@upward.example\r\nSubject: Re: Check-in\r\nMessage-ID: <m1@example.com>\r\n\r\nYes"
			msg, err := Parse([]byte(raw), DefaultLimits)
			if err != nil {
				if tt.from == "" {
					return
				}
				t.Fatalf("Parse: %v", err)
			}
			if tt.from == "" {
				if strings.EqualFold(msg.From, "jun@example.org") {
					t.Fatalf("from %q: an encoded word was read as the address", msg.From)
				}
				return
			}
			if msg.From != tt.from {
				t.Errorf("from %q, want %q", msg.From, tt.from)
			}
			if msg.SenderProblem != tt.problem {
				t.Errorf("sender problem %q, want %q", msg.SenderProblem, tt.problem)
			}
		})
	}
}
