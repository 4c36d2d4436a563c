package token

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/ids"
)

var linkNow = time.Date(2027, 3, 1, 15, 4, 5, 0, time.UTC)

func TestLinkRoundTrip(t *testing.T) {
	s, _ := NewSigner(key)
	end := time.Date(2027, 5, 25, 0, 0, 0, 0, time.UTC)
	tests := []Link{
		{Ref: Ref{Purpose: PurposeAnswer, ProgrammeID: ids.New(), ParticipantID: ids.New(), PairID: ids.New(), Kind: KindCheckIn, Cycle: 255}, Answer: 7, Expires: end},
		{Ref: Ref{Purpose: PurposeAnswer, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindWelcome}, Answer: 255, Expires: end},
		{Ref: Ref{Purpose: PurposePage, ProgrammeID: ids.New(), ParticipantID: ids.New(), Kind: KindAck}, Expires: end},
	}
	for _, l := range tests {
		tok, err := s.SignLink(l)
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 74 || strings.ToLower(tok) != tok {
			t.Errorf("token %q: want 74 lower-case characters", tok)
		}
		got, err := s.VerifyLink(strings.ToUpper(tok), l.Purpose, linkNow)
		if err != nil {
			t.Fatalf("VerifyLink: %v", err)
		}
		if diff := cmp.Diff(l, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

// A link works until its expiry day begins, and never for less time than
// it was signed for: an expiry in the middle of a day is rounded up.
func TestLinkExpiry(t *testing.T) {
	s, _ := NewSigner(key)
	ref := Ref{Purpose: PurposePage, ProgrammeID: ids.New(), ParticipantID: ids.New()}
	tok, err := s.SignLink(Link{Ref: ref, Expires: time.Date(2027, 6, 10, 9, 30, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	midnight := time.Date(2027, 6, 11, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		now  time.Time
		want error
	}{
		{time.Date(2027, 6, 10, 9, 30, 0, 0, time.UTC), nil},
		{midnight.Add(-time.Nanosecond), nil},
		{midnight, ErrExpired},
		{midnight.AddDate(1, 0, 0), ErrExpired},
	}
	for _, tt := range tests {
		got, err := s.VerifyLink(tok, PurposePage, tt.now)
		if !errors.Is(err, tt.want) {
			t.Errorf("at %s: err = %v, want %v", tt.now, err, tt.want)
		}
		// An expired link still says whose it is, for the page that
		// explains what to do instead.
		if got.ParticipantID != ref.ParticipantID || !got.Expires.Equal(midnight) {
			t.Errorf("at %s: link = %+v, want the participant and expiry %s", tt.now, got, midnight)
		}
	}
}

func TestVerifyLinkRefusesForgeries(t *testing.T) {
	s, _ := NewSigner(key)
	other, _ := NewSigner(bytes.Repeat([]byte{1}, 32))
	l := Link{Ref: Ref{Purpose: PurposeAnswer, ProgrammeID: ids.New(), ParticipantID: ids.New(), PairID: ids.New(), Kind: KindCheckIn, Cycle: 2},
		Answer: 1, Expires: linkNow.AddDate(0, 2, 0)}
	tok, _ := s.SignLink(l)
	forged, _ := other.SignLink(l)
	reply, _ := s.Sign(l.Ref)
	page := l
	page.Purpose = PurposePage
	pageTok, _ := s.SignLink(page)
	// Change one byte and re-encode: the answer, and the expiry pushed out
	// by a year; the MAC must catch both.
	flip := func(i int, by byte) string {
		raw, _ := enc.DecodeString(tok)
		raw[i] ^= by
		return enc.EncodeToString(raw)
	}
	tests := []struct {
		name string
		tok  string
		want error
	}{
		{"another key", forged, ErrBadSignature},
		{"answer changed", flip(27, 3), ErrBadSignature},
		{"expiry changed", flip(29, 0x01), ErrBadSignature},
		{"truncated", tok[:len(tok)-1], ErrMalformed},
		{"lengthened", tok + "a", ErrMalformed},
		{"not base32", strings.Repeat("1", len(tok)), ErrMalformed},
		{"a reply token", reply, ErrMalformed},
		{"a page's token", pageTok, ErrWrongPurpose},
		{"empty", "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.VerifyLink(tt.tok, PurposeAnswer, linkNow); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// Rotating the key as the README says (the new key first, the old one
// kept) keeps links already in people's inboxes working; new links are
// signed with the new key.
func TestLinksSurviveKeyRotation(t *testing.T) {
	before, _ := NewSigner(oldKey)
	after, _ := NewSigner(key, oldKey)
	newOnly, _ := NewSigner(key)
	l := Link{Ref: Ref{Purpose: PurposePage, ProgrammeID: ids.New(), ParticipantID: ids.New()}, Expires: linkNow.AddDate(0, 1, 0)}
	old, _ := before.SignLink(l)
	if _, err := after.VerifyLink(old, PurposePage, linkNow); err != nil {
		t.Errorf("a link signed before the rotation: %v", err)
	}
	fresh, _ := after.SignLink(l)
	if _, err := newOnly.VerifyLink(fresh, PurposePage, linkNow); err != nil {
		t.Errorf("a link signed after the rotation is not signed with the new key: %v", err)
	}
	if _, err := newOnly.VerifyLink(old, PurposePage, linkNow); !errors.Is(err, ErrBadSignature) {
		t.Errorf("once the old key is removed, its links: %v, want a bad signature", err)
	}
}

func TestMadeKnowsEveryGenuineToken(t *testing.T) {
	s, _ := NewSigner(key, oldKey)
	old, _ := NewSigner(oldKey)
	other, _ := NewSigner(bytes.Repeat([]byte{1}, 32))
	ref := Ref{Purpose: PurposeUnsubscribe, ProgrammeID: ids.New(), ParticipantID: ids.New()}
	link := Link{Ref: Ref{Purpose: PurposeAnswer, ProgrammeID: ref.ProgrammeID, ParticipantID: ref.ParticipantID}, Expires: linkNow}
	mine := func(sg *Signer) (string, string) {
		a, _ := sg.Sign(ref)
		b, _ := sg.SignLink(link)
		return a, b
	}
	v1, v2 := mine(s)
	o1, o2 := mine(old)
	x1, x2 := mine(other)
	tests := []struct {
		tok  string
		want bool
	}{
		{v1, true}, {v2, true}, {o1, true}, {o2, true},
		{x1, false}, {x2, false}, {v2[:40], false}, {"", false}, {strings.Repeat("a", 74), false},
	}
	for _, tt := range tests {
		if got := s.Made(tt.tok); got != tt.want {
			t.Errorf("Made(%q) = %v, want %v", tt.tok, got, tt.want)
		}
	}
}

func TestSignLinkRefusesWhatItCannotWrite(t *testing.T) {
	s, _ := NewSigner(key)
	ok := Link{Ref: Ref{Purpose: PurposeAnswer, ProgrammeID: ids.New(), ParticipantID: ids.New()}, Expires: linkNow}
	tests := map[string]func(l *Link){
		"reply purpose":   func(l *Link) { l.Purpose = PurposeReply },
		"cycle too large": func(l *Link) { l.Cycle = 256 },
		"no expiry":       func(l *Link) { l.Expires = time.Time{} },
		"bad id":          func(l *Link) { l.ParticipantID = "x" },
	}
	for name, change := range tests {
		l := ok
		change(&l)
		if _, err := s.SignLink(l); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}
