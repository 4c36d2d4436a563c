package replies

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// folded is text made easy to match: lower case, accents removed, curly
// quotes and dashes made plain. orig maps each byte of s back to the byte
// of the original text it came from, so a match can be cut out of the
// original.
type folded struct {
	s    string
	orig []int // len(s)+1 entries
}

func fold(text string) folded {
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	var buf [utf8.UTFMax * 4]byte
	for i, r := range text {
		out := foldRune(r, buf[:0])
		for range out {
			orig = append(orig, i)
		}
		b.Write(out)
	}
	orig = append(orig, len(text))
	return folded{s: b.String(), orig: orig}
}

// span maps a byte range of the folded text to the original text.
func (f folded) span(start, end int) (int, int) {
	return f.orig[start], f.orig[end]
}

func foldRune(r rune, dst []byte) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	switch r {
	case '\u2018', '\u2019', '\u02bc', '\u00b4', '`':
		return append(dst, '\'')
	case '\u201c', '\u201d', '\u00ab', '\u00bb':
		return append(dst, '"')
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return append(dst, '-')
	case '\u00a0', '\u202f', '\u2007':
		return append(dst, ' ')
	case 'ß':
		return append(dst, 's', 's')
	case 'ı':
		return append(dst, 'i')
	case 'ł', 'Ł':
		return append(dst, 'l')
	case 'ø', 'Ø':
		return append(dst, 'o')
	}
	r = unicode.ToLower(r)
	// Decompose and drop combining marks: "é" → "e", "ã" → "a".
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	var it norm.Iter
	it.Init(norm.NFD, tmp[:n])
	start := len(dst)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			c, size := utf8.DecodeRune(seg)
			if !unicode.Is(unicode.Mn, c) {
				dst = utf8.AppendRune(dst, c)
			}
			seg = seg[size:]
		}
	}
	if len(dst) == start {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
