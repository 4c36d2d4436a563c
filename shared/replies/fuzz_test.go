package replies

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets run the whole path from raw bytes. Run them briefly
// with:
//
//	go test -run='^$' -fuzz='^FuzzParse$' -fuzztime=10s -fuzzminimizetime=100x ./shared/replies
//	go test -run='^$' -fuzz='^FuzzTrimQuoted$' -fuzztime=10s -fuzzminimizetime=100x ./shared/replies
//	go test -run='^$' -fuzz='^FuzzTrimQuotedHTML$' -fuzztime=10s -fuzzminimizetime=100x ./shared/replies
//	go test -run='^$' -fuzz='^FuzzUnderstand$' -fuzztime=10s -fuzzminimizetime=100x ./shared/replies
//
// -fuzzminimizetime=100x keeps the default 60 s minimisation of each new
// interesting input from eating a short run. Without -fuzz, go test runs
// the seeds as ordinary tests.

// fuzzLimits keep each input cheap so the fuzzer explores many.
var fuzzLimits = Limits{MaxMessageBytes: 256 << 10, MaxHeaderBytes: 64 << 10, MaxMultiparts: 16, MaxParts: 64, MaxTextBytes: 64 << 10}

func corpusSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if len(paths) == 0 {
		f.Fatal("no corpus seeds")
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
}

func FuzzParse(f *testing.F) {
	corpusSeeds(f)
	for _, h := range hostileMessages() {
		if len(h.raw) <= 64<<10 { // larger seeds slow the fuzzer more than they teach it
			f.Add([]byte(h.raw))
		}
	}
	f.Add([]byte("From: a@b.c\n\n"))
	f.Add([]byte("From: a@b.c\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y.z\nAction: failed\nStatus: 5.1.1\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, err := Parse(raw, fuzzLimits)
		if err != nil {
			if msg != nil {
				t.Fatalf("message returned with error %v", err)
			}
			return
		}
		switch msg.Kind {
		case KindReply, KindAutoReply:
			if msg.Bounce != nil {
				t.Fatalf("%s with bounce details", msg.Kind)
			}
		case KindBounce:
			if msg.Bounce == nil {
				t.Fatal("bounce without bounce details")
			}
		default:
			t.Fatalf("kind %q", msg.Kind)
		}
		if msg.From == "" {
			t.Fatal("parsed without a sender")
		}
		if len(msg.Text) > fuzzLimits.MaxTextBytes {
			t.Fatalf("text of %d bytes over the %d limit", len(msg.Text), fuzzLimits.MaxTextBytes)
		}
		for _, s := range []string{msg.Text, msg.Subject, msg.From, msg.FromName} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		text := msg.TrimmedText()
		// Decoding, charset conversion (one byte to at most three) and
		// HTML conversion (at most doubling) bound the text by the input.
		if len(text) > 6*len(raw)+64 || !utf8.ValidString(text) {
			t.Fatalf("trimmed text of %d bytes from %d raw, valid UTF-8 %v", len(text), len(raw), utf8.ValidString(text))
		}
		checkAnswer(t, text, Understand(text, Options{Context: CheckIn}), nil)
		checkAnswer(t, text, Understand(text, Options{Context: Welcome, Topics: vocabulary}), vocabulary)
	})
}

// FuzzTrimQuoted checks that trimming never grows the text or breaks its
// encoding, and that words are never lost: when the message starts with a
// line of the person's own words (first), whatever follows it (rest),
// the trimmed text is not empty.
func FuzzTrimQuoted(f *testing.F) {
	for _, p := range pathologicalTexts(50) {
		f.Add("Yes", p.in)
	}
	f.Add("Yes", "\nOn Tue, 3 Mar 2026 at 09:14, Ann <a@b.c> wrote:\n> q\n")
	f.Add("Yes", "\nFrom: a\nSent: b\nTo: c\nSubject: d\n\nq")
	f.Add("Works for me", " On Thu, Jan 7, 2027 at 2:10 PM, sam@example.com wrote:\n> q")
	f.Add("Thanks", "Sam wrote:\n> q")
	f.Add("4", "Sam <sam@example.com> wrote:\n> q")
	f.Add("Sounds good", "---- On Mon, 11 Jan 2027 11:30:02 +0100 jo@example.com wrote ----\nq")
	f.Add("Yes", "2027/1/21 Kenji <k@example.jp>\n> q")
	f.Add("> q", "yes\n-- \nsig\n> q\n4")
	f.Fuzz(func(t *testing.T, first, rest string) {
		text := first + "\n" + rest
		out := TrimQuoted(text)
		if len(out) > len(text) {
			t.Fatalf("output of %d bytes from %d", len(out), len(text))
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", out)
		}
		if personsLine(first) && strings.TrimSpace(out) == "" {
			t.Fatalf("words lost: %q gave an empty text", text)
		}
	})
}

// personsLine tells whether a line is unmistakably the person's own
// words, whatever follows it: text on its own (not a quote, signature or
// separator), short, and with nothing that could start an attribution or
// a header block (a colon, an address, angle brackets, a start word, a
// date, a framing line).
func personsLine(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || len(t) >= 40 || !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r:：@<>\u00a0\u202f\u2007\ufeff") {
		return false
	}
	if !strings.ContainsFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return false
	}
	if strings.ContainsAny(t[:1], "-_=*~[|>") || attributionStart.MatchString(t) || startsWithDate(t) {
		return false
	}
	return lineKindOf(s, t) == lineText
}

func FuzzTrimQuotedHTML(f *testing.F) {
	for _, p := range pathologicalHTML(50) {
		f.Add(p.in)
	}
	f.Add(`<div>Yes</div><div class="gmail_quote"><div class="gmail_attr">On Tue wrote:</div><blockquote>q</blockquote></div>`)
	f.Add(`<p>Yes<div id="divRplyFwdMsg">From: x</div>q`)
	f.Fuzz(func(t *testing.T, src string) {
		out := TrimQuotedHTML(src)
		// Entities expand (&nbsp; and friends shrink; none grows past
		// four bytes from its five or more).
		if len(out) > 2*len(src)+16 {
			t.Fatalf("output of %d bytes from %d", len(out), len(src))
		}
	})
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"Yes, 4", "No", "JOIN 1, 3", "PAUSE", "★★★★", "4/5/2026", "Yes. No.", "ai tools, socal media", "1. yes\n2. 4"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, welcome bool) {
		opts := Options{Context: CheckIn}
		var vocab []string
		if welcome {
			opts = Options{Context: Welcome, Topics: vocabulary}
			vocab = vocabulary
		}
		checkAnswer(t, text, Understand(text, opts), vocab)
	})
}

// checkAnswer holds what every Answer must satisfy.
func checkAnswer(t *testing.T, text string, a Answer, vocab []string) {
	t.Helper()
	if a.Rating != nil && (*a.Rating < 1 || *a.Rating > 5) {
		t.Fatalf("rating %d", *a.Rating)
	}
	for _, topic := range a.Topics {
		if !slices.Contains(vocab, topic) {
			t.Fatalf("topic %q not in the vocabulary", topic)
		}
	}
	switch a.Command {
	case "", CommandPause, CommandResume, CommandStop, CommandRematch, CommandHelp, CommandStory:
	default:
		t.Fatalf("command %q", a.Command)
	}
	if len(a.FreeText) > len(text)+64 {
		t.Fatalf("free text of %d bytes from %d", len(a.FreeText), len(text))
	}
	if utf8.ValidString(text) && !utf8.ValidString(a.FreeText) {
		t.Fatalf("invalid UTF-8 free text %q from %q", a.FreeText, text)
	}
}
