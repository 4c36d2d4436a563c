package matching

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/programme"
)

const (
	seniorSide = iota
	juniorSide
)

var sideName = [2]string{"senior", "junior"}

// person is a participant with everything matching compares reduced to
// small integers and bit sets, so scoring millions of pairs is cheap.
type person struct {
	programme.Participant
	email    string
	side     int
	idx      int // position among the seniors or among the juniors
	capacity int // juniors: seniors they may mentor

	dept, div, loc int32 // interned, lower-cased; -1 unknown
	level          int
	langs          bitset
	topics         bitset
	topicCount     int
	topicList      []topic // in this person's order and wording
	tzOffset       int     // seconds east of UTC at Input.At
	tzKnown        bool
	diversity      []int32 // value of each diversity attribute; -1 unknown
}

// label names a person for a coordinator: "Ana Silva <ana@example.org>".
func (p *person) label() string {
	if p.Name == "" {
		return p.email
	}
	return p.Name + " <" + p.email + ">"
}

func (p *person) langNames() string {
	if len(p.Languages) == 0 {
		return "no language given"
	}
	out := make([]string, len(p.Languages))
	for i, l := range p.Languages {
		out[i] = capitalise(l)
	}
	return orList(out)
}

// topic is an interned topic and how this person wrote it.
type topic struct {
	id   int
	name string
}

// bitset is a small set of interned ids.
type bitset []uint64

func (b *bitset) add(id int) {
	for len(*b) <= id/64 {
		*b = append(*b, 0)
	}
	(*b)[id/64] |= 1 << (id % 64)
}

func (b bitset) has(id int) bool { return id/64 < len(b) && b[id/64]&(1<<(id%64)) != 0 }

// meets reports whether the sets share an element.
func (b bitset) meets(c bitset) bool {
	for i := range min(len(b), len(c)) {
		if b[i]&c[i] != 0 {
			return true
		}
	}
	return false
}

// common counts the shared elements.
func (b bitset) common(c bitset) int {
	n := 0
	for i := range min(len(b), len(c)) {
		n += bits.OnesCount64(b[i] & c[i])
	}
	return n
}

// interner gives each distinct (normalised) string a small id.
type interner struct {
	ids   map[string]int32
	names []string
}

func (in *interner) id(s string) int32 {
	k := normWord(s)
	if k == "" {
		return -1
	}
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	id, ok := in.ids[k]
	if !ok {
		id = int32(len(in.names))
		in.ids[k] = id
		in.names = append(in.names, k)
	}
	return id
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// orList writes "a", "a or b", "a, b or c".
func orList(items []string) string { return joinList(items, "or") }

// andList writes "a", "a and b", "a, b and c".
func andList(items []string) string { return joinList(items, "and") }

func joinList(items []string, word string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + word + " " + items[len(items)-1]
}
