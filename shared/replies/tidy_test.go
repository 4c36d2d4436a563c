package replies

import (
	"regexp"
	"strings"
	"testing"
)

// The expressions tidyLine and the word scanner stood for, kept to hold
// the written-out versions to them.
var (
	refAroundRemoved = regexp.MustCompile(`[ \t,;:/\-–—]*\x00[ \t,;:/\-–—.!?]*`)
	refSpaceRun      = regexp.MustCompile(`[ \t]{2,}`)
	refSpaceBefore   = regexp.MustCompile(` ([,.;:!?])`)
	refOnlyJunk      = regexp.MustCompile(`^[\s\p{P}\p{S}]*$`)
	refWord          = regexp.MustCompile(`[\pL\pN]+(?:'[\pL]+)?`)
)

var tidySamples = []string{
	"", " ", "\x00", "a\x00b", "yes \x00, we met", "\x00, \x00", "great chat, \x00.", "— \x00 —", "4/\x00/5",
	"a  b\t\tc\td", "a , b . c", " ,", "x ?!", "   ", "l'equipe d'Ann's", "don't 'quote' '", "été 2026 ça", "\xff\xfeab",
	"...!!!", "— – -", "€ $ %", "a\u00a0b", "1. yes\n2. 4", "word' end", "it's", "'s", "na sexta. \x00.", "ok! \x00 .",
}

func checkTidyEquivalence(t *testing.T, s string) {
	t.Helper()
	// The gaps are where the expression finds them; a sentence end in one
	// is written unless the words before it already end a sentence.
	var ref strings.Builder
	last := 0
	for _, m := range refAroundRemoved.FindAllStringIndex(s, -1) {
		ref.WriteString(s[last:m[0]])
		if strings.ContainsAny(s[m[0]:m[1]], ".!?") && !endsWithSentenceEnd(ref.String()) {
			ref.WriteString(". ")
		} else {
			ref.WriteByte(' ')
		}
		last = m[1]
	}
	ref.WriteString(s[last:])
	if got, want := closeGaps(s), ref.String(); got != want {
		t.Errorf("closeGaps(%q) = %q, want %q", s, got, want)
	}
	if got, want := collapseBlanks(s), refSpaceRun.ReplaceAllString(s, " "); got != want {
		t.Errorf("collapseBlanks(%q) = %q, want %q", s, got, want)
	}
	if got, want := dropSpaceBeforePunct(s), refSpaceBefore.ReplaceAllString(s, "$1"); got != want {
		t.Errorf("dropSpaceBeforePunct(%q) = %q, want %q", s, got, want)
	}
	if got, want := onlyJunk(s), refOnlyJunk.MatchString(s); got != want {
		t.Errorf("onlyJunk(%q) = %v, want %v", s, got, want)
	}
	var got [][]int
	words(s, 1000, func(a, b int) bool { got = append(got, []int{a, b}); return true })
	if want := refWord.FindAllStringIndex(s, 1000); !equalSpans(got, want) {
		t.Errorf("words(%q) = %v, want %v", s, got, want)
	}
}

func equalSpans(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i][0] != b[i][0] || a[i][1] != b[i][1] {
			return false
		}
	}
	return true
}

// TestTidyStepsMatchTheirExpressions: the written-out tidying steps and
// word scanner do exactly what the regular expressions they replace did,
// over the corpus's replies with answers cut out and made-up edge cases.
func TestTidyStepsMatchTheirExpressions(t *testing.T) {
	for _, s := range tidySamples {
		checkTidyEquivalence(t, s)
	}
	for _, c := range loadCorpus(t) {
		msg, err := Parse(c.raw, DefaultLimits)
		if err != nil {
			continue
		}
		text := msg.TrimmedText()
		checkTidyEquivalence(t, text)
		checkTidyEquivalence(t, fold(text).s)
		// Cut-out spans where answers stood.
		checkTidyEquivalence(t, strings.NewReplacer("4", "\x00", "yes", "\x00", "Yes", "\x00").Replace(text))
	}
}

func FuzzTidySteps(f *testing.F) {
	for _, s := range tidySamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkTidyEquivalence(t, s) })
}
