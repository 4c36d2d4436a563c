package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const checkInReply = "From: Ann Example <ann@example.com>\r\n" +
	"To: Upward <reply+k7Qm2xw9@upward.example>\r\n" +
	"Subject: Re: Check-in\r\n" +
	"Date: Tue, 3 Mar 2026 10:02:41 +0100\r\n" +
	"Message-ID: <a1@example.com>\r\n" +
	"In-Reply-To: <checkin.1@upward.example>\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Yes, 4. We met on Tuesday.\r\n\r\n" +
	"On Tue, 3 Mar 2026 at 09:14, Upward <reply+k7Qm2xw9@upward.example> wrote:\r\n" +
	"> Did you meet? How valuable was it, from 1 to 5?\r\n"

func runParseReply(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code = run(context.Background(), append([]string{"parse-reply"}, args...), env)
	return code, out.String(), errOut.String()
}

func TestParseReplyStdin(t *testing.T) {
	code, stdout, stderr := runParseReply(t, checkInReply)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout)
	}
	want := map[string]any{
		"kind": "reply", "from": "ann@example.com", "from_name": "Ann Example",
		"to": []any{"reply+k7Qm2xw9@upward.example"}, "message_id": "a1@example.com", "in_reply_to": "checkin.1@upward.example",
		"subject": "Re: Check-in", "date": "2026-03-03T10:02:41+01:00",
		"text": "Yes, 4. We met on Tuesday.", "met": true, "rating": float64(4), "command": nil,
		"join": nil, "topics": []any{}, "free_text": "We met on Tuesday.", "bounce": nil,
		"commands": []any{}, "understood": true, "read": "Yes, 4. We met on Tuesday.", "language": "en",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseReplyFileWelcome(t *testing.T) {
	code, stdout, stderr := runParseReply(t, "", "--in", "../../shared/replies/testdata/corpus/welcome_join_numbers.eml",
		"--context", "welcome", "--topics", "AI tools|Social media|Gen Z workplace expectations|Remote collaboration|Podcasting")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got struct {
		Kind   string   `json:"kind"`
		Join   *bool    `json:"join"`
		Topics []string `json:"topics"`
		Met    *bool    `json:"met"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "reply" || got.Join == nil || !*got.Join || got.Met != nil ||
		!cmp.Equal(got.Topics, []string{"AI tools", "Gen Z workplace expectations"}) {
		t.Errorf("got %+v", got)
	}
}

func TestParseReplyBounce(t *testing.T) {
	code, stdout, stderr := runParseReply(t, "", "--in", "../../shared/replies/testdata/corpus/bounce_postfix.eml")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got struct {
		Kind   string `json:"kind"`
		Met    *bool  `json:"met"`
		Bounce *struct {
			Recipient string `json:"recipient"`
			Status    string `json:"status"`
			Permanent bool   `json:"permanent"`
		} `json:"bounce"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "bounce" || got.Met != nil || got.Bounce == nil || got.Bounce.Recipient != "nobody@contoso.example" ||
		got.Bounce.Status != "5.1.1" || !got.Bounce.Permanent {
		t.Errorf("got %+v (bounce %+v)", got, got.Bounce)
	}
}

func TestParseReplyErrors(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"too large", checkInReply, []string{"--max-bytes", "100"}, 1, "message too large"},
		{"no sender", "Subject: x\r\n\r\nYes", nil, 1, "no sender"},
		{"bad context", checkInReply, []string{"--context", "survey"}, 1, "--context must be checkin or welcome"},
		{"missing file", "", []string{"--in", "/nonexistent/message.eml"}, 1, "open message"},
		{"stray argument", checkInReply, []string{"message.eml"}, 1, "unexpected arguments"},
		{"unknown flag", checkInReply, []string{"--nope"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runParseReply(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tt.code, tt.stderr)
			}
		})
	}
}

func TestParseReplyHelp(t *testing.T) {
	code, stdout, _ := runParseReply(t, "", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"upward parse-reply", "-in FILE", "-context", "-topics", "-max-bytes N"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
}

// TestParseReplyCommandsAndSender: every command with its words, the
// explicit thanks, and a From header that names two people.
func TestParseReplyCommandsAndSender(t *testing.T) {
	msg := strings.Replace(checkInReply, "From: Ann Example <ann@example.com>", "From: Ann Example <ann@example.com>, Eve <eve@evil.example>", 1)
	msg = strings.Replace(msg, "Yes, 4. We met on Tuesday.", "YES 4\r\nSTORY: we built a podcast.\r\n\r\nTHANKS Sam, for your patience.", 1)
	code, stdout, stderr := runParseReply(t, msg)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got struct {
		SenderProblem string `json:"sender_problem"`
		Commands      []struct {
			Command string `json:"command"`
			Text    string `json:"text"`
		} `json:"commands"`
		Story  string `json:"story"`
		Thanks string `json:"thanks"`
		Met    *bool  `json:"met"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.SenderProblem == "" || got.Story != "we built a podcast." || got.Thanks != "Sam, for your patience." ||
		len(got.Commands) != 2 || got.Met == nil || !*got.Met {
		t.Errorf("got %+v", got)
	}
}
