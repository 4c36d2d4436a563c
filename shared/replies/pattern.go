package replies

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is a regular expression that first checks, cheaply, whether a
// string can match at all. Most patterns here are long lists of phrases
// ("we met", "nos vimos", …) or header words, and most lines and replies
// contain none of them: finding that out with a few substring searches
// costs a fraction of running the expression, which Go runs without a DFA,
// so its cost grows with the number of alternatives at every byte.
//
// The check is derived from the expression itself (see required): it
// never rejects a string the expression matches, so a pattern behaves
// exactly like its *regexp.Regexp.
type pattern struct {
	re *regexp.Regexp
	// all must each be satisfied by the string: every match contains one
	// of each set's strings.
	all []litSet
	// scans[i], when not nil, finds all[i]'s strings in one pass.
	scans []*litScan
	// lead, when set, holds the strings every match starts with, so
	// MatchString tries the expression only where one of them occurs:
	// anchored is the expression held to start where it is run.
	lead     litSet
	leadScan *litScan
	anchored *regexp.Regexp
}

// litSet is satisfied when the string contains one of its entries.
type litSet []lit

type lit struct {
	s    string
	mode litMode
	// leads: for litFoldUnicode, the first bytes of the first rune's case
	// variants, where a match can start.
	leads string
}

type litMode uint8

const (
	litExact litMode = iota
	// litFoldASCII: ASCII letters compare without case, other bytes
	// exactly (s holds only ASCII and caseless runes, in lower case).
	litFoldASCII
	// litFoldUnicode: runes compare under simple Unicode case folding,
	// as (?i) does.
	litFoldUnicode
	// litAnyRune: one of the runes in s.
	litAnyRune
)

func mustPattern(expr string) *pattern {
	p := &pattern{re: regexp.MustCompile(expr)}
	if t, err := syntax.Parse(expr, syntax.Perl); err == nil {
		p.all = required(t)
		// Cheapest first: a set of a few characters (":") is checked in
		// one pass and often settles it.
		sort.SliceStable(p.all, func(i, j int) bool { return len(p.all[i]) < len(p.all[j]) })
		p.lead = leadingSet(t)
		for _, set := range p.all {
			p.scans = append(p.scans, newLitScan(set))
		}
		p.leadScan = newLitScan(p.lead)
		if p.lead != nil {
			p.anchored = regexp.MustCompile(`\A(?:` + expr + `)`)
		}
	}
	allPatterns = append(allPatterns, p)
	return p
}

// allPatterns lists every pattern, for the test that holds each check to
// its expression.
var allPatterns []*pattern

// String returns the expression.
func (p *pattern) String() string { return p.re.String() }

// possible reports whether s may match: false means it cannot.
func (p *pattern) possible(s string) bool {
	for i, set := range p.all {
		if sc := p.scans[i]; sc != nil {
			if sc.index(s) < 0 {
				return false
			}
		} else if !set.in(s) {
			return false
		}
	}
	return true
}

func (p *pattern) MatchString(s string) bool {
	if !p.possible(s) {
		return false
	}
	if p.lead == nil {
		return p.re.MatchString(s)
	}
	// A match starts where a lead string does: try the expression there
	// only, instead of at every byte (Go's engines have no DFA, so each
	// start costs a pass over the alternatives).
	for from := 0; from < len(s); {
		var k int
		if p.leadScan != nil {
			k = p.leadScan.index(s[from:])
		} else {
			k = p.lead.index(s[from:])
		}
		if k < 0 {
			return false
		}
		if p.anchored.MatchString(s[from+k:]) {
			return true
		}
		from += k + 1
	}
	return false
}

func (p *pattern) FindStringIndex(s string) []int {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindStringIndex(s)
}

func (p *pattern) FindString(s string) string {
	if !p.possible(s) {
		return ""
	}
	return p.re.FindString(s)
}

func (p *pattern) FindStringSubmatchIndex(s string) []int {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindStringSubmatchIndex(s)
}

func (p *pattern) FindAllString(s string, n int) []string {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindAllString(s, n)
}

func (p *pattern) FindAllStringIndex(s string, n int) [][]int {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindAllStringIndex(s, n)
}

func (p *pattern) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindAllStringSubmatchIndex(s, n)
}

func (p *pattern) FindStringSubmatch(s string) []string {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindStringSubmatch(s)
}

func (p *pattern) FindAllStringSubmatch(s string, n int) [][]string {
	if !p.possible(s) {
		return nil
	}
	return p.re.FindAllStringSubmatch(s, n)
}

func (p *pattern) ReplaceAllString(s, repl string) string {
	if !p.possible(s) {
		return s
	}
	return p.re.ReplaceAllString(s, repl)
}

func (p *pattern) ReplaceAllStringFunc(s string, f func(string) string) string {
	if !p.possible(s) {
		return s
	}
	return p.re.ReplaceAllStringFunc(s, f)
}

func (set litSet) in(s string) bool {
	for _, l := range set {
		if l.in(s) {
			return true
		}
	}
	return false
}

// litScan finds a large set's strings in one pass over the text, looking
// only at the entries that start with each byte, where searching for each
// entry in turn would pass over the text once per entry.
type litScan struct {
	byFirst [256][]lit
	// foldKS: an entry folds a "k" or "s", which the Kelvin sign and the
	// long s also fold to; text holding either is let through.
	foldKS bool
}

// minScanSet: smaller sets are searched entry by entry (with the
// vectorised byte search, which is faster for a few).
const minScanSet = 5

func newLitScan(set litSet) *litScan {
	if len(set) < minScanSet {
		return nil
	}
	sc := &litScan{}
	add := func(b byte, l lit) {
		for _, x := range sc.byFirst[b] {
			if x == l {
				return
			}
		}
		sc.byFirst[b] = append(sc.byFirst[b], l)
	}
	for _, l := range set {
		switch l.mode {
		case litExact:
			add(l.s[0], l)
		case litFoldASCII:
			add(l.s[0], l)
			if c := l.s[0]; 'a' <= c && c <= 'z' {
				add(c-'a'+'A', l)
			}
			sc.foldKS = sc.foldKS || strings.ContainsAny(l.s, "ks")
		case litFoldUnicode:
			for i := 0; i < len(l.leads); i++ {
				add(l.leads[i], l)
			}
		case litAnyRune:
			for _, r := range l.s {
				add(string(r)[0], lit{s: string(r), mode: litExact})
			}
		}
	}
	return sc
}

// index returns the first offset in s where one of the strings starts,
// or -1 (0 for text with a Kelvin sign or long s when those matter).
func (sc *litScan) index(s string) int {
	if sc.foldKS && (strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")) {
		return 0
	}
	for i := 0; i < len(s); i++ {
		for _, l := range sc.byFirst[s[i]] {
			rest := s[i:]
			switch l.mode {
			case litExact:
				if strings.HasPrefix(rest, l.s) {
					return i
				}
			case litFoldASCII:
				if len(rest) >= len(l.s) && equalFoldASCII(rest[:len(l.s)], l.s) {
					return i
				}
			default:
				if hasPrefixFold(rest, l.s) {
					return i
				}
			}
		}
	}
	return -1
}

// index returns the first offset in s where one of the set's strings
// starts, or -1.
func (set litSet) index(s string) int {
	first := -1
	for _, l := range set {
		end := len(s)
		if first >= 0 && l.mode != litFoldUnicode {
			// Only a match starting before first counts; these match as
			// many bytes as they hold (a rune, for a set of runes).
			end = min(len(s), first+len(l.s)+utf8.UTFMax)
		}
		if i := l.index(s[:end]); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// index is the offset of the first match of l in s, or -1. A folded
// ASCII string in text holding a Kelvin sign or long s gives 0.
func (l lit) index(s string) int {
	switch l.mode {
	case litExact:
		return strings.Index(s, l.s)
	case litAnyRune:
		return strings.IndexAny(s, l.s)
	case litFoldASCII:
		if strings.ContainsAny(l.s, "ks") && (strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")) {
			return 0
		}
		return indexFoldASCII(s, l.s)
	default:
		return indexFoldUnicode(s, l.s, l.leads)
	}
}

func (l lit) in(s string) bool {
	switch l.mode {
	case litExact:
		return strings.Contains(s, l.s)
	case litAnyRune:
		return strings.ContainsAny(s, l.s)
	case litFoldASCII:
		return containsFoldASCII(s, l.s)
	default:
		return containsFoldUnicode(s, l.s, l.leads)
	}
}

// indexEither returns the first index of a or b in s, or -1.
func indexEither(s string, a, b byte) int {
	i := strings.IndexByte(s, a)
	if a == b {
		return i
	}
	end := len(s)
	if i >= 0 {
		end = i
	}
	if j := strings.IndexByte(s[:end], b); j >= 0 {
		return j
	}
	return i
}

// containsFoldASCII: lower is lower-case ASCII letters and other bytes
// that compare exactly. The Kelvin sign and the long s fold to "k" and
// "s"; a string holding either is let through.
func containsFoldASCII(s, lower string) bool {
	if indexFoldASCII(s, lower) >= 0 {
		return true
	}
	return strings.ContainsAny(lower, "ks") && (strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f"))
}

// indexFoldASCII is the offset of lower in s, ASCII letters compared
// without case, or -1.
func indexFoldASCII(s, lower string) int {
	n := len(lower)
	if n > len(s) {
		return -1
	}
	c0 := lower[0]
	u0 := c0
	if 'a' <= c0 && c0 <= 'z' {
		u0 = c0 - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		j := indexEither(s[i:len(s)-n+1], c0, u0)
		if j < 0 {
			break
		}
		i += j
		if equalFoldASCII(s[i:i+n], lower) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != lower[i] {
			return false
		}
	}
	return true
}

// containsFoldUnicode reports whether s contains lit under simple case
// folding, rune by rune, as (?i) compares; leads are the bytes a match can
// start with.
func containsFoldUnicode(s, lit, leads string) bool { return indexFoldUnicode(s, lit, leads) >= 0 }

func indexFoldUnicode(s, lit, leads string) int {
	first := -1
	for k := 0; k < len(leads); k++ {
		end := len(s)
		if first >= 0 {
			end = first
		}
		for i := 0; i < end; i++ {
			j := strings.IndexByte(s[i:end], leads[k])
			if j < 0 {
				break
			}
			i += j
			if hasPrefixFold(s[i:], lit) {
				first = i
				break
			}
		}
	}
	return first
}

func hasPrefixFold(s, lit string) bool {
	for _, lr := range lit {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if r != lr && !sameFold(r, lr) {
			return false
		}
		s = s[n:]
	}
	return true
}

func sameFold(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// Bounds on what required derives, so a check stays cheaper than the
// expression it guards.
const (
	maxExactSet   = 64  // strings in a finite set a sub-expression matches
	maxLitSet     = 128 // alternatives in one set
	maxAnyRunes   = 16  // runes in a character class used as a set
	maxRequiredOf = 3   // sets required at once
)

// required returns sets of strings every match must contain (one of each
// set), from the syntax tree: a literal must appear; an alternation needs
// one of its branches' requirements; a concatenation needs all of its
// parts'. A sub-expression that matches a small finite set of strings
// ("(met|meet up|saw each other)") gives that set whole. Nothing is
// required of optional or repeated-from-zero parts.
func required(t *syntax.Regexp) []litSet {
	var exact []litSet
	if set, ok := exactSet(t, 0); ok {
		if s := setOfExact(set, foldsAnywhere(t)); s != nil {
			exact = []litSet{s}
		}
	}
	switch t.Op {
	case syntax.OpLiteral:
		if s := literalSet(t); s != nil {
			return []litSet{s}
		}
	case syntax.OpCharClass:
		if s := classSet(t); s != nil {
			return []litSet{s}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return best(append(exact, required(t.Sub[0])...), maxRequiredOf)
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return required(t.Sub[0])
		}
	case syntax.OpConcat:
		all := exact
		for _, sub := range t.Sub {
			all = append(all, required(sub)...)
		}
		return best(all, maxRequiredOf)
	case syntax.OpAlternate:
		var union litSet
		for _, sub := range t.Sub {
			r := best(required(sub), 1)
			if len(r) == 0 {
				return exact
			}
			union = append(union, r[0]...)
			if len(union) > maxLitSet {
				return exact
			}
		}
		return best(append(exact, union), maxRequiredOf)
	}
	return exact
}

// best keeps the n most selective sets: longer shortest strings first,
// character classes last.
func best(sets []litSet, n int) []litSet {
	score := func(s litSet) int {
		m := 1 << 30
		for _, l := range s {
			v := len(l.s)
			if l.mode == litAnyRune {
				v = 1
			}
			m = min(m, v)
		}
		// Past a few bytes a longer string is hardly more selective, and
		// every entry costs a search.
		return min(m, 6)*1000 - len(s)
	}
	// The same set often comes from several levels of the tree.
	uniq := sets[:0]
	seen := map[string]bool{}
	for _, s := range sets {
		var k strings.Builder
		for _, l := range s {
			k.WriteString(l.s)
			k.WriteByte(0)
			k.WriteByte(byte(l.mode))
		}
		if !seen[k.String()] {
			seen[k.String()] = true
			uniq = append(uniq, s)
		}
	}
	sets = uniq
	for i := 1; i < len(sets); i++ {
		for j := i; j > 0 && score(sets[j]) > score(sets[j-1]); j-- {
			sets[j], sets[j-1] = sets[j-1], sets[j]
		}
	}
	if len(sets) > n {
		sets = sets[:n]
	}
	return sets
}

// leadingSet returns the strings every match starts with, when the
// expression opens with a literal or an alternation of literals (after
// capture groups) and no assertion: then a match can start only where one
// of them does.
func leadingSet(t *syntax.Regexp) litSet {
	for t.Op == syntax.OpCapture {
		t = t.Sub[0]
	}
	if t.Op == syntax.OpConcat {
		t = t.Sub[0]
		for t.Op == syntax.OpCapture {
			t = t.Sub[0]
		}
	}
	if hasAssertion(t) {
		return nil
	}
	set, ok := exactSet(t, 0)
	if !ok {
		return nil
	}
	return setOfExact(set, foldsAnywhere(t))
}

func hasAssertion(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return true
	}
	for _, s := range t.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

// exactSet returns the finite set of strings t matches (zero-width
// assertions match ""), when it is small. depth bounds the recursion.
func exactSet(t *syntax.Regexp, depth int) ([]string, bool) {
	if depth > 20 {
		return nil, false
	}
	switch t.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{string(t.Rune)}, true
	case syntax.OpCharClass:
		if t.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		var out []string
		for i := 0; i+1 < len(t.Rune); i += 2 {
			if t.Rune[i+1]-t.Rune[i] > 3 {
				return nil, false
			}
			for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0 && len(out) <= 4
	case syntax.OpCapture:
		return exactSet(t.Sub[0], depth+1)
	case syntax.OpQuest:
		s, ok := exactSet(t.Sub[0], depth+1)
		return append(s, ""), ok && len(s) < maxExactSet
	case syntax.OpAlternate:
		var out []string
		for _, sub := range t.Sub {
			s, ok := exactSet(sub, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, s...)
			if len(out) > maxExactSet {
				return nil, false
			}
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range t.Sub {
			s, ok := exactSet(sub, depth+1)
			if !ok || len(out)*len(s) > maxExactSet {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(s))
			for _, a := range out {
				for _, b := range s {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}

// foldsAnywhere reports whether any literal under t is case-insensitive.
func foldsAnywhere(t *syntax.Regexp) bool {
	if t.Flags&syntax.FoldCase != 0 && (t.Op == syntax.OpLiteral || t.Op == syntax.OpCharClass) {
		return true
	}
	for _, s := range t.Sub {
		if foldsAnywhere(s) {
			return true
		}
	}
	return false
}

// setOfExact turns the strings a sub-expression matches into a set, or nil
// when one of them is empty (then nothing is required).
func setOfExact(strs []string, fold bool) litSet {
	var set litSet
	seen := map[string]bool{}
	for _, s := range strs {
		l, ok := foldLit(s, fold)
		if !ok {
			return nil
		}
		if !seen[l.s] {
			seen[l.s] = true
			set = append(set, l)
		}
	}
	return set
}

func literalSet(t *syntax.Regexp) litSet {
	l, ok := foldLit(string(t.Rune), t.Flags&syntax.FoldCase != 0)
	if !ok {
		return nil
	}
	return litSet{l}
}

// foldLit makes the entry for a literal string; false for "".
func foldLit(s string, fold bool) (lit, bool) {
	if s == "" {
		return lit{}, false
	}
	if !fold {
		return lit{s: s, mode: litExact}, true
	}
	ascii := true
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
			ascii = false
			break
		}
	}
	if ascii {
		return lit{s: strings.ToLower(s), mode: litFoldASCII}, true
	}
	first, _ := utf8.DecodeRuneInString(s)
	leads := ""
	f := first
	for {
		var buf [utf8.UTFMax]byte
		utf8.EncodeRune(buf[:], f)
		if strings.IndexByte(leads, buf[0]) < 0 {
			leads += string(buf[:1])
		}
		if f = unicode.SimpleFold(f); f == first {
			break
		}
	}
	return lit{s: s, mode: litFoldUnicode, leads: leads}, true
}

// classSet: a small character class (with its case variants) as a set of
// runes, one of which must appear.
func classSet(t *syntax.Regexp) litSet {
	var b strings.Builder
	n := 0
	for i := 0; i+1 < len(t.Rune); i += 2 {
		if t.Rune[i+1]-t.Rune[i] >= maxAnyRunes {
			return nil
		}
		for r := t.Rune[i]; r <= t.Rune[i+1]; r++ {
			b.WriteRune(r)
			n++
		}
	}
	if n == 0 || n > maxAnyRunes {
		return nil
	}
	// A folded class already lists its case variants, except for the
	// Kelvin sign and long s, which the regexp compiler adds itself.
	if t.Flags&syntax.FoldCase != 0 {
		s := b.String()
		if strings.ContainsAny(s, "kK") {
			b.WriteRune('\u212a')
		}
		if strings.ContainsAny(s, "sS") {
			b.WriteRune('\u017f')
		}
	}
	return litSet{{s: b.String(), mode: litAnyRune}}
}
