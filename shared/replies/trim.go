package replies

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// TrimQuoted returns what the person wrote in a plain-text reply, with the
// quoted thread and their signature removed and their own lines kept in
// order.
//
// The rule, whatever the client: lines quoted with ">" are dropped along
// with the attribution line above them ("On … wrote:"), and what is between
// them is kept, so top-posted, bottom-posted and inline answers all
// survive. A quoted message that is not prefixed — an Outlook-style header
// block (From:/Sent:/To:/Subject: in any language), an "Original Message"
// separator, or an attribution followed by unprefixed text — ends the reply:
// everything from it on is dropped. Within what is kept, a signature ("-- ",
// "Sent from my iPhone", a confidentiality notice) ends its paragraph run.
//
// It is linear in the length of text: each line is looked at a bounded
// number of times by linear-time regular expressions.
func TrimQuoted(text string) string {
	lines := classifyLines(text)
	cut := findCut(lines)
	if out := keepWritten(lines[:cut]); out != "" {
		return out
	}
	return wordsBeforeAuthor(lines[:cut])
}

// TrimQuotedHTML is TrimQuoted for HTML-only mail: the quote containers
// clients mark (div.gmail_quote's blockquotes, blockquote type=cite,
// #divRplyFwdMsg, #appendonsend, .moz-cite-prefix, .yahoo_quoted,
// .protonmail_quote …) and signature elements are removed while converting
// to text, then the plain-text rules apply to the rest.
func TrimQuotedHTML(src string) string {
	return TrimQuoted(htmlToText(src, htmlReply))
}

type lineKind uint8

const (
	lineText lineKind = iota
	lineBlank
	lineQuoted      // starts with ">"
	lineAttribution // "On … wrote:" above a ">" quote (possibly one of several wrapped lines)
	lineCut         // a quoted message that is not prefixed starts here
	lineSigDelim    // "-- "
	lineMobileSig   // "Sent from my iPhone" and friends
	lineDisclaimer  // a confidentiality notice a gateway appended
	lineNoise       // "[Quoted text hidden]"
)

type line struct {
	raw  string // without the line end
	t    string // trimmed of surrounding white space
	kind lineKind
}

// maxPatternLine: longer lines are text; no client writes a quote header
// or signature line this long, and it keeps the regular expressions cheap.
const maxPatternLine = 1000

func classifyLines(text string) []line {
	text = normaliseText(text)
	// Non-breaking spaces (French "a écrit :", HTML &nbsp;) are spaces here.
	text = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ").Replace(text)
	raws := strings.Split(text, "\n")
	lines := make([]line, 0, len(raws))
	for _, r := range raws {
		l := line{raw: r, t: strings.TrimSpace(r)}
		l.kind = lineKindOf(r, l.t)
		lines = append(lines, l)
	}
	lines = splitInnerAttributions(lines)
	// Header blocks and attributions need to see the lines that follow.
	for i := range lines {
		if lines[i].kind != lineText || len(lines[i].t) > maxPatternLine {
			continue
		}
		if isHeaderBlock(lines, i) || isFramedSeparator(lines, i) {
			lines[i].kind = lineCut
			continue
		}
		if end, strong := attributionAt(lines, i); end > i {
			next := nextNonBlank(lines, end)
			quoteFollows := next < len(lines) && lines[next].kind == lineQuoted
			switch {
			case quoteFollows, next == len(lines) && (strong || attributionStart.MatchString(lines[i].t)):
				// Above a quote, or left alone at the end by someone who
				// deleted the quote under it.
				for j := i; j < end; j++ {
					lines[j].kind = lineAttribution
				}
			case strong:
				lines[i].kind = lineCut
			}
		}
	}
	markRewrappedQuotes(lines)
	return lines
}

// splitInnerAttributions splits a line that holds the person's words and
// then an attribution ("Works for me On Thu, … wrote:") into two lines, so
// the words are kept. It only copies the slice when a line is split.
func splitInnerAttributions(lines []line) []line {
	var out []line
	for i := range lines {
		at := -1
		if lines[i].kind == lineText {
			at = splitInnerAttribution(lines, i)
		}
		if at < 0 {
			if out != nil {
				out = append(out, lines[i])
			}
			continue
		}
		if out == nil {
			out = append(make([]line, 0, len(lines)+4), lines[:i]...)
		}
		head, tail := lines[i].raw[:at], lines[i].raw[at:]
		out = append(out, line{raw: head, t: strings.TrimSpace(head), kind: lineText},
			line{raw: tail, t: strings.TrimSpace(tail), kind: lineText})
	}
	if out == nil {
		return lines
	}
	return out
}

// markRewrappedQuotes marks as quoted the end of a quoted line that a
// client re-wrapped without its ">": an unprefixed line that directly
// follows a long quoted line cut off mid-sentence, starts in lower case,
// is shorter than it, and is followed by another quoted line, a blank
// line or the end. An answer typed between quoted questions follows a
// question mark or a full stop, or starts with a capital.
func markRewrappedQuotes(lines []line) {
	for i := 1; i < len(lines); i++ {
		if lines[i].kind != lineText || lines[i-1].kind != lineQuoted {
			continue
		}
		q := strings.TrimSpace(strings.TrimLeft(lines[i-1].t, "> "))
		t := lines[i].t
		if len(q) < 40 || len(t) >= len(q) || strings.ContainsAny(q[len(q)-1:], ".?!:;)") {
			continue
		}
		r, _ := utf8.DecodeRuneInString(t)
		if !unicode.IsLower(r) {
			continue
		}
		if i+1 < len(lines) && lines[i+1].kind != lineQuoted && lines[i+1].kind != lineBlank {
			continue
		}
		lines[i].kind = lineQuoted
	}
}

func lineKindOf(raw, t string) lineKind {
	switch {
	case t == "":
		return lineBlank
	case t[0] == '>':
		return lineQuoted
	case t == markCut:
		return lineCut
	case t == markAttribution:
		return lineAttribution
	case t == "--" || raw == "-- ":
		return lineSigDelim
	case len(t) > maxPatternLine:
		return lineText
	case framedLine(t) && (separatorLine.MatchString(t) || framedVerb.MatchString(t)),
		len(t) <= 80 && forwardedLine.MatchString(t):
		return lineCut
	case len(t) <= 100 && len(strings.Fields(t)) <= 8 && isMobileSignature(t):
		return lineMobileSig
	case len(t) >= 40 && disclaimerLine.MatchString(t):
		return lineDisclaimer
	case (t[0] == '[' || t[0] == '-') && noiseLine.MatchString(t):
		return lineNoise
	}
	return lineText
}

var (
	mobileSignatures = []*pattern{
		// "Sent from my iPhone", "Sent with Proton Mail", "Envoyé de mon
		// iPhone", "Enviado desde mi…", "Inviato da iPhone", "Enviado do
		// meu…", "Verzonden vanaf mijn…", "Gesendet von meinem…", …
		mustPattern(`(?i)^(sent|envoyé|envoye|enviado|enviada|inviato|verzonden|verstuurd|gesendet|sendt|skickat|lähetetty|wysłane|odesláno)\s+(from|with|via|using|on|de|depuis|à partir de|a partir de|avec|desde|con|do|dal|dalla|da|vanaf|met|von|mit|fra|från|med|z|ze)\s+\S`),
		mustPattern(`(?i)^von meine[mr]? .{1,60} gesendet`),
		// "Get Outlook for iOS" and translations.
		mustPattern(`(?i)^(get|download|holen sie sich|obtener|obtenga|descargar|descarga|scarica|ottieni|obter|obtenha|baixe|télécharger|telecharger|haal)\s.{0,30}outlook\s(for|für|para|pour|per|voor)\s+(ios|android|iphone)`),
		mustPattern(`(?i)^outlook\s(voor|for|für|pour|para|per)\s+(ios|android)\s+(downloaden|herunterladen|télécharger|scaricare|descargar|baixar)`),
	}

	disclaimerLine = mustPattern(`(?i)(intended (solely |only )?for the (use of the )?(individual|person|addressee|recipient|named)|if you are not the intended recipient|if you have received this (e-?mail|message|communication) in error|confidentiality notice|this (e-?mail|message|communication)( and any (attachments?|files)( transmitted with it)?)? (is|are|may contain|contains|may be) (confidential|privileged|strictly confidential)|diese (e-?mail|nachricht) (enthält|kann) vertrauliche|ce (message|courriel)( et (ses|toutes les) pièces jointes)? (est|sont) (confidentiel|strictement confidentiel|établi)|este (mensaje|correo)( y sus anexos)? (es|son|contiene|puede contener) (confidencial|información)|questo messaggio .{0,60}(riservat|confidenzial)|esta mensagem .{0,60}(confidencia|sigilos)|dit (e-?mail)?bericht .{0,60}vertrouwelijk)`)

	noiseLine = mustPattern(`(?i)^(\[(quoted text hidden|texto citado oculto|zitierten text ausblenden|texte des messages précédents masqué|testo citato nascosto|geciteerde tekst verborgen)\]|- (show|hide) quoted text -)$`)
)

func isMobileSignature(t string) bool {
	for _, re := range mobileSignatures {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

func nextNonBlank(lines []line, i int) int {
	for i < len(lines) && lines[i].kind == lineBlank {
		i++
	}
	return i
}

func prevNonBlank(lines []line, i int) int {
	for i--; i >= 0 && lines[i].kind == lineBlank; i-- {
	}
	return i
}

// findCut returns the index of the first line of an unprefixed quoted
// message, moved up over the blank and separator lines ("____") that lead
// into it, or len(lines).
func findCut(lines []line) int {
	cut := len(lines)
	for i, l := range lines {
		if l.kind == lineCut {
			cut = i
			break
		}
	}
	for cut > 0 {
		p := lines[cut-1]
		if p.kind == lineBlank || (p.kind == lineText && separatorOnly.MatchString(p.t)) {
			cut--
			continue
		}
		break
	}
	return cut
}

// keepWritten drops quoted lines and attributions, and signatures to the
// end of their run, and joins the runs of the person's own lines with one
// blank line between them.
func keepWritten(lines []line) string {
	var (
		runs [][]string
		run  []string
		sig  bool
	)
	endRun := func() {
		r := trimBlankLines(run)
		r = trimBlankLines(r[:cardStart(r)])
		if len(r) > 0 {
			runs = append(runs, r)
		}
		run, sig = nil, false
	}
	for i, l := range lines {
		switch l.kind {
		case lineQuoted, lineAttribution:
			endRun()
		case lineSigDelim, lineDisclaimer:
			sig = true
		case lineMobileSig:
			if signatureEndsRun(lines, i) {
				sig = true
			} else if !sig {
				run = append(run, l.raw)
			}
		case lineNoise:
		default:
			if !sig {
				run = append(run, l.raw)
			}
		}
	}
	endRun()
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		blank := false
		first := true
		for _, s := range r {
			s = strings.TrimRight(s, " \t")
			if strings.TrimSpace(s) == "" {
				blank = true
				continue
			}
			if !first {
				b.WriteByte('\n')
				if blank {
					b.WriteByte('\n')
				}
			}
			b.WriteString(s)
			blank, first = false, false
		}
	}
	return b.String()
}

// signatureEndsRun: "Sent from my iPhone" is a signature when at most two
// short lines follow it before the next quote, not when it opens a
// paragraph someone wrote.
func signatureEndsRun(lines []line, i int) bool {
	n := 0
	for j := i + 1; j < len(lines); j++ {
		switch lines[j].kind {
		case lineQuoted, lineAttribution, lineCut:
			return true
		case lineBlank:
		default:
			n++
			if n > 2 {
				return false
			}
		}
	}
	return true
}

func trimBlankLines(r []string) []string {
	for len(r) > 0 && strings.TrimSpace(r[0]) == "" {
		r = r[1:]
	}
	for len(r) > 0 && strings.TrimSpace(r[len(r)-1]) == "" {
		r = r[:len(r)-1]
	}
	return r
}
