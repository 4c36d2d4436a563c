package replies

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const minimalHeader = "From: Ann <ann@example.com>\r\nTo: reply+t@upward.example\r\nSubject: Re: Check-in\r\nMessage-ID: <m1@example.com>\r\n"

func TestParseLimits(t *testing.T) {
	nested := func(depth int) string {
		var b strings.Builder
		b.WriteString(minimalHeader)
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\nYes\r\n")
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
		return b.String()
	}
	manyParts := func(n int) string {
		var b strings.Builder
		b.WriteString(minimalHeader + "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n")
		for i := 0; i < n; i++ {
			b.WriteString("--x\r\nContent-Type: text/plain\r\n\r\nYes\r\n")
		}
		b.WriteString("--x--\r\n")
		return b.String()
	}
	tests := []struct {
		name string
		raw  string
		lim  Limits
		want error
	}{
		{"over the size limit", minimalHeader + "\r\n" + strings.Repeat("a", 2000), Limits{MaxMessageBytes: 1000}, ErrTooLarge},
		{"over the default size limit", minimalHeader + "\r\n" + strings.Repeat("a", 10<<20), Limits{}, ErrTooLarge},
		{"header block too large", minimalHeader + "X-Junk: " + strings.Repeat("a", 300<<10) + "\r\n\r\nYes", Limits{}, ErrHeaderTooLarge},
		{"header without end", minimalHeader + strings.Repeat("X-Junk: a\r\n", 30000), Limits{}, ErrHeaderTooLarge},
		{"nesting too deep", nested(100), Limits{}, ErrTooComplex},
		{"too many parts", manyParts(2000), Limits{}, ErrTooComplex},
		{"no sender", "To: reply+t@upward.example\r\nSubject: x\r\n\r\nYes", Limits{}, ErrNoSender},
		{"unparseable sender", "From: (((\r\nSubject: x\r\n\r\nYes", Limits{}, ErrNoSender},
		{"nesting within limits", nested(50), Limits{}, nil},
		{"parts within limits", manyParts(500), Limits{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := Parse([]byte(tt.raw), tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tt.want == nil && (msg == nil || !strings.Contains(msg.Text, "Yes")) {
				t.Errorf("message within limits not read: %+v", msg)
			}
			if tt.want != nil && msg != nil {
				t.Errorf("a message returned with error %v", err)
			}
		})
	}
}

// TestParseHostile feeds messages shaped to be slow or to blow up memory
// in a careless parser and checks each is read or rejected sensibly.
// BenchmarkParseHostile shows their cost.
func TestParseHostile(t *testing.T) {
	for _, h := range hostileMessages() {
		t.Run(h.name, func(t *testing.T) {
			msg, err := Parse([]byte(h.raw), DefaultLimits)
			if h.check != nil {
				h.check(t, msg, err)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			text := msg.TrimmedText()
			if len(text) > DefaultLimits.MaxTextBytes*2 {
				t.Errorf("trimmed text of %d bytes", len(text))
			}
			Understand(text, Options{Context: Welcome, Topics: vocabulary})
		})
	}
}

type hostileMessage struct {
	name  string
	raw   string
	check func(t *testing.T, msg *Message, err error)
}

func hostileMessages() []hostileMessage {
	rep := strings.Repeat
	return []hostileMessage{
		{name: "one 5 MiB line", raw: minimalHeader + "\r\nYes " + rep("a", 5<<20),
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil || len(msg.Text) != DefaultLimits.MaxTextBytes {
					t.Errorf("err %v; text cut to %d bytes, want %d", err, len(msg.Text), DefaultLimits.MaxTextBytes)
				}
			}},
		{name: "nested address comments", raw: "From: " + rep("(", 5000) + "c" + rep(")", 5000) + " ann@example.com\r\nSubject: x\r\n\r\nYes",
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil || msg.From != "ann@example.com" {
					t.Errorf("err %v, from %+v", err, msg)
				}
			}},
		// Address parsing stops at maxAddressHeader: a sender hidden
		// beyond it is no sender.
		{name: "sender beyond the address limit", raw: "From: " + rep("(", 20000) + "ann@example.com" + rep(")", 20000) + "\r\nSubject: x\r\n\r\nYes",
			check: func(t *testing.T, msg *Message, err error) {
				if !errors.Is(err, ErrNoSender) {
					t.Errorf("err %v, want %v", err, ErrNoSender)
				}
			}},
		{name: "many recipients", raw: minimalHeader + "Cc: " + rep("\"A, B\" <a@b.example>, ", 5000) + "\r\n\r\nYes",
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil || len(msg.Cc) == 0 {
					t.Errorf("err %v, %d cc", err, len(msg.Cc))
				}
			}},
		{name: "many encoded words", raw: minimalHeader + "X-A: b\r\nSubject: " + rep("=?utf-8?q?a?= ", 10000) + "\r\n\r\nYes"},
		{name: "many references", raw: minimalHeader + "References: " + rep("<a@b> ", 20000) + "\r\n\r\nYes",
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil || len(msg.References) != maxReferences {
					t.Errorf("err %v, %d references, want %d", err, len(msg.References), maxReferences)
				}
			}},
		{name: "deep html", raw: minimalHeader + "Content-Type: text/html\r\n\r\nYes" + rep("<div><blockquote>", 100000)},
		{name: "html of unclosed tags", raw: minimalHeader + "Content-Type: text/html\r\n\r\n<p>Yes" + rep("<b><i>", 200000)},
		{name: "html with a huge attribute", raw: minimalHeader + "Content-Type: text/html\r\n\r\n<div class=\"" + rep("a", 3<<20) + "\">Yes</div>"},
		{name: "base64 garbage", raw: minimalHeader + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + rep("!@#$", 100000)},
		{name: "quoted-printable garbage", raw: minimalHeader + "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + rep("=Z=\r", 100000)},
		{name: "quoted-printable line over the decoder's buffer", raw: minimalHeader + "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nYes, 4" + rep(" a", 5000),
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if !strings.HasPrefix(msg.Text, "Yes, 4") {
					t.Errorf("text %.40q", msg.Text)
				}
			}},
		{name: "unknown charset", raw: minimalHeader + "Content-Type: text/plain; charset=x-klingon\r\nContent-Transfer-Encoding: 8bit\r\n\r\nYes \xe9\xff"},
		{name: "boundary never closed", raw: minimalHeader + "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nYes" + rep("\r\nline", 100000)},
		{name: "many quote lines", raw: minimalHeader + "\r\nYes\r\n" + rep("> On Tue, 3 Mar 2026 at 09:14, Ann <a@b> wrote:\r\n", 50000)},
		{name: "invalid utf-8 everywhere", raw: "From: \xff\xfe <ann@example.com>\r\nSubject: \xc3\x28\r\n\r\n\xff Yes \xc3\x28",
			check: func(t *testing.T, msg *Message, err error) {
				if err != nil || msg.Subject != "Ã(" || msg.Text != "ÿ Yes Ã(" {
					t.Errorf("err %v; subject %q, text %q: want Windows-1252 read", err, msg.Subject, msg.Text)
				}
			}},
	}
}
