package replies

import (
	"regexp"
	"sort"
	"strings"
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
)

// Options tell Understand what the reply answers.
type Options struct {
	Context Context  // CheckIn when empty
	Topics  []string // the programme's topic vocabulary, for Welcome
}

// Answer is what a reply says. Pointers are nil when the reply does not
// say, or says both ways: nothing is guessed.
type Answer struct {
	Command Command
	// Check-in answers.
	Met    *bool
	Rating *int // 1–5
	// Welcome answers.
	Join   *bool    // true to join, false to decline
	Topics []string // entries of Options.Topics, in vocabulary order
	// FreeText is the reply without the parts understood above (the
	// command word, a leading yes/no, the rating, the topics), so nothing
	// the person wrote is lost. A STORY's story is here.
	FreeText string
}

// maxUnderstandBytes bounds the text read for answers: they come first,
// and the rest is kept whole in FreeText.
const maxUnderstandBytes = 16 << 10

// Understand reads the answers and commands in a trimmed reply.
//
// A command is the first word of the reply (PAUSE, RESUME, STOP or
// unsubscribe wording, REMATCH, HELP, STORY; any case) and takes
// precedence: a reply that gives a command is not read for answers.
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
	if cmd, s, e := findCommand(f.s); cmd != "" {
		a.Command = cmd
		used.add(s, e)
	} else if opts.Context == Welcome {
		understandWelcome(f.s, opts.Topics, &a, &used)
	} else {
		understandCheckIn(f.s, &a, &used)
	}
	a.FreeText = freeText(head, f, used) + tail
	return a
}

// spans are byte ranges of the folded text that were understood.
type spans [][2]int

func (s *spans) add(start, end int) {
	if start < end {
		*s = append(*s, [2]int{start, end})
	}
}

var (
	commandWord = regexp.MustCompile(`^[^\pL\pN]*((?:please|pls|plz|bitte|por favor|per favore|s'il vous plait|svp|alsjeblieft|graag)[\s,:!]+)?([\pL-]+)`)
	// Unsubscribe wording anywhere on the first line.
	unsubscribeWording = regexp.MustCompile(`\b(unsubscribe|opt me out|opt out|remove me|take me off|stop (sending|emailing|these)|abmelden|austragen|abbestellen|desinscri\w*|desabonne\w*|desinscription|dar(me)? de baja|darme de baja|cancelar (la )?suscripcion|disiscrivi\w*|cancellami|annulla (l')?iscrizione|descadastr\w*|cancelar (a )?inscricao|afmelden|uitschrijven)\b`)
	negation           = regexp.MustCompile(`\b(not|don't|dont|do not|never|no|nicht|kein\w*|nie|pas|ne|n'|nunca|non|mai|nao|niet|geen|nooit)\b`)
)

var commandWords = map[string]Command{
	"pause": CommandPause, "pausieren": CommandPause, "pauser": CommandPause, "pausa": CommandPause,
	"pauze": CommandPause, "pauzeer": CommandPause, "pauzeren": CommandPause,
	"resume": CommandResume, "unpause": CommandResume, "fortsetzen": CommandResume, "reprendre": CommandResume,
	"reanudar": CommandResume, "riprendere": CommandResume, "riprendi": CommandResume, "retomar": CommandResume,
	"hervat": CommandResume, "hervatten": CommandResume,
	"stop": CommandStop, "stopp": CommandStop, "unsubscribe": CommandStop, "stoppen": CommandStop,
	"rematch": CommandRematch,
	"help":    CommandHelp, "hilfe": CommandHelp, "aide": CommandHelp, "ayuda": CommandHelp, "aiuto": CommandHelp,
	"ajuda": CommandHelp, "hulp": CommandHelp,
	"story": CommandStory, "geschichte": CommandStory, "histoire": CommandStory, "historia": CommandStory,
	"storia": CommandStory, "verhaal": CommandStory,
}

// findCommand reads a command from the first non-empty line of folded
// text and returns it with the span it took.
func findCommand(s string) (Command, int, int) {
	lineStart := 0
	for lineStart < len(s) && (s[lineStart] == '\n' || s[lineStart] == ' ' || s[lineStart] == '\t') {
		lineStart++
	}
	lineEnd := strings.IndexByte(s[lineStart:], '\n')
	if lineEnd < 0 {
		lineEnd = len(s)
	} else {
		lineEnd += lineStart
	}
	firstLine := s[lineStart:lineEnd]
	if m := commandWord.FindStringSubmatchIndex(firstLine); m != nil {
		word := strings.ReplaceAll(firstLine[m[4]:m[5]], "-", "")
		if c, ok := commandWords[word]; ok {
			return c, lineStart + m[0], lineStart + m[1]
		}
	}
	if len(strings.Fields(firstLine)) <= 12 && !negation.MatchString(firstLine) {
		if unsubscribeWording.MatchString(firstLine) {
			// The person's own sentence stays in the free text.
			return CommandStop, 0, 0
		}
	}
	return "", 0, 0
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
	leadingJunk  = regexp.MustCompile(`^(?i:[\s,;:.!?/&+*#()\[\]\-–—]|\b(and|und|et|y|e|en|also|auch|aussi|tambien|también|anche|tambem|também|ook)\b)+`)
	trailingJunk = regexp.MustCompile(`(?i:[\s,;:/&+*#(\[\-–—]|\b(and|und|et|y|e|en)\b)+$`)
	onlyJunk     = regexp.MustCompile(`^[\s\p{P}\p{S}]*$`)
	spaceRun     = regexp.MustCompile(`[ \t]{2,}`)
	spaceBefore  = regexp.MustCompile(` ([,.;:!?])`)
)

// aroundRemoved is a cut-out span with the separators around it.
var aroundRemoved = regexp.MustCompile(`[ \t,;:/\-–—]*\x00[ \t,;:/\-–—.!?]*`)

// tidyLine closes the gaps left by cut-out spans: at the edges they go,
// inside a sentence a space stays, and a sentence end is kept.
func tidyLine(l string) string {
	l = aroundRemoved.ReplaceAllStringFunc(l, func(m string) string {
		if strings.ContainsAny(m, ".!?") {
			return ". "
		}
		return " "
	})
	l = spaceRun.ReplaceAllString(l, " ")
	l = spaceBefore.ReplaceAllString(l, "$1")
	for {
		n := leadingJunk.ReplaceAllString(l, "")
		n = trailingJunk.ReplaceAllString(n, "")
		if n == l {
			break
		}
		l = n
	}
	l = strings.TrimSpace(l)
	if onlyJunk.MatchString(l) {
		return ""
	}
	return l
}
