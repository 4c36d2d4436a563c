// Package ids makes the identifiers of programmes, participants and pairs:
// 8 random bytes as 16 lower-case hex digits, short enough that a reply
// address can carry several of them inside the 64-character local part.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Len is the length of an id in bytes.
const Len = 8

// New returns a fresh random id.
func New() string {
	var b [Len]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Bytes decodes an id.
func Bytes(id string) ([Len]byte, error) {
	var b [Len]byte
	if len(id) != 2*Len {
		return b, fmt.Errorf("id %q: want %d hex digits", id, 2*Len)
	}
	if _, err := hex.Decode(b[:], []byte(id)); err != nil {
		return b, fmt.Errorf("id %q: %w", id, err)
	}
	return b, nil
}

// Valid reports whether s is a well-formed id.
func Valid(s string) bool {
	_, err := Bytes(s)
	return err == nil
}

// FromBytes encodes raw id bytes.
func FromBytes(b [Len]byte) string { return hex.EncodeToString(b[:]) }
