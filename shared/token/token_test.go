package token

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/ids"
)

var (
	key    = bytes.Repeat([]byte{7}, 32)
	oldKey = bytes.Repeat([]byte{9}, 32)
)

func TestRoundTrip(t *testing.T) {
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []Ref{
		{Purpose: PurposeReply, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindWelcome},
		{Purpose: PurposeReply, ProgrammeID: ids.New(), ParticipantID: ids.New(), PairID: ids.New(), Kind: KindCheckIn, Cycle: 255},
		{Purpose: PurposeUnsubscribe, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindNudge, Cycle: 3},
	}
	for _, ref := range tests {
		tok, err := s.Sign(ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 56 || strings.ToLower(tok) != tok {
			t.Errorf("token %q: want 56 lower-case characters", tok)
		}
		got, err := s.Verify(strings.ToUpper(tok), ref.Purpose) // case-folded by a mail system
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if diff := cmp.Diff(ref, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

func TestReplyAddressFitsAndVerifies(t *testing.T) {
	s, _ := NewSigner(key)
	ref := Ref{ProgrammeID: ids.New(), ParticipantID: ids.New(), PairID: ids.New(), Kind: KindCheckIn, Cycle: 4}
	addr, err := s.ReplyAddress(ref, "mentoring.example.org")
	if err != nil {
		t.Fatal(err)
	}
	local := addr[:strings.IndexByte(addr, '@')]
	if len(local) > 64 {
		t.Errorf("local part %q is %d characters; SMTP allows 64", local, len(local))
	}
	got, err := s.ParseReplyAddress(strings.ToUpper(addr[:10])+addr[10:], "Mentoring.Example.org")
	if err != nil {
		t.Fatal(err)
	}
	ref.Purpose = PurposeReply
	if diff := cmp.Diff(ref, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestVerifyRefusesForgeries(t *testing.T) {
	s, _ := NewSigner(key)
	other, _ := NewSigner(bytes.Repeat([]byte{1}, 32))
	ref := Ref{Purpose: PurposeReply, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindWelcome}
	tok, _ := s.Sign(ref)
	forged, _ := other.Sign(ref)

	// Flip one bit in the participant id and re-encode: the MAC must catch it.
	raw, _ := enc.DecodeString(tok)
	raw[10] ^= 1
	tampered := enc.EncodeToString(raw)

	tests := []struct {
		name    string
		tok     string
		purpose Purpose
		want    error
	}{
		{"signed with another key", forged, PurposeReply, ErrBadSignature},
		{"one bit changed", tampered, PurposeReply, ErrBadSignature},
		{"truncated", tok[:40], PurposeReply, ErrMalformed},
		{"not base32", strings.Repeat("!", 56), PurposeReply, ErrMalformed},
		{"empty", "", PurposeReply, ErrMalformed},
		{"reply token used to unsubscribe", tok, PurposeUnsubscribe, ErrWrongPurpose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Verify(tt.tok, tt.purpose); !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := s.ParseReplyAddress("reply+"+tok+"@evil.example", "mentoring.example.org"); !errors.Is(err, ErrMalformed) {
		t.Errorf("address on another domain: err = %v, want ErrMalformed", err)
	}
}

func TestKeyRotation(t *testing.T) {
	old, _ := NewSigner(oldKey)
	rotated, _ := NewSigner(key, oldKey)
	ref := Ref{Purpose: PurposeReply, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindIntro}
	tok, _ := old.Sign(ref)
	if _, err := rotated.Verify(tok, PurposeReply); err != nil {
		t.Errorf("token signed with the previous key: %v, want accepted", err)
	}
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Error("NewSigner accepted a 5-byte key")
	}
}

func TestOnlyTokensOfTheIssuedLengthAreAccepted(t *testing.T) {
	s, err := NewSigner(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ref := Ref{Purpose: PurposeReply, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindCheckIn, Cycle: 2}
	tok, err := s.Sign(ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(tok, PurposeReply); err != nil {
		t.Fatalf("the token as issued: %v", err)
	}
	for name, bad := range map[string]string{
		"one character more": tok + "a",
		"padding added":      tok + "====",
		"one character less": tok[:len(tok)-1],
		"doubled":            tok + tok,
	} {
		if _, err := s.Verify(bad, PurposeReply); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}
