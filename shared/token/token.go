// Package token signs the references Upward puts in reply addresses and
// links, so an inbound reply or a one-click unsubscribe proves which
// participant, pair and email it answers without a lookup table, and cannot
// be forged or altered.
//
// # Format
//
// A token is 35 bytes written in lower-case base32 (56 characters), so that
// "reply+<token>@domain" fits the 64-character limit on the local part of
// an address and survives mail systems that change the case of addresses:
//
//	byte 0       version (high 4 bits) and purpose (low 4 bits)
//	bytes 1-8    programme id
//	bytes 9-16   participant id
//	bytes 17-24  pair id (zero when the email is not about a pair; for
//	             KindPublication, the publication's id)
//	byte 25      kind of email answered (welcome, check-in, ...)
//	byte 26      cycle (which check-in, which resend)
//	bytes 27-34  HMAC-SHA256 of bytes 0-26, truncated to 64 bits
//
// 64 bits of MAC make forging a token a matter of 2^63 attempts on average,
// each of which costs the attacker an email. Several keys may be given: the
// first signs and all verify, so the secret can be rotated.
//
// One-click answers and a person's own page use links of a second format
// with an answer, an expiry and a longer MAC (link.go).
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/upward-mentoring/upward/shared/ids"
)

// Purpose says what a token may be used for; a token made for one purpose is
// refused for another.
type Purpose byte

const (
	PurposeReply       Purpose = 1
	PurposeUnsubscribe Purpose = 2
)

// Kind is the kind of email a token was issued with.
type Kind byte

const (
	KindWelcome Kind = iota + 1
	KindIntro
	KindCheckIn
	KindNudge
	KindMidpoint
	KindClosing
	KindAck
	KindRoundEnd
	// KindGoal: the email that asks what someone wants from a pairing.
	KindGoal
	// KindRecognition: the email that asks a junior whether their manager
	// may hear what their mentoring changed.
	KindRecognition
	// KindStoryConsent: the email that asks a partner whether a story about
	// their pairing may be shown to the coordinators.
	KindStoryConsent
	// KindPublication: the email that asks a story's teller (and partner)
	// whether its anonymised text may be published. Its pair id is the
	// publication's id and its cycle the text's version, so a YES counts
	// for exactly the text it quoted.
	KindPublication
)

var kindNames = map[Kind]string{
	KindWelcome: "welcome", KindIntro: "intro", KindCheckIn: "checkin", KindNudge: "nudge",
	KindMidpoint: "midpoint", KindClosing: "closing", KindAck: "ack", KindRoundEnd: "round_end",
	KindGoal: "goal", KindRecognition: "recognition", KindStoryConsent: "story_consent", KindPublication: "publication",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", byte(k))
}

// Ref is what a token refers to.
type Ref struct {
	Purpose       Purpose
	ProgrammeID   string
	ParticipantID string
	PairID        string // empty when not about a pair
	Kind          Kind
	Cycle         int // 0..255
}

const (
	version    = 1
	payloadLen = 27
	macLen     = 8
	tokenLen   = payloadLen + macLen
	// MinKeyLen is the shortest secret accepted.
	MinKeyLen = 32
	// ReplyPrefix starts every reply address's local part.
	ReplyPrefix = "reply+"
)

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Errors Verify returns.
var (
	ErrMalformed    = errors.New("token malformed")
	ErrBadSignature = errors.New("token signature does not match")
	ErrWrongPurpose = errors.New("token issued for another purpose")
)

// Signer signs and verifies tokens.
type Signer struct {
	keys [][]byte
}

// NewSigner takes the current key first, then any older keys still accepted.
func NewSigner(keys ...[]byte) (*Signer, error) {
	if len(keys) == 0 {
		return nil, errors.New("token: no key")
	}
	for i, k := range keys {
		if len(k) < MinKeyLen {
			return nil, fmt.Errorf("token: key %d is %d bytes, want at least %d", i+1, len(k), MinKeyLen)
		}
	}
	return &Signer{keys: keys}, nil
}

func mac(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("upward-token\x00"))
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

// Sign makes a token for ref.
func (s *Signer) Sign(ref Ref) (string, error) {
	if ref.Purpose == 0 || ref.Purpose > 15 {
		return "", fmt.Errorf("sign: purpose %d out of range", ref.Purpose)
	}
	if ref.Cycle < 0 || ref.Cycle > 255 {
		return "", fmt.Errorf("sign: cycle %d out of range 0..255", ref.Cycle)
	}
	var b [tokenLen]byte
	b[0] = version<<4 | byte(ref.Purpose)
	for i, id := range []string{ref.ProgrammeID, ref.ParticipantID, ref.PairID} {
		if id == "" && i == 2 {
			continue
		}
		raw, err := ids.Bytes(id)
		if err != nil {
			return "", fmt.Errorf("sign: %w", err)
		}
		copy(b[1+8*i:], raw[:])
	}
	b[25] = byte(ref.Kind)
	b[26] = byte(ref.Cycle)
	copy(b[payloadLen:], mac(s.keys[0], b[:payloadLen]))
	return enc.EncodeToString(b[:]), nil
}

// Verify checks a token made for purpose and returns what it refers to.
func (s *Signer) Verify(tok string, purpose Purpose) (Ref, error) {
	tok = strings.ToLower(strings.TrimSpace(tok))
	// Exactly the length Sign writes: base32 without padding would also
	// decode a token with characters added or trimmed at its end.
	if len(tok) != enc.EncodedLen(tokenLen) {
		return Ref{}, ErrMalformed
	}
	raw, err := enc.DecodeString(tok)
	if err != nil || len(raw) != tokenLen {
		return Ref{}, ErrMalformed
	}
	if raw[0]>>4 != version {
		return Ref{}, ErrMalformed
	}
	ok := false
	for _, k := range s.keys {
		if hmac.Equal(raw[payloadLen:], mac(k, raw[:payloadLen])) {
			ok = true
			break
		}
	}
	if !ok {
		return Ref{}, ErrBadSignature
	}
	ref := Ref{Purpose: Purpose(raw[0] & 0x0f), Kind: Kind(raw[25]), Cycle: int(raw[26])}
	if ref.Purpose != purpose {
		return Ref{}, ErrWrongPurpose
	}
	var id [ids.Len]byte
	copy(id[:], raw[1:9])
	ref.ProgrammeID = ids.FromBytes(id)
	copy(id[:], raw[9:17])
	ref.ParticipantID = ids.FromBytes(id)
	copy(id[:], raw[17:25])
	if id != ([ids.Len]byte{}) {
		ref.PairID = ids.FromBytes(id)
	}
	return ref, nil
}

// ReplyAddress is the address a participant replies to: reply+<token>@domain.
func (s *Signer) ReplyAddress(ref Ref, domain string) (string, error) {
	ref.Purpose = PurposeReply
	tok, err := s.Sign(ref)
	if err != nil {
		return "", err
	}
	return ReplyPrefix + tok + "@" + domain, nil
}

// ParseReplyAddress verifies a recipient address on domain and returns its
// reference. Domains compare case-insensitively, as DNS does.
func (s *Signer) ParseReplyAddress(addr, domain string) (Ref, error) {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || !strings.EqualFold(addr[at+1:], domain) {
		return Ref{}, fmt.Errorf("%w: not an address on %s", ErrMalformed, domain)
	}
	local := strings.ToLower(addr[:at])
	if !strings.HasPrefix(local, ReplyPrefix) {
		return Ref{}, fmt.Errorf("%w: no reply token in %q", ErrMalformed, addr)
	}
	return s.Verify(local[len(ReplyPrefix):], PurposeReply)
}

// Secret derives a 256-bit secret, URL-safe, from label with the current
// key. A sign-in link's secret is derived from the link's id this way, so
// that the send job names the link and the sender, which holds the same
// key, writes the secret into the email: no queue message carries it.
func (s *Signer) Secret(label string) string {
	m := hmac.New(sha256.New, s.keys[0])
	m.Write([]byte("upward-secret\x00"))
	m.Write([]byte(label))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// MAC is a short URL-safe signature of label (128 bits) with the current
// key, for links that need no more than proof that Upward made them, such
// as switching off the weekly digest.
func (s *Signer) MAC(label string) string {
	m := hmac.New(sha256.New, s.keys[0])
	m.Write([]byte("upward-mac\x00"))
	m.Write([]byte(label))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// ValidMAC checks a MAC against every key, in constant time.
func (s *Signer) ValidMAC(label, sig string) bool {
	for _, k := range s.keys {
		m := hmac.New(sha256.New, k)
		m.Write([]byte("upward-mac\x00"))
		m.Write([]byte(label))
		if hmac.Equal([]byte(base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])), []byte(sig)) {
			return true
		}
	}
	return false
}

// Hash is how the secrets of sign-in links and sessions are stored: a
// leaked table holds none that works.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
