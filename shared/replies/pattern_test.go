package replies

import (
	"strings"
	"testing"
)

// prefilterSamples are strings that stress the check: case variants, the
// Kelvin sign and long s that (?i) folds to ASCII letters, accented
// capitals, and text at the edges of the patterns.
var prefilterSamples = []string{
	"", "x", "On Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:", "ON TUE WROTE:",
	"Am 03.03.26 um 09:14 schrieb Upward:", "LE 03/03/2026 À 09:14, UPWARD A ÉCRIT :",
	"This message is CONFIDENTIAL", "THIS EMAIL AND ANY ATTACHMENTS ARE CONFIDENTIAL",
	"Diese E-Mail ENTHÄLT vertrauliche", "diese nachricht kann VERTRAULICHE",
	"Sent from my iPhone", "SENT FROM MY IPHONE", "\u017fent from my iPhone", "Outlook for io\u017f",
	"as\u212a me", "we met for coffee", "WE MET", "nos vimos", "4 stars", "4/5", "★★★★",
	"-----Original Message-----", "-----ORIGINAL MESSAGE-----", "Von: Upward", "VON: UPWARD", "发件人：Upward",
	"Subject: hi", "SUBJECT: hi", "Ｓubject: hi", "unsubscribe", "UNSUBSCRIBE", "ПТ, 12 МАР. 2027 Г. В 08:41, Ivan <i@b>:",
	"Иван НАПИСАЛ:", "Κώστας ΈΓΡΑΨΕ:", "\xff\xfe invalid \xc3", "2 hours", "on the 3rd", "3-4",
}

// TestPatternPrefilterNeverRejectsAMatch: a pattern's cheap check must let
// through every string its expression matches, and its MatchString (which
// starts the expression at the first string every match opens with) must
// agree with the expression, over the corpus (raw and folded, whole and
// line by line) and strings made to trip case folding.
func TestPatternPrefilterNeverRejectsAMatch(t *testing.T) {
	seen := map[string]bool{}
	var samples []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			samples = append(samples, s)
		}
	}
	for _, s := range prefilterSamples {
		add(s)
	}
	for _, c := range loadCorpus(t) {
		msg, err := Parse(c.raw, DefaultLimits)
		if err != nil {
			continue
		}
		trimmed := msg.TrimmedText()
		add(trimmed)
		add(fold(trimmed).s)
		add(msg.Subject)
		for _, l := range strings.Split(msg.Text, "\n") {
			if l = strings.TrimSpace(l); len(l) <= 200 {
				add(l)
				add(strings.ToUpper(l))
			}
		}
	}
	checked, filtered := 0, 0
	for _, p := range allPatterns {
		for _, s := range samples {
			checked++
			if got, want := p.MatchString(s), p.re.MatchString(s); got != want {
				t.Errorf("%s: MatchString(%q) = %v, the expression says %v", p, s, got, want)
			}
			if !p.possible(s) {
				filtered++
				if p.re.MatchString(s) {
					t.Errorf("%s: the check rejects %q, which the expression matches", p, s)
				}
			}
		}
	}
	t.Logf("%d patterns, %d checks, %d rejected without running the expression", len(allPatterns), checked, filtered)
}

// FuzzPatternPrefilter holds every pattern's check, and its MatchString
// (which may start the expression late), to its expression on arbitrary
// strings.
func FuzzPatternPrefilter(f *testing.F) {
	for _, s := range prefilterSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s)} {
			for _, p := range allPatterns {
				if !p.possible(v) && p.re.MatchString(v) {
					t.Errorf("%s: the check rejects %q, which the expression matches", p, v)
				}
				if got, want := p.MatchString(v), p.re.MatchString(v); got != want {
					t.Errorf("%s: MatchString(%q) = %v, the expression says %v", p, v, got, want)
				}
			}
		}
	})
}
