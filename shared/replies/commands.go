package replies

import (
	"strings"

	"github.com/upward-mentoring/upward/shared/lang"
)

// Commands are read at the start of any line of the person's words (never
// in quoted text or a signature: TrimQuoted removed those), because the
// emails ask for the answer on the first line and "start a line with
// STORY". The rules, on folded text:
//
//   - On the first line (after any greeting) a command word in any case,
//     after an optional "please": "pause", "Please PAUSE", "Stop sending
//     these", and unsubscribe wording anywhere on that line.
//   - On a later line the word must be unmistakable: written in capitals
//     ("STORY …"), followed by a colon ("Story: …"), or alone on its line
//     with at most a "please".
//   - After an answer on the same line ("YES 4 STORY …", "Yes, 4. STORY:
//     …"), in capitals or with a colon.
//
// THANKS forwards words to the partner, so it is only ever read in
// capitals at the start of a line (or after the answer): THANKS, THANK
// YOU, DANKE, MERCI, GRACIAS, GRAZIE, OBRIGADO, OBRIGADA, BEDANKT, DANK
// JE, DANK U. "Thanks, honestly she was often late." is prose.

// CommandThanks asks Upward to forward the words after it to the partner.
const CommandThanks Command = "thanks"

// Instruction is one command a reply gives, with the words that go with
// it: a STORY's story, a THANKS's message.
type Instruction struct {
	Command Command `json:"command"`
	Text    string  `json:"text,omitempty"`
}

var (
	commandWord = mustPattern(`^[^\pL\pN\n]*((?:please|pls|plz|bitte|por favor|per favore|s'il vous plait|svp|alsjeblieft|graag)[ \t,:!]+)?([\pL-]+)`)
	// Unsubscribe wording anywhere on the first line.
	unsubscribeWording = mustPattern(`\b(unsubscribe|opt me out|opt out|remove me|take me off|stop (sending|emailing|these)|abmelden|austragen|abbestellen|desinscri\w*|desabonne\w*|desinscription|dar(me)? de baja|darme de baja|cancelar (la )?suscripcion|disiscrivi\w*|cancellami|annulla (l')?iscrizione|descadastr\w*|cancelar (a )?inscricao|afmelden|uitschrijven)\b`)
	negation           = mustPattern(`\b(not|don't|dont|do not|never|no|nicht|kein\w*|nie|pas|ne|n'|nunca|non|mai|nao|niet|geen|nooit)\b`)
	// Only politeness may follow a command alone on its line.
	onlyPoliteness = mustPattern(`^[\s\p{P}]*((please|pls|plz|now|thanks|thank you|bitte|danke|merci|svp|s'il vous plait|por favor|gracias|per favore|grazie|obrigad[oa]|alsjeblieft|graag|bedankt)\b)?[\s\p{P}]*$`)
	// An answer that opens a line, before a command on the same line:
	// "YES 4 ", "Yes, 4/5. ", "no - ".
	answerPrefix = mustPattern(`^[^\pL\pN\n]*(?:(?:` + yesWords + `|` + noWords + `|met)\b|[1-5](?:[ \t]*/[ \t]*5)?\b)(?:[ \t,.;:!/\-]+(?:(?:` + yesWords + `|` + noWords + `)\b|[1-5](?:[ \t]*/[ \t]*5)?\b))*[ \t,.;:!\-]+([\pL]+)`)
	// What separates a command word from its words: "STORY: …", "THANKS - …".
	commandSeparator = mustPattern(`^[ \t]*[:,;.!\-–—]*[ \t]*`)
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
	// The emails' own words for a rematch in each language. They are also
	// everyday verbs ("Changer de créneau ?"), so strictWords holds them to
	// capitals, a colon or a line of their own, even on the first line.
	"wechseln": CommandRematch, "partnerwechsel": CommandRematch, "changer": CommandRematch, "cambiar": CommandRematch,
	"cambiare": CommandRematch, "trocar": CommandRematch, "wisselen": CommandRematch,
	"language": CommandLanguage, "sprache": CommandLanguage, "langue": CommandLanguage, "idioma": CommandLanguage,
	"lingua": CommandLanguage, "taal": CommandLanguage,
	"goal": CommandGoal, "ziel": CommandGoal, "objectif": CommandGoal, "objetivo": CommandGoal, "obiettivo": CommandGoal, "doel": CommandGoal,
	"share": CommandShare, "teilen": CommandShare, "partager": CommandShare, "compartir": CommandShare, "condividi": CommandShare,
	"partilhar": CommandShare, "compartilhar": CommandShare, "delen": CommandShare,
}

// strictWords are command words that are also ordinary words at the start
// of a sentence: they count only when unmistakable.
var strictWords = map[string]bool{
	"wechseln": true, "changer": true, "cambiar": true, "cambiare": true, "trocar": true, "wisselen": true,
	"language": true, "sprache": true, "langue": true, "idioma": true, "lingua": true, "taal": true,
	"goal": true, "ziel": true, "objectif": true, "objetivo": true, "obiettivo": true, "doel": true,
	"share": true, "teilen": true, "partager": true, "compartir": true, "condividi": true, "partilhar": true, "compartilhar": true, "delen": true,
}

// languageRequest is a line that asks, in words, for emails in another
// language: "In French, please", "Auf Deutsch bitte", "En español, por
// favor", "Em português", "In het Nederlands graag".
var languageRequest = mustPattern(`^[^\pL
]*(?:(?:please|bitte|por favor|per favore|s'il vous plait|svp|graag)[ 	,]+)?(?:(?:please )?(?:write|send|email)(?: (?:to )?me)?(?: the emails)? )?(?:in het|in|auf|en|em)[ 	]+([\pL]+)[ 	,.!]*(?:please|bitte|por favor|per favore|s'il vous plait|svp|graag|alsjeblieft)?[ 	.!]*$`)

// thanksWords open an explicit THANKS; the two-word forms are matched by
// their first word and checked for the second.
var thanksWords = map[string]*pattern{
	"thanks": nil, "thank": mustPattern(`^[ \t]+(you)\b`), "danke": nil, "merci": nil, "gracias": nil,
	"grazie": nil, "obrigado": nil, "obrigada": nil, "bedankt": nil, "dank": mustPattern(`^[ \t]+(je|u)\b`),
}

// foundCommand is a command located in folded text: the command word's
// span, where its words start, and the line it is on.
type foundCommand struct {
	cmd                Command
	spanStart          int // a leading "please" is part of the command
	wordStart, wordEnd int
	textStart          int
	lineStart, lineEnd int
	// argStart, argEnd: a LANGUAGE request's language, when asked in words.
	argStart, argEnd     int
	shoutedOrColon, only bool
}

// findCommands returns the commands in s[from:to] (folded text of orig),
// in order.
func findCommands(f folded, orig string, from, to int) []foundCommand {
	s := f.s
	var out []foundCommand
	first := true
	for ls := from; ls < to; {
		le := strings.IndexByte(s[ls:to], '\n')
		if le < 0 {
			le = to
		} else {
			le += ls
		}
		line := s[ls:le]
		if strings.TrimSpace(line) == "" {
			ls = le + 1
			continue
		}
		if c, ok := commandOnLine(f, orig, ls, le, first); ok {
			out = append(out, c)
		} else if m := languageRequest.FindStringSubmatchIndex(line); m != nil && isLanguageName(line[m[2]:m[3]]) {
			out = append(out, foundCommand{cmd: CommandLanguage, spanStart: ls, wordStart: ls, wordEnd: ls, textStart: ls, lineStart: ls, lineEnd: le,
				argStart: ls + m[2], argEnd: ls + m[3]})
		} else if first && len(strings.Fields(line)) <= 12 && !negation.MatchString(line) && unsubscribeWording.MatchString(line) {
			// The person's own sentence stays in the free text.
			out = append(out, foundCommand{cmd: CommandStop, spanStart: ls, wordStart: ls, wordEnd: ls, textStart: le, lineStart: ls, lineEnd: le})
		}
		if len(out) >= maxCommands {
			break
		}
		first = false
		ls = le + 1
	}
	return out
}

// maxCommands bounds the commands read from one reply.
const maxCommands = 8

// commandOnLine reads a command at the start of the line [ls, le), or
// right after an answer on it.
func commandOnLine(f folded, orig string, ls, le int, first bool) (foundCommand, bool) {
	s := f.s
	line := s[ls:le]
	try := func(ws, we int, leading bool) (foundCommand, bool) {
		word := strings.ReplaceAll(s[ws:we], "-", "")
		rest := s[we:le]
		caps := shouted(orig, f, ws, we)
		colon := strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":")
		c := foundCommand{spanStart: ws, wordStart: ws, wordEnd: we, lineStart: ls, lineEnd: le}
		if cmd, end, ok := privateCommand(f, orig, ws, we, le, leading && first); ok {
			// NOT WITH, ASSISTANT (preferences.go).
			c.cmd, c.wordEnd = cmd, end
		} else if second, ok := thanksWords[word]; ok {
			if second != nil {
				m := second.FindStringSubmatchIndex(rest)
				if m == nil {
					return c, false
				}
				c.wordEnd = we + m[1]
				caps = caps && shouted(orig, f, we+m[2], we+m[3])
				rest = s[c.wordEnd:le]
			}
			if !caps {
				return c, false
			}
			c.cmd = CommandThanks
		} else if cmd, ok := commandWords[word]; ok {
			only := onlyPoliteness.MatchString(rest)
			if strictWords[word] {
				// Alone, or with a language after LANGUAGE.
				only = only || cmd == CommandLanguage && len(strings.Fields(rest)) == 1 && isLanguageName(strings.Trim(rest, " \t.,!:"))
				if !(caps || colon || (leading && only)) {
					return c, false
				}
				// "Idioma: no sé" is a sentence; "LANGUAGE Klingon" is a
				// request Upward answers, even for a language it lacks.
				if cmd == CommandLanguage && !caps && !isLanguageName(firstWord(commandSeparator.ReplaceAllString(rest, ""))) {
					return c, false
				}
			} else if !(caps || colon || (leading && (first || only))) {
				return c, false
			}
			c.cmd = cmd
		} else {
			return c, false
		}
		c.textStart = c.wordEnd + len(commandSeparator.FindString(s[c.wordEnd:le]))
		return c, true
	}
	if m := commandWord.FindStringSubmatchIndex(line); m != nil {
		if c, ok := try(ls+m[4], ls+m[5], true); ok {
			c.spanStart = ls + m[0]
			return c, true
		}
	}
	if m := answerPrefix.FindStringSubmatchIndex(line); m != nil {
		if c, ok := try(ls+m[2], ls+m[3], false); ok {
			return c, true
		}
	}
	return foundCommand{}, false
}

// commandText returns the extent of a STORY's or THANKS's words in folded
// text: a story runs to the next command's line or to end; a thank-you to
// the end of its paragraph (the next paragraph when the command stands
// alone on its line), so nothing written after it is forwarded by
// accident.
func commandText(s string, c foundCommand, next, end int) (int, int) {
	start := c.textStart
	stop := end
	if next >= 0 && next < stop {
		stop = next
	}
	if start >= stop {
		return stop, stop
	}
	if c.cmd != CommandThanks {
		return start, stop
	}
	if strings.TrimSpace(s[start:c.lineEnd]) == "" {
		// "THANKS" alone: its words are the next paragraph.
		start = c.lineEnd
		for start < stop && (s[start] == '\n' || s[start] == ' ' || s[start] == '\t') {
			start++
		}
	}
	if i := strings.Index(s[start:stop], "\n\n"); i >= 0 {
		stop = start + i
	}
	return start, stop
}

// isLanguageName reports whether a folded word names a language Upward
// writes.
func isLanguageName(word string) bool {
	_, ok := lang.Parse(word)
	return ok
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return strings.Trim(f[0], ".,!:;")
	}
	return ""
}
