package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/replies"
)

func init() {
	register(command{
		name:    "parse-reply",
		summary: "parse one raw inbound email offline and print what Upward would record, as JSON",
		usage:   "[--in FILE] [--context checkin|welcome] [--topics \"AI tools|Social media|…\"] [< message.eml]",
		setup: func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
			in := fs.String("in", "", "read the message from `FILE` instead of standard input")
			contextName := fs.String("context", string(replies.CheckIn), "what the reply answers: checkin or welcome")
			topics := fs.String("topics", "", "the programme's topic vocabulary, separated by |, for welcome replies")
			maxBytes := fs.Int("max-bytes", replies.DefaultLimits.MaxMessageBytes, "reject messages larger than `N` bytes")
			return func(ctx context.Context, env *Env) error {
				return parseReply(env, *in, *contextName, *topics, *maxBytes)
			}
		},
	})
}

// parseReplyOutput is the JSON the command prints.
type parseReplyOutput struct {
	Kind          replies.Kind          `json:"kind"`
	KindReason    string                `json:"kind_reason,omitempty"`
	From          string                `json:"from"`
	FromName      string                `json:"from_name,omitempty"`
	SenderProblem string                `json:"sender_problem,omitempty"`
	To            []string              `json:"to"`
	Cc            []string              `json:"cc,omitempty"`
	DeliveredTo   []string              `json:"delivered_to,omitempty"`
	MessageID     string                `json:"message_id"`
	InReplyTo     string                `json:"in_reply_to"`
	References    []string              `json:"references,omitempty"`
	Subject       string                `json:"subject"`
	Date          *time.Time            `json:"date"`
	Text          string                `json:"text"`
	Met           *bool                 `json:"met"`
	Rating        *int                  `json:"rating"`
	Command       *string               `json:"command"`
	Commands      []replies.Instruction `json:"commands"`
	Story         string                `json:"story,omitempty"`
	Thanks        string                `json:"thanks,omitempty"`
	Understood    bool                  `json:"understood"`
	Read          string                `json:"read"`
	Language      string                `json:"language,omitempty"`
	Join          *bool                 `json:"join"`
	Topics        []string              `json:"topics"`
	FreeText      string                `json:"free_text"`
	Bounce        *replies.Bounce       `json:"bounce"`
}

func parseReply(env *Env, in, contextName, topics string, maxBytes int) error {
	var opts replies.Options
	switch replies.Context(contextName) {
	case replies.CheckIn, replies.Welcome:
		opts.Context = replies.Context(contextName)
	default:
		return fmt.Errorf("--context must be checkin or welcome, not %q", contextName)
	}
	for _, t := range strings.Split(topics, "|") {
		if t = strings.TrimSpace(t); t != "" {
			opts.Topics = append(opts.Topics, t)
		}
	}
	if len(env.Args) > 0 {
		return fmt.Errorf("unexpected arguments %q (use --in FILE or standard input)", env.Args)
	}
	var r io.Reader = env.Stdin
	if in != "" {
		f, err := os.Open(in)
		if err != nil {
			return fmt.Errorf("open message: %w", err)
		}
		defer f.Close()
		r = f
	}
	if r == nil {
		return errors.New("no message: give --in FILE or pipe one on standard input")
	}
	// Read one byte past the limit so Parse can say the message is too large.
	raw, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	lim := replies.DefaultLimits
	lim.MaxMessageBytes = maxBytes
	msg, err := replies.Parse(raw, lim)
	if err != nil {
		return fmt.Errorf("parse message: %w", err)
	}
	out := parseReplyOutput{
		Kind: msg.Kind, KindReason: msg.KindReason,
		From: msg.From, FromName: msg.FromName, SenderProblem: msg.SenderProblem,
		To: nonNil(msg.To), Cc: msg.Cc, DeliveredTo: msg.DeliveredTo,
		MessageID: msg.MessageID, InReplyTo: msg.InReplyTo, References: msg.References,
		Subject:  msg.Subject,
		Text:     msg.TrimmedText(),
		Topics:   []string{},
		Commands: []replies.Instruction{},
		Bounce:   msg.Bounce,
	}
	if !msg.Date.IsZero() {
		out.Date = &msg.Date
	}
	// Only a person's reply carries answers; an auto-reply's "I'm out until
	// the 3rd" is not a rating.
	if msg.Kind == replies.KindReply {
		a := replies.Understand(out.Text, opts)
		out.Met, out.Rating, out.Join, out.FreeText = a.Met, a.Rating, a.Join, a.FreeText
		if a.Command != "" {
			c := string(a.Command)
			out.Command = &c
		}
		out.Topics = nonNil(a.Topics)
		if a.Commands != nil {
			out.Commands = a.Commands
		}
		out.Story, out.Thanks, out.Understood, out.Read, out.Language = a.Story, a.Thanks, a.Understood(), a.Read, a.Language
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
