package programme

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// HashEmail is a one-way stand-in for an address: what a private "not
// with" preference keeps of a person whose data was erased, so the rule
// still holds should the same address take part again, while nobody can
// read whom it named.
func HashEmail(addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return hex.EncodeToString(sum[:])
}
