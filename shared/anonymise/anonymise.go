// Package anonymise takes the people out of a story before it goes beyond
// the coordinators: their names, in the forms colleagues write them (full
// name, preferred name, first name, surname, "Noa's"), and the details
// that would point at them (department, division, job title, location,
// email address) are replaced by neutral stand-ins. It is a first draft
// for a person to check, not a guarantee: the coordinator edits it and
// both people read the result before it goes anywhere, so it errs on the
// side of leaving an ordinary word alone ("rose", "will") rather than
// mangling a sentence, and Remaining then points at what is left.
package anonymise

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Person is someone a story may name, and what stands in for their name:
// First at its first mention, Again after it ("a junior mentor", then
// "the junior mentor"), so the reader can tell one person from two.
type Person struct {
	Name, PreferredName string
	Emails              []string
	Title, Department   string
	Division, Location  string
	First, Again        string
}

// Words stand in for the details that point at someone.
type Words struct {
	Department, Place, Title, Address string
}

// term is one identifying word or phrase and what replaces it.
type term struct {
	runes []rune // folded
	// capitals are where the term's words start with a capital: only an
	// occurrence with capitals there is it ("Rose" the person, not "rose"
	// the flower; "Rose Will", not "Rose will"). acronym: written all in
	// capitals, so only an all-capitals occurrence is it ("IT" the
	// department, not "it").
	capitals []int
	acronym  bool
	person   int // index of the person named, or -1 for a detail
	with     string
	original string
}

// particles are the parts of a surname that are words of their own: they
// are replaced with the surname, never alone.
var particles = map[string]bool{"van": true, "von": true, "de": true, "der": true, "den": true, "del": true, "della": true, "di": true,
	"da": true, "das": true, "dos": true, "du": true, "la": true, "le": true, "ten": true, "ter": true, "al": true, "el": true, "bin": true, "ibn": true, "mac": true, "st": true}

// terms lists what identifies people, longest first, so "Noa Cohen" is
// replaced as one name before "Noa" or "Cohen" alone could be.
func terms(people []Person, w Words) []term {
	var out []term
	seen := map[string]bool{}
	add := func(s string, person int, with string) {
		s = strings.TrimSpace(s)
		rs := foldAll(s)
		if utf8.RuneCountInString(s) < 2 || with == "" || seen[string(rs)] {
			return
		}
		seen[string(rs)] = true
		out = append(out, term{runes: rs, capitals: capitals(s), acronym: isAcronym(s), person: person, with: with, original: s})
	}
	// Emails and names come first: where a detail is also someone's name
	// (a surname "London"), the person's stand-in reads better.
	for _, p := range people {
		for _, e := range p.Emails {
			add(e, -1, w.Address)
		}
	}
	for i, p := range people {
		for _, n := range nameForms(p) {
			add(n, i, p.First)
		}
	}
	for _, p := range people {
		add(p.Title, -1, w.Title)
		add(p.Department, -1, w.Department)
		add(p.Division, -1, w.Department)
		add(p.Location, -1, w.Place)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].runes) > len(out[j].runes) })
	return out
}

// nameForms are the ways a colleague writes someone's name: in full, the
// name they go by, the first name, and the surname with its particles
// ("van Dijk") and without ("Dijk").
func nameForms(p Person) []string {
	out := []string{p.Name, p.PreferredName}
	for _, n := range []string{p.Name, p.PreferredName} {
		words := strings.Fields(n)
		if len(words) < 2 {
			continue
		}
		out = append(out, words[0], strings.Join(words[1:], " "), words[len(words)-1])
		for _, w := range words[1 : len(words)-1] {
			out = append(out, w) // a middle name, a first surname ("María", "García Márquez")
		}
	}
	var kept []string
	for _, n := range out {
		if !particles[strings.ToLower(n)] {
			kept = append(kept, n)
		}
	}
	return kept
}

// capitals are the positions, in runes, of the capitals that start s's words.
func capitals(s string) []int {
	var out []int
	start := true
	for i, r := range []rune(s) {
		if start && unicode.IsUpper(r) {
			out = append(out, i)
		}
		start = !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return out
}

func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters >= 2
}

// match is one occurrence of a term in the text, in runes.
type match struct {
	start, end int
	t          *term
}

// find lists the non-overlapping occurrences of the terms, leftmost first
// and, where two start together, the longer. loose finds every occurrence
// whatever its case (for Remaining); otherwise a capitalised term is
// only found capitalised and an acronym only in capitals.
func find(text []rune, ts []term, loose bool) []match {
	folded := make([]rune, len(text))
	for i, r := range text {
		folded[i] = foldRune(r)
	}
	var all []match
	for i := range ts {
		t := &ts[i]
		n := len(t.runes)
		for start := 0; start+n <= len(folded); start++ {
			if !equal(folded[start:start+n], t.runes) || !boundary(text, start-1) || !boundary(text, start+n) {
				continue
			}
			if !loose && !caseFits(text[start:start+n], t) {
				continue
			}
			all = append(all, match{start, start + n, t})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].start != all[j].start {
			return all[i].start < all[j].start
		}
		return all[i].end > all[j].end
	})
	var out []match
	end := 0
	for _, m := range all {
		if m.start >= end {
			out = append(out, m)
			end = m.end
		}
	}
	return out
}

func caseFits(occ []rune, t *term) bool {
	switch {
	case t.acronym:
		for _, r := range occ {
			if unicode.IsLetter(r) && !unicode.IsUpper(r) {
				return false
			}
		}
		return true
	}
	for _, i := range t.capitals {
		if !unicode.IsUpper(occ[i]) {
			return false
		}
	}
	return true
}

func equal(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// boundary reports whether position i (just outside a match) ends a word:
// the text's edge, or anything but a letter or digit. An apostrophe is a
// boundary, so "Noa's" is Noa's.
func boundary(text []rune, i int) bool {
	if i < 0 || i >= len(text) {
		return true
	}
	r := text[i]
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

// Text replaces the people's names and details in text. People are given
// most likely named first: in a first-person story that is the partner, so
// where two people share a name part, the partner's stand-in is used.
func Text(text string, people []Person, w Words) string {
	rs := []rune(text)
	ms := find(rs, terms(people, w), false)
	mentioned := map[int]bool{}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(string(rs[last:m.start]))
		with := m.t.with
		if p := m.t.person; p >= 0 {
			if mentioned[p] && people[p].Again != "" {
				with = people[p].Again
			}
			mentioned[p] = true
		}
		if sentenceStart(rs, m.start) {
			with = capitalise(with)
		}
		b.WriteString(with)
		last = m.end
	}
	b.WriteString(string(rs[last:]))
	return b.String()
}

// Remaining lists, as enrolled, the names and details still in text in any
// case ("noa", "FINANCE"): what a person should look at before it is
// shared.
func Remaining(text string, people []Person, w Words) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range find([]rune(text), terms(people, w), true) {
		if !seen[m.t.original] {
			seen[m.t.original] = true
			out = append(out, m.t.original)
		}
	}
	return out
}

// sentenceStart reports whether a stand-in at i begins a sentence (after
// any opening quotes), so it is written with a capital.
func sentenceStart(rs []rune, i int) bool {
	for i--; i >= 0; i-- {
		switch r := rs[i]; {
		case r == ' ' || r == '\t' || strings.ContainsRune("\"'“‘«(¡¿", r):
			continue
		case r == '\n' || r == '.' || r == '!' || r == '?':
			return true
		default:
			return false
		}
	}
	return true
}

func capitalise(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			return s[:i] + string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
		}
	}
	return s
}

// foldRune is a rune without case or accents ("Ñ" → "n"), one rune for
// one, so positions in the folded text are positions in the original.
func foldRune(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u02bc':
		return '\''
	}
	if r >= utf8.RuneSelf {
		if d := norm.NFD.String(string(r)); d != "" {
			r, _ = utf8.DecodeRuneInString(d)
		}
	}
	return unicode.ToLower(r)
}

func foldAll(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return rs
}
