package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/ids"
)

// Links in emails carry a token of a second format, made for a page
// rather than an address: no 64-character limit applies, so it holds more,
// and since guessing one costs an attacker an HTTP request rather than an
// email, its MAC is twice as long.
//
//	byte 0       version 2 (high 4 bits) and purpose (low 4 bits)
//	bytes 1-8    programme id
//	bytes 9-16   participant id
//	bytes 17-24  pair id (zero when the email is not about a pair)
//	byte 25      kind of email the link came in
//	byte 26      cycle (which check-in, which resend)
//	byte 27      the answer the link stands for (0: none)
//	bytes 28-29  expiry: days from 2020-01-01 UTC, big-endian; the link
//	             works until that day begins
//	bytes 30-45  HMAC-SHA256 of bytes 0-29, truncated to 128 bits
//
// Written in the same lower-case base32 as reply tokens: 74 characters.

// Purposes of link tokens.
const (
	// PurposeAnswer: a one-click answer to the question of one email.
	PurposeAnswer Purpose = 3
	// PurposePage: a person's own page about their programme.
	PurposePage Purpose = 4
)

const (
	linkVersion    = 2
	linkPayloadLen = 30
	linkMACLen     = 16
	linkLen        = linkPayloadLen + linkMACLen
)

// linkEpoch is day 0 of link expiries; 16 bits of days reach 2199.
var linkEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// ErrExpired is a genuine link whose time is over.
var ErrExpired = errors.New("link expired")

// Link is what a link's token refers to: the email it came in (Ref), the
// answer it stands for, and when it stops working.
type Link struct {
	Ref
	// Answer is the choice the link makes, in terms its reader defines
	// (shared/oneclick); 0 for none.
	Answer byte
	// Expires is the instant the link stops working: midnight UTC.
	Expires time.Time
}

func linkMAC(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("upward-link\x00"))
	m.Write(payload)
	return m.Sum(nil)[:linkMACLen]
}

// SignLink makes the token of a link. Its expiry is rounded up to the
// next midnight UTC, so a link never works for less time than asked.
func (s *Signer) SignLink(l Link) (string, error) {
	if l.Purpose != PurposeAnswer && l.Purpose != PurposePage {
		return "", fmt.Errorf("sign link: purpose %d is not a link's", l.Purpose)
	}
	if l.Cycle < 0 || l.Cycle > 255 {
		return "", fmt.Errorf("sign link: cycle %d out of range 0..255", l.Cycle)
	}
	days := l.Expires.Sub(linkEpoch).Hours() / 24
	whole := int(days)
	if float64(whole) < days {
		whole++
	}
	if whole < 1 || whole > 0xffff {
		return "", fmt.Errorf("sign link: expiry %s out of range", l.Expires.Format(time.RFC3339))
	}
	var b [linkLen]byte
	b[0] = linkVersion<<4 | byte(l.Purpose)
	for i, id := range []string{l.ProgrammeID, l.ParticipantID, l.PairID} {
		if id == "" && i == 2 {
			continue
		}
		raw, err := ids.Bytes(id)
		if err != nil {
			return "", fmt.Errorf("sign link: %w", err)
		}
		copy(b[1+8*i:], raw[:])
	}
	b[25], b[26], b[27] = byte(l.Kind), byte(l.Cycle), l.Answer
	binary.BigEndian.PutUint16(b[28:30], uint16(whole))
	copy(b[linkPayloadLen:], linkMAC(s.keys[0], b[:linkPayloadLen]))
	return enc.EncodeToString(b[:]), nil
}

// VerifyLink checks a link's token made for purpose and returns what it
// refers to. The signature is checked before the expiry, so ErrExpired
// means a genuine link, returned with it (its page can speak its owner's
// language), and a changed expiry is a bad signature. Every key verifies:
// a link made before the key was rotated works as long as the old key is
// kept.
func (s *Signer) VerifyLink(tok string, purpose Purpose, now time.Time) (Link, error) {
	tok = strings.ToLower(strings.TrimSpace(tok))
	if len(tok) != enc.EncodedLen(linkLen) {
		return Link{}, ErrMalformed
	}
	raw, err := enc.DecodeString(tok)
	if err != nil || len(raw) != linkLen || raw[0]>>4 != linkVersion {
		return Link{}, ErrMalformed
	}
	ok := false
	for _, k := range s.keys {
		if hmac.Equal(raw[linkPayloadLen:], linkMAC(k, raw[:linkPayloadLen])) {
			ok = true
			break
		}
	}
	if !ok {
		return Link{}, ErrBadSignature
	}
	l := Link{Ref: Ref{Purpose: Purpose(raw[0] & 0x0f), Kind: Kind(raw[25]), Cycle: int(raw[26])}, Answer: raw[27]}
	if l.Purpose != purpose {
		return Link{}, ErrWrongPurpose
	}
	var id [ids.Len]byte
	copy(id[:], raw[1:9])
	l.ProgrammeID = ids.FromBytes(id)
	copy(id[:], raw[9:17])
	l.ParticipantID = ids.FromBytes(id)
	copy(id[:], raw[17:25])
	if id != ([ids.Len]byte{}) {
		l.PairID = ids.FromBytes(id)
	}
	l.Expires = linkEpoch.AddDate(0, 0, int(binary.BigEndian.Uint16(raw[28:30])))
	if !now.Before(l.Expires) {
		return l, ErrExpired
	}
	return l, nil
}

// Made reports whether tok is a genuine token of this signer's, of either
// format and for any purpose: a page handed a token that is not its own
// can then say it is a real link meant for another page, not a broken one.
func (s *Signer) Made(tok string) bool {
	tok = strings.ToLower(strings.TrimSpace(tok))
	var payload, sum []byte
	var sign func(key, payload []byte) []byte
	switch len(tok) {
	case enc.EncodedLen(tokenLen):
		raw, err := enc.DecodeString(tok)
		if err != nil || len(raw) != tokenLen || raw[0]>>4 != version {
			return false
		}
		payload, sum, sign = raw[:payloadLen], raw[payloadLen:], mac
	case enc.EncodedLen(linkLen):
		raw, err := enc.DecodeString(tok)
		if err != nil || len(raw) != linkLen || raw[0]>>4 != linkVersion {
			return false
		}
		payload, sum, sign = raw[:linkPayloadLen], raw[linkPayloadLen:], linkMAC
	default:
		return false
	}
	for _, k := range s.keys {
		if hmac.Equal(sum, sign(k, payload)) {
			return true
		}
	}
	return false
}
