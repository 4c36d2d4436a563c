package replies

import "strings"

// A quoted message that is not prefixed with ">" starts with a separator
// line ("-----Original Message-----" in the client's language) or with a
// block of header fields (Outlook's From:/Sent:/To:/Subject:, translated).
// Everything from there on is the quoted thread.

// originalMessage names the "original message" and "forwarded message"
// separators in the languages clients are localised in.
const originalMessage = `original message|original e-?mail|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada|mensagem reencaminhada|oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|originalmeddelande|ursprungligt meddelande|vidarebefordrat meddelande|oprindelig meddelelse|oprindelig besked|oprindelig e-?mail|videresendt meddelelse|opprinnelig melding|opprinnelig e-?post|videresendt melding|alkuperäinen viesti|välitetty viesti|wiadomość oryginalna|oryginalna wiadomość|wiadomość przekazana|původní zpráva|pôvodná správa|přeposlaná zpráva|eredeti üzenet|orijinal mesaj|mesaj original|izvorna poruka|αρχικό μήνυμα|исходное сообщение|пересланное сообщение|оригинальное сообщение|原始邮件|原始郵件|转发邮件|元のメッセージ|転送メッセージ|원본 메시지|전달된 메시지|forwarded message|weitergeleitete nachricht|message transféré|reply message`

var (
	// "-----Original Message-----" and its translations, Samsung's
	// "-------- Original message --------", Gmail's forward marker.
	separatorLine = mustPattern(`(?i)^[-_=*~ ]{2,}\s*(` + originalMessage + `)\s*[-_=*~ ]{2,}[:：]?$`)
	// Any short title framed by dashes ("-------- Opprinnelig melding
	// --------" in a language not listed): a separator when a header
	// field or an address follows it.
	framedTitle   = mustPattern(`^[-_=]{2,}\s*[\pL][\pL\s'’.]{0,38}\s*[-_=]{2,}[:：]?$`)
	forwardedLine = mustPattern(`(?i)^([-\s]*below this line is a copy of the message\.?|[-\s]*this is a copy of the message, including all the headers\.?[-\s]*|begin forwarded message|anfang der weitergeleiteten nachricht|début du message (réexpédié|transféré)|inicio del mensaje reenviado|comienzo del mensaje reenviado|inizio messaggio inoltrato|início da mensagem (reencaminhada|encaminhada)|begin doorgestuurd bericht)\s*[:：]?$`)

	// The first field of a quoted message's header block, in the clients'
	// languages; Gmail renders Outlook's bold labels as "*From:*", Chinese
	// and Japanese Outlook write a full-width colon.
	fromField = mustPattern(`(?i)^[*_]{0,2}\s*(from|von|de|da|van|fra|från|od|от|від|lähettäjä|feladó|kimden|από|expéditeur|remitente|mittente|remetente|afzender|absender|发件人|發件人|寄件者|寄件人|差出人|送信者|보낸 사람|보낸사람)\s*[*_]{0,2}\s*[:：]`)
	// The fields that follow it.
	headerField = mustPattern(`(?i)^[*_]{0,2}\s*(sent|date|to|cc|bcc|subject|reply-to|importance|gesendet|datum|an|betreff|kopie|antwort an|envoyé|envoye|à|a|objet|répondre à|enviado|enviada|fecha|para|asunto|responder a|inviato|data|oggetto|rispondi a|assunto|verzonden|verstuurd|aan|onderwerp|beantwoorden|skickat|till|ämne|sendt|til|emne|lähetetty|vastaanottaja|aihe|wysłano|do|temat|odesláno|komu|předmět|отправлено|дата|кому|копия|тема|tarih|kime|konu|gönderildi|发送时间|發送時間|日期|时间|時間|收件人|收件者|抄送|副本|主题|主題|主旨|寄件日期|送信日時|日時|宛先|件名|받는 사람|받는사람|날짜|보낸 날짜|제목|참조)\s*[*_]{0,2}\s*[:：]`)
	// The fields that date a message: with From, they make a block alone.
	dateField = mustPattern(`(?i)^[*_]{0,2}\s*(sent|date|gesendet|datum|envoyé|envoye|enviado|enviada|fecha|inviato|data|verzonden|verstuurd|skickat|sendt|lähetetty|wysłano|odesláno|отправлено|дата|tarih|gönderildi|发送时间|發送時間|日期|时间|時間|寄件日期|送信日時|日時|날짜|보낸 날짜)\s*[*_]{0,2}\s*[:：]`)
	// All of it on one line, as some HTML-to-text conversions leave it.
	inlineHeaderBlock = mustPattern(`(?i)^[*_]{0,2}\s*(from|von|de|da|van|fra|från|od)\s*[*_]{0,2}\s*:.+?\s[*_]{0,2}(sent|date|gesendet|datum|envoyé|enviado|enviada|fecha|inviato|data|verzonden)\s*[*_]{0,2}\s*:.+?\s[*_]{0,2}(to|an|à|a|para|aan|till|til)\s*[*_]{0,2}\s*:`)
	separatorOnly     = mustPattern(`^[-_=~*]{4,}$`)
)

// isField reports whether t is a header field of p's kind. A field's
// colon comes within its first few words, which settles most lines before
// the field patterns (dozens of names in many languages) run.
func isField(p *pattern, t string) bool {
	i := strings.IndexAny(t, ":：")
	return i >= 0 && i <= maxFieldName && p.MatchString(t)
}

// maxFieldName bounds the bytes before a field's colon: the longest name
// ("vastaanottaja", "보낸 사람") with Gmail's "*…*" and spaces around.
const maxFieldName = 40

// isHeaderBlock reports whether a quoted message's header block starts at
// line i: a From field followed closely by a date field, or by two more
// fields (one after a separator line), or all of it on one line; or a
// block that starts with another field and names From within it.
func isHeaderBlock(lines []line, i int) bool {
	t := lines[i].t
	if !isField(fromField, t) {
		return isField(headerField, t) && headerBlockFrom(lines, i)
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
		if len(l.t) > maxPatternLine || !isField(headerField, l.t) {
			continue
		}
		fields++
		if fields >= need || (fields == 1 && seen == 1 && isField(dateField, l.t)) {
			return true
		}
	}
	return false
}

// headerBlockFrom reports whether the header field at line i is followed
// closely by more fields, one of them From: three fields, or two when one
// of them dates the message ("Date:" then "From:").
func headerBlockFrom(lines []line, i int) bool {
	fields, from, seen := 1, false, 0
	dated := isField(dateField, lines[i].t)
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
		case isField(fromField, l.t):
			from = true
		case isField(headerField, l.t):
			dated = dated || isField(dateField, l.t)
		default:
			return false
		}
		fields++
		if from && (fields >= 3 || dated) {
			return true
		}
	}
	return false
}

// isFramedSeparator: a short title framed by dashes, followed within two
// lines by a header field or an address.
func isFramedSeparator(lines []line, i int) bool {
	if !framedLine(lines[i].t) || !framedTitle.MatchString(lines[i].t) {
		return false
	}
	seen := 0
	for j := i + 1; j < len(lines) && seen < 2; j++ {
		l := lines[j]
		if l.kind == lineBlank {
			continue
		}
		seen++
		if len(l.t) <= maxPatternLine && (isField(fromField, l.t) || isField(headerField, l.t) || addrSpec.MatchString(l.t)) {
			return true
		}
	}
	return false
}
