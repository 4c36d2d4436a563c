package replies

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Context says which email a reply answers, because the same words mean
// different things: "yes" to a check-in says the pair met, "yes" to the
// welcome email says the person joins.
type Context string

const (
	// CheckIn: did you meet (YES/NO), how valuable was it (1–5), and a
	// reflection question.
	CheckIn Context = "checkin"
	// Welcome: join the programme and name topics from its vocabulary.
	Welcome Context = "welcome"
)

// Command is an instruction given by reply. The empty Command is none.
type Command string

const (
	CommandPause   Command = "pause"
	CommandResume  Command = "resume"
	CommandStop    Command = "stop"
	CommandRematch Command = "rematch"
	CommandHelp    Command = "help"
	CommandStory   Command = "story"
	// CommandLanguage chooses the language of the person's emails; its
	// Instruction.Text is the language as they wrote it ("Français", "de").
	CommandLanguage Command = "language"
	// CommandGoal states what the person wants from the pairing (its text),
	// or, with a number from 1 to 5, how far they have come towards it.
	CommandGoal Command = "goal"
	// CommandShare lets the partner read something the person wrote: with
	// the goal word, their goal (SHARE GOAL); otherwise, from the closing
	// survey, what they applied — and with the manager word, lets the
	// junior's manager hear of it too (SHARE MANAGER).
	CommandShare Command = "share"
)

// Options tell Understand what the reply answers.
type Options struct {
	Context Context  // CheckIn when empty
	Topics  []string // the programme's topic vocabulary, for Welcome
}

// Answer is what a reply says. Pointers are nil when the reply does not
// say, or says both ways: nothing is guessed.
type Answer struct {
	// Command is the first command given other than THANKS (which only
	// forwards words, see Thanks); Commands has every command in order.
	Command  Command
	Commands []Instruction
	// Check-in answers.
	Met    *bool
	Rating *int // 1–5
	// Welcome answers.
	Join   *bool    // true to join, false to decline
	Topics []string // entries of Options.Topics, in vocabulary order
	// Story is the words after STORY; Thanks is exactly what to forward
	// to the partner: the words after an explicit THANKS, "" when the
	// person gave none (a "Thanks," in prose never counts).
	Story  string
	Thanks string
	// FreeText is the reply without the parts understood above (the
	// command words, a leading yes/no, the rating, the topics) and without
	// the greeting and sign-off, so nothing the person wrote is lost.
	FreeText string
	// Read is the person's words as read (greeting and sign-off aside) on
	// one line, at most maxReadRunes long, for an email that says what was
	// understood; Language is the language they are in ("en", "de", "fr",
	// "es", "it", "pt", "nl"), "" when it cannot be told.
	Read     string
	Language string
}

// Understood reports whether the reply said anything Upward acts on: a
// command, an answer, joining or declining, or topics.
func (a Answer) Understood() bool {
	return len(a.Commands) > 0 || a.Met != nil || a.Rating != nil || a.Join != nil || len(a.Topics) > 0
}

// maxUnderstandBytes bounds the text read for answers: they come first,
// and the rest is kept whole in FreeText.
const maxUnderstandBytes = 16 << 10

// maxReadRunes bounds Answer.Read.
const maxReadRunes = 200

// Understand reads the answers and commands in a trimmed reply.
//
// A greeting at the top and a sign-off at the bottom are set aside first.
// Commands are read at the start of any line (see commands.go); a STORY's
// and a THANKS's words are not read for answers, the rest of the reply is.
func Understand(text string, opts Options) Answer {
	text = strings.TrimSpace(text)
	head, tail := text, ""
	if len(text) > maxUnderstandBytes {
		head = limitText(text, maxUnderstandBytes)
		tail = text[len(head):]
	}
	f := fold(head)
	var a Answer
	var used spans
	from := greetingEnd(f.s)
	to := max(signOffStart(f, head, from), from)
	used.add(0, from)
	used.add(to, len(f.s))

	// What is read for answers: the words between greeting and sign-off,
	// without the commands and the words that go with them.
	masked := []byte(f.s)
	blank := func(s, e int) {
		for i := s; i < e; i++ {
			if masked[i] != '\n' {
				masked[i] = ' '
			}
		}
	}
	blank(0, from)
	blank(to, len(masked))
	found := findCommands(f, head, from, to)
	for i, c := range found {
		used.add(c.spanStart, c.wordEnd)
		blank(c.spanStart, c.wordEnd)
		in := Instruction{Command: c.cmd}
		if c.cmd == CommandLanguage {
			ts, te := c.textStart, c.lineEnd
			if c.argStart < c.argEnd {
				ts, te = c.argStart, c.argEnd
			}
			blank(c.wordEnd, c.lineEnd)
			in.Text = originalText(head, f, ts, te)
		}
		if c.cmd == CommandNotWith || c.cmd == CommandAssistant {
			// The rest of the line: a name or an address (preferences.go).
			used.add(c.wordEnd, c.lineEnd)
			blank(c.wordEnd, c.lineEnd)
			in.Text = originalText(head, f, c.textStart, c.lineEnd)
		}
		if c.cmd == CommandStory || c.cmd == CommandThanks || c.cmd == CommandGoal || c.cmd == CommandShare {
			next := -1
			if i+1 < len(found) {
				next = found[i+1].lineStart
				if found[i+1].lineStart == c.lineStart {
					next = found[i+1].wordStart
				}
			}
			ts, te := commandText(f.s, c, next, to)
			blank(c.wordEnd, te)
			// A goal's or a share's words are the command's own: they are
			// not also free text (an answer to the goal question with
			// SHARE GOAL after it is the goal, without "GOAL").
			if c.cmd == CommandGoal || c.cmd == CommandShare {
				used.add(c.wordEnd, te)
			}
			in.Text = originalText(head, f, ts, te)
		}
		a.Commands = append(a.Commands, in)
		switch {
		case c.cmd == CommandThanks:
			if a.Thanks == "" {
				a.Thanks = in.Text
			}
		case a.Command == "":
			a.Command = c.cmd
		}
		if c.cmd == CommandStory && a.Story == "" {
			a.Story = in.Text
		}
	}
	if opts.Context == Welcome {
		understandWelcome(string(masked), opts.Topics, &a, &used)
	} else {
		understandCheckIn(string(masked), &a, &used)
	}
	a.FreeText = freeText(head, f, used) + tail
	a.Language = detectLanguage(f.s)
	a.Read = readLine(head, f, from, to)
	return a
}

// originalText returns the original words behind the folded range, tidied.
func originalText(orig string, f folded, start, end int) string {
	if start >= end {
		return ""
	}
	s, e := f.span(start, end)
	return strings.TrimSpace(orig[s:e])
}

// readLine is the person's words on one line, shortened.
func readLine(orig string, f folded, from, to int) string {
	s := collapseSpace(originalText(orig, f, from, to))
	if utf8.RuneCountInString(s) <= maxReadRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxReadRunes-1])) + "…"
}

// spans are byte ranges of the folded text that were understood.
type spans [][2]int

func (s *spans) add(start, end int) {
	if start < end {
		*s = append(*s, [2]int{start, end})
	}
}

// freeText is text without the understood spans, tidied line by line; a
// line left with nothing but punctuation and connecting words goes.
func freeText(text string, f folded, used spans) string {
	if len(used) == 0 {
		return text
	}
	sort.Slice(used, func(i, j int) bool { return used[i][0] < used[j][0] })
	var b strings.Builder
	pos := 0
	for _, u := range used {
		s, e := f.span(u[0], u[1])
		if s < pos {
			s = pos
		}
		if e <= s {
			continue
		}
		b.WriteString(text[pos:s])
		b.WriteByte(removed)
		pos = e
	}
	b.WriteString(text[pos:])
	var out []string
	blank := false
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.IndexByte(l, removed) >= 0 {
			l = tidyLine(l)
		} else {
			l = strings.TrimRight(l, " \t")
		}
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// removed marks where an understood span was cut out, so only the lines
// it touched are tidied.
const removed = '\x00'

var (
	leadingJunk  = mustPattern(`^(?i:[\s,;:.!?/&+*#()\[\]\-–—]|\b(and|und|et|y|e|en|also|auch|aussi|tambien|también|anche|tambem|também|ook)\b)+`)
	trailingJunk = mustPattern(`(?i:[\s,;:/&+*#(\[\-–—]|\b(and|und|et|y|e|en)\b)+$`)
)

// tidyLine closes the gaps left by cut-out spans: at the edges they go,
// inside a sentence a space stays, and a sentence end is kept. The simple
// steps are written out rather than left to regular expressions: this
// runs on every line an answer was cut from.
func tidyLine(l string) string {
	l = closeGaps(l)
	l = collapseBlanks(l)
	l = dropSpaceBeforePunct(l)
	for {
		n := leadingJunk.ReplaceAllString(l, "")
		n = trailingJunk.ReplaceAllString(n, "")
		if n == l {
			break
		}
		l = n
	}
	l = strings.TrimSpace(l)
	// A connector left right before the sentence end goes too ("die
	// Themen 1 und 4." → "die Themen.").
	if n := len(l); n > 1 && strings.IndexByte(".!?", l[n-1]) >= 0 {
		if body := trailingJunk.ReplaceAllString(l[:n-1], ""); body != l[:n-1] && !onlyJunk(body) {
			l = body + l[n-1:]
		}
	}
	if onlyJunk(l) {
		return ""
	}
	return l
}

// gapSeparator: what may stand around a cut-out span and goes with it;
// after it, a sentence end too.
func gapSeparator(r rune, after bool) bool {
	switch r {
	case ' ', '\t', ',', ';', ':', '/', '-', '–', '—':
		return true
	case '.', '!', '?':
		return after
	}
	return false
}

// closeGaps replaces each cut-out span, with the separators right around
// it, by a space, or by ". " when a sentence end was among them.
func closeGaps(l string) string {
	if strings.IndexByte(l, removed) < 0 {
		return l
	}
	var b strings.Builder
	b.Grow(len(l))
	done := 0 // l[:done] is written or taken by a gap
	for {
		j := strings.IndexByte(l[done:], removed)
		if j < 0 {
			break
		}
		j += done
		start := j
		for start > done {
			r, n := utf8.DecodeLastRuneInString(l[done:start])
			if !gapSeparator(r, false) {
				break
			}
			start -= n
		}
		end := j + 1
		for end < len(l) {
			r, n := utf8.DecodeRuneInString(l[end:])
			if !gapSeparator(r, true) {
				break
			}
			end += n
		}
		b.WriteString(l[done:start])
		// A sentence end in the gap is kept, once: not after the one that
		// ends the words before it ("na sexta. Nota 4." → "na sexta.").
		if strings.ContainsAny(l[start:end], ".!?") && !endsWithSentenceEnd(b.String()) {
			b.WriteString(". ")
		} else {
			b.WriteByte(' ')
		}
		done = end
	}
	b.WriteString(l[done:])
	return b.String()
}

func endsWithSentenceEnd(s string) bool {
	s = strings.TrimRight(s, " \t")
	return s != "" && strings.IndexByte(".!?", s[len(s)-1]) >= 0
}

// collapseBlanks makes each run of two or more spaces and tabs one space.
func collapseBlanks(l string) string {
	if !strings.Contains(l, "  ") && !strings.Contains(l, "\t") {
		return l
	}
	var b strings.Builder
	b.Grow(len(l))
	for i := 0; i < len(l); {
		j := i
		for j < len(l) && (l[j] == ' ' || l[j] == '\t') {
			j++
		}
		switch {
		case j-i >= 2:
			b.WriteByte(' ')
			i = j
		case j > i:
			b.WriteByte(l[i])
			i = j
		default:
			b.WriteByte(l[i])
			i++
		}
	}
	return b.String()
}

// dropSpaceBeforePunct removes a space right before , . ; : ! or ?.
func dropSpaceBeforePunct(l string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+1 < len(l); i++ {
		if l[i] == ' ' && strings.IndexByte(",.;:!?", l[i+1]) >= 0 {
			b.WriteString(l[last:i])
			last = i + 1
			i++ // the punctuation stays; what follows it is looked at next
		}
	}
	if last == 0 {
		return l
	}
	b.WriteString(l[last:])
	return b.String()
}

// onlyJunk: nothing but white space, punctuation and symbols.
func onlyJunk(l string) bool {
	for _, r := range l {
		if r != ' ' && r != '\t' && r != '\n' && r != '\f' && r != '\r' && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			return false
		}
	}
	return true
}
