package replies

import (
	"regexp"
	"strings"
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
	return keepWritten(lines[:cut])
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
	lines := make([]line, len(raws))
	for i, r := range raws {
		lines[i] = line{raw: r, t: strings.TrimSpace(r)}
		lines[i].kind = lineKindOf(r, lines[i].t)
	}
	// Header blocks and attributions need to see the lines that follow.
	for i := range lines {
		if lines[i].kind != lineText || len(lines[i].t) > maxPatternLine {
			continue
		}
		if isHeaderBlock(lines, i) {
			lines[i].kind = lineCut
			continue
		}
		if end, strong := attributionAt(lines, i); end > i {
			quoteFollows := nextNonBlank(lines, end) < len(lines) && lines[nextNonBlank(lines, end)].kind == lineQuoted
			switch {
			case quoteFollows:
				for j := i; j < end; j++ {
					lines[j].kind = lineAttribution
				}
			case strong:
				lines[i].kind = lineCut
			}
		}
	}
	return lines
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
	case separatorLine.MatchString(t), forwardedLine.MatchString(t):
		return lineCut
	case len(t) <= 100 && len(strings.Fields(t)) <= 8 && isMobileSignature(t):
		return lineMobileSig
	case len(t) >= 40 && disclaimerLine.MatchString(t):
		return lineDisclaimer
	case noiseLine.MatchString(t):
		return lineNoise
	}
	return lineText
}

var (
	// "-----Original Message-----" and its translations, Samsung's
	// "-------- Original message --------", Gmail's forward marker.
	separatorLine = regexp.MustCompile(`(?i)^[-_=*~ ]{2,}\s*(original message|original e-?mail|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada|mensagem reencaminhada|oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|originalmeddelande|oprindelig meddelelse|opprinnelig melding|alkuperäinen viesti|wiadomość oryginalna|oryginalna wiadomość|původní zpráva|исходное сообщение|forwarded message|weitergeleitete nachricht|message transféré|reply message)\s*[-_=*~ ]{2,}:?$`)
	forwardedLine = regexp.MustCompile(`(?i)^([-\s]*below this line is a copy of the message\.?|[-\s]*this is a copy of the message, including all the headers\.?[-\s]*|begin forwarded message|anfang der weitergeleiteten nachricht|début du message (réexpédié|transféré)|inicio del mensaje reenviado|comienzo del mensaje reenviado|inizio messaggio inoltrato|início da mensagem (reencaminhada|encaminhada)|begin doorgestuurd bericht)\s*:?$`)

	mobileSignatures = []*regexp.Regexp{
		// "Sent from my iPhone", "Sent with Proton Mail", "Envoyé de mon
		// iPhone", "Enviado desde mi…", "Inviato da iPhone", "Enviado do
		// meu…", "Verzonden vanaf mijn…", "Gesendet von meinem…", …
		regexp.MustCompile(`(?i)^(sent|envoyé|envoye|enviado|enviada|inviato|verzonden|verstuurd|gesendet|sendt|skickat|lähetetty|wysłane|odesláno)\s+(from|with|via|using|on|de|depuis|à partir de|a partir de|avec|desde|con|do|dal|dalla|da|vanaf|met|von|mit|fra|från|med|z|ze)\s+\S`),
		regexp.MustCompile(`(?i)^von meine[mr]? .{1,60} gesendet`),
		// "Get Outlook for iOS" and translations.
		regexp.MustCompile(`(?i)^(get|download|holen sie sich|obtener|obtenga|descargar|descarga|scarica|ottieni|obter|obtenha|baixe|télécharger|telecharger|haal)\s.{0,30}outlook\s(for|für|para|pour|per|voor)\s+(ios|android|iphone)`),
		regexp.MustCompile(`(?i)^outlook\s(voor|for|für|pour|para|per)\s+(ios|android)\s+(downloaden|herunterladen|télécharger|scaricare|descargar|baixar)`),
	}

	disclaimerLine = regexp.MustCompile(`(?i)(intended (solely |only )?for the (use of the )?(individual|person|addressee|recipient|named)|if you are not the intended recipient|if you have received this (e-?mail|message|communication) in error|confidentiality notice|this (e-?mail|message|communication)( and any (attachments?|files)( transmitted with it)?)? (is|are|may contain|contains|may be) (confidential|privileged|strictly confidential)|diese (e-?mail|nachricht) (enthält|kann) vertrauliche|ce (message|courriel)( et (ses|toutes les) pièces jointes)? (est|sont) (confidentiel|strictement confidentiel|établi)|este (mensaje|correo)( y sus anexos)? (es|son|contiene|puede contener) (confidencial|información)|questo messaggio .{0,60}(riservat|confidenzial)|esta mensagem .{0,60}(confidencia|sigilos)|dit (e-?mail)?bericht .{0,60}vertrouwelijk)`)

	noiseLine = regexp.MustCompile(`(?i)^(\[(quoted text hidden|texto citado oculto|zitierten text ausblenden|texte des messages précédents masqué|testo citato nascosto|geciteerde tekst verborgen)\]|- (show|hide) quoted text -)$`)
)

func isMobileSignature(t string) bool {
	for _, re := range mobileSignatures {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

var (
	// The first field of a quoted message's header block, in the clients'
	// languages; Gmail renders Outlook's bold labels as "*From:*".
	fromField = regexp.MustCompile(`(?i)^[*_]{0,2}\s*(from|von|de|da|van|fra|från|od|от|lähettäjä|feladó|kimden|από|expéditeur|remitente|mittente|remetente|afzender|absender)\s*[*_]{0,2}\s*:`)
	// The fields that follow it.
	headerField = regexp.MustCompile(`(?i)^[*_]{0,2}\s*(sent|date|to|cc|bcc|subject|reply-to|importance|gesendet|datum|an|betreff|kopie|antwort an|envoyé|envoye|à|a|objet|cc|répondre à|enviado|enviada|fecha|para|asunto|responder a|inviato|data|oggetto|rispondi a|assunto|verzonden|verstuurd|aan|onderwerp|beantwoorden|skickat|till|ämne|sendt|til|emne|lähetetty|vastaanottaja|aihe|wysłano|do|temat|odesláno|komu|předmět|отправлено|кому|тема|tarih|kime|konu|gönderildi)\s*[*_]{0,2}\s*:`)
	// All of it on one line, as some HTML-to-text conversions leave it.
	inlineHeaderBlock = regexp.MustCompile(`(?i)^[*_]{0,2}\s*(from|von|de|da|van|fra|från|od)\s*[*_]{0,2}\s*:.+?\s[*_]{0,2}(sent|date|gesendet|datum|envoyé|enviado|enviada|fecha|inviato|data|verzonden)\s*[*_]{0,2}\s*:.+?\s[*_]{0,2}(to|an|à|a|para|aan|till|til)\s*[*_]{0,2}\s*:`)
	separatorOnly     = regexp.MustCompile(`^[-_=~*]{4,}$`)
)

// isHeaderBlock reports whether a quoted message's header block starts at
// line i: a From field followed closely by at least two more fields (one
// after a separator line), or all of it on one line.
func isHeaderBlock(lines []line, i int) bool {
	t := lines[i].t
	if !fromField.MatchString(t) {
		// Hotmail and some webmails start with Date: or Subject:; then
		// three fields, one of them From, make a block.
		return headerField.MatchString(t) && headerBlockFrom(lines, i)
	}
	if inlineHeaderBlock.MatchString(t) {
		return true
	}
	need := 2
	if p := prevNonBlank(lines, i); p >= 0 && separatorOnly.MatchString(lines[p].t) {
		need = 1
	}
	fields, seen := 0, 0
	for j := i + 1; j < len(lines) && seen < 6; j++ {
		l := lines[j]
		if l.kind == lineBlank {
			continue
		}
		seen++
		if len(l.t) <= maxPatternLine && headerField.MatchString(l.t) {
			fields++
			if fields >= need {
				return true
			}
		}
	}
	return false
}

// headerBlockFrom reports whether the header field at line i is followed
// closely by at least two more fields, one of them From.
func headerBlockFrom(lines []line, i int) bool {
	fields, from, seen := 1, false, 0
	for j := i + 1; j < len(lines) && seen < 5; j++ {
		l := lines[j]
		if l.kind == lineBlank {
			continue
		}
		seen++
		if len(l.t) > maxPatternLine {
			return false
		}
		switch {
		case fromField.MatchString(l.t):
			from = true
		case headerField.MatchString(l.t):
		default:
			return false
		}
		fields++
		if fields >= 3 && from {
			return true
		}
	}
	return false
}

const attributionVerbs = `wrote|writes|schrieb|schreef|a écrit|a ecrit|escribió|escribio|ha scritto|escreveu|skrev|napisał|napisała|napisał\(a\)|napsal|napsala|napsal\(a\)|kirjoitti|yazdı|írta|έγραψε|написал|написала|написал\(а\)|写道|寫道|のメッセージ`

var (
	// An attribution ends with a verb of writing and a colon, possibly
	// with the author and date after the verb: "On Tue, 3 Mar 2026 at
	// 09:14, Ann <a@b> wrote:", "Am 03.03.2026 um 09:14 schrieb Ann
	// <a@b>:", "Le mar. 3 mars 2026 à 09:14, Ann a écrit :", "El mar, 3
	// mar 2026 a las 9:14, Ann escribió:", "Il giorno … ha scritto:", "Em …
	// escreveu:", "Op … schreef Ann:".
	attributionVerb = regexp.MustCompile(`(?i)(` + attributionVerbs + `)(\s.*)?\s*[:：]\s*$`)
	// It is strong enough to end a reply without a ">" quote after it when
	// it starts the way clients start one, or names an address.
	attributionStart = regexp.MustCompile(`(?i)^[*_\s]{0,3}(on|am|le|el|il|em|op|den|dne|w dniu|på|kl\.|quoting|zitat von|citando|citation de|cytat)\s`)
	// Horde and webmail: "Quoting Ann <a@b>:".
	attributionQuoting = regexp.MustCompile(`(?i)^(quoting|zitat von|citando|citation de|cytat|citeren)\s.+@.+[:：]\s*$`)
	// A bare date or time and an address, as Gmail writes in languages
	// where the verb is not at the end ("2026年3月3日(火) 9:14 Ann <a@b>:",
	// "вт, 3 мар. 2026 г. в 09:14, Ann <a@b>:").
	attributionDated = regexp.MustCompile(`(?i)(\d{1,2}:\d{2}|\b(19|20)\d{2}\b|\d{4}年).*(<[^<>\s@]+@[^<>\s]+>|\S+@\S+\.\pL{2,}).{0,40}[:：]\s*$`)
	hasDateOrAddress = regexp.MustCompile(`\d|@`)
	addressLine      = regexp.MustCompile(`\S+@\S+\.\pL{2,}.{0,80}[:：]\s*$`)
)

// attributionAt looks for an attribution starting at line i, joining up to
// four wrapped lines (clients wrap long ones at 72–78 columns). It returns
// the line after it, or i when there is none, and whether it is strong
// enough to end the reply when no ">" quote follows.
func attributionAt(lines []line, i int) (end int, strong bool) {
	const maxLines = 4
	// Find the line ending the candidate: the first one ending with a colon.
	last := -1
	for j := i; j < len(lines) && j < i+maxLines; j++ {
		if lines[j].kind != lineText || len(lines[j].t) > 500 {
			break
		}
		if strings.HasSuffix(lines[j].t, ":") || strings.HasSuffix(lines[j].t, "：") {
			last = j
			break
		}
		if j > i && (strings.HasSuffix(lines[j-1].t, ".") || strings.HasSuffix(lines[j-1].t, "!") || strings.HasSuffix(lines[j-1].t, "?")) {
			break // a sentence ended: not a wrapped header
		}
	}
	if last < 0 {
		return i, false
	}
	// If a later line starts a strong attribution on its own, line i is
	// the person's ("Thanks" written right above "On … wrote:").
	for k := i + 1; k <= last; k++ {
		if !attributionStart.MatchString(lines[k].t) {
			continue
		}
		if ok, strong := isAttribution(joinLines(lines, k, last), k == last); ok && strong {
			return i, false
		}
	}
	if ok, strong := isAttribution(joinLines(lines, i, last), i == last); ok {
		return last + 1, strong
	}
	return i, false
}

func joinLines(lines []line, from, to int) string {
	if from == to {
		return lines[from].t
	}
	parts := make([]string, 0, to-from+1)
	for j := from; j <= to; j++ {
		parts = append(parts, lines[j].t)
	}
	return strings.Join(parts, " ")
}

// isAttribution tests one candidate; single says it is one line, which
// the weak forms require.
func isAttribution(s string, single bool) (ok, strong bool) {
	switch {
	case attributionVerb.MatchString(s):
		strong := hasDateOrAddress.MatchString(s) && (attributionStart.MatchString(s) || strings.Contains(s, "@"))
		if strong || (single && len(s) <= 200) {
			return true, strong
		}
	case attributionQuoting.MatchString(s):
		return true, true
	case single && len(s) <= 200 && strings.Contains(s, "@") && addressLine.MatchString(s):
		// mutt's "* Ann <a@b> [2026-03-03 09:14]:" and other forms that
		// only name the author; taken only above a ">" quote.
		return true, false
	case attributionDated.MatchString(s) && !headerField.MatchString(s) && !fromField.MatchString(s):
		return true, true
	}
	return false, false
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
		if r := trimBlankLines(run); len(r) > 0 {
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
