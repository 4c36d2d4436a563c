package replies

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTrimQuotedAttributionForms: attributions and separators in the forms
// and languages clients write, above a ">" quote and above a quote that
// is not prefixed. Each ends the reply; the words above it are kept.
func TestTrimQuotedAttributionForms(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"russian gmail", "Да, 4\n\nпт, 12 мар. 2027 г. в 08:41, Ivan Petrov <ivan@example.ru>:\n\n" + unprefixed, "Да, 4"},
		{"russian gmail quoted", "Да\n\nвт, 3 мар. 2026 г., 09:14 Upward <r@u.example>:\n" + checkin, "Да"},
		{"norwegian", "Ja, 5\n\nons. 3. feb. 2027 kl. 16:22 skrev Kari <kari@example.no>:\n\n" + unprefixed, "Ja, 5"},
		{"danish", "Ja\n\nDen tir. 3. mar. 2026 kl. 09.14 skrev Upward <r@u.example>:\n" + checkin, "Ja"},
		{"swedish", "Ja\n\nDen tis 3 mars 2026 kl 09:14 skrev Upward <r@u.example>:\n\n" + unprefixed, "Ja"},
		{"dutch apple", "Ja, 4\n\nOp 9 jan. 2027 om 10:05 heeft Jan <jan@example.nl> het volgende geschreven:\n\n" + unprefixed, "Ja, 4"},
		{"dutch apple quoted", "Ja\n\n> Op 3 mrt. 2026 om 09:14 heeft Upward <r@u.example> het volgende geschreven:\n>\n" + checkin, "Ja"},
		{"french iso date", "Oui\n\nLe 2027-01-14 07:50, Anne a écrit :\n" + unprefixed, "Oui"},
		{"french thunderbird", "Oui\n\nLe 03/03/2026 à 09:14, Upward a écrit :\n" + checkin, "Oui"},
		{"japanese date first", "はい\n\n2027/1/21 Kenji <k@example.jp>\n" + checkin, "はい"},
		{"date first dotted", "Yes\n\n05.02.2027, 09:15, \"Jo Bloggs\" <jo@example.com>:\n\n" + unprefixed, "Yes"},
		{"date first iso", "Yes\n\n2027-02-05 9:15 GMT+01:00 Jo Bloggs <jo@example.com>:\n" + checkin, "Yes"},
		{"zoho", "Yes, 4\n\n---- On Mon, 11 Jan 2027 11:30:02 +0100 jo@example.com wrote ----\n\n" + unprefixed, "Yes, 4"},
		{"zoho german", "Ja\n\n---- Am Mo, 11 Jan 2027 11:30:02 +0100 schrieb jo@example.com ----\n\n" + unprefixed, "Ja"},
		{"danish original", "Ja\n\n-------- Oprindelig besked --------\nFra: Upward <r@u.example>\n" + unprefixed, "Ja"},
		{"norwegian original", "Ja\n\n-----Opprinnelig melding-----\n" + unprefixed, "Ja"},
		{"swedish original", "Ja\n\n-------- Ursprungligt meddelande --------\n" + unprefixed, "Ja"},
		{"polish original", "Tak\n\n-------- Oryginalna wiadomość --------\n" + unprefixed, "Tak"},
		{"chinese original", "好的\n\n------------------ 原始邮件 ------------------\n" + unprefixed, "好的"},
		{"spanish samsung", "Sí\n\n-------- Mensaje original --------\nDe: Upward\nFecha: 03/03/2026 09:14 (GMT+01:00)\n" + unprefixed, "Sí"},
		{"italian forwarded", "Sì\n\n-------- Messaggio inoltrato --------\n" + unprefixed, "Sì"},
		{"chinese outlook", "好的，4\n\n发件人: Upward <r@u.example>\n发送时间: 2026年3月3日 9:14\n收件人: Li Wei\n主题: Check-in\n\n" + unprefixed, "好的，4"},
		{"chinese outlook full-width", "好\n\n发件人：Upward <r@u.example>\n发送时间：2026年3月3日 9:14\n收件人：Li Wei\n主题：Check-in\n" + unprefixed, "好"},
		{"taiwan outlook", "好\n\n寄件者: Upward <r@u.example>\n寄件日期: 2026年3月3日 上午 09:14\n收件者: Li Wei\n主旨: Check-in\n" + unprefixed, "好"},
		{"japanese outlook", "はい\n\n差出人: Upward <r@u.example>\n送信日時: 2026年3月3日 9:14\n宛先: Kenji\n件名: Check-in\n" + unprefixed, "はい"},
		{"russian outlook", "Да\n\nОт: Upward <r@u.example>\nОтправлено: 3 марта 2026 г. 9:14\nКому: Ivan\nТема: Check-in\n" + unprefixed, "Да"},
		{"header block starting with date", "Yes\n\nDate: Tue, 3 Mar 2026 09:14:02 +0000\nFrom: r@u.example\nSubject: Check-in\n\n" + unprefixed, "Yes"},
		{"header block of from and date", "Yes, 3\n\nFrom: Upward <r@u.example>\nDate: Tuesday, 3 March 2026 at 09:14\n\n" + unprefixed, "Yes, 3"},
		{"header block of von and datum", "Ja\n\nVon: Upward <r@u.example>\nDatum: Dienstag, 3. März 2026 um 09:14\n" + unprefixed, "Ja"},
		{"wrapped over two lines", "Yes\n\nOn Tue, 3 Mar 2026 at 09:14, Upward Reverse Mentoring <\nreply+k7Qm2xw9@upward.example> wrote:\n\n" + checkin, "Yes"},
		{"wrapped with mailto", "Yes, 4\n\nOn Thu, Jan 7, 2027 at 2:10 PM, Sam Smith <sam@example.com<mailto:\nsam@example.com>> wrote:\n" + unprefixed, "Yes, 4"},
		{"mailto on one line", "Yes\n\nOn Thu, Jan 7, 2027 at 2:10 PM, Sam Smith <sam@example.com<mailto:sam@example.com>> wrote:\n" + unprefixed, "Yes"},
		{"wrapped over four lines", "Ja\n\nAm Di., 3. März 2026 um 09:14 Uhr schrieb\nUpward Reverse Mentoring Programme der\nExample AG <reply+k7Qm2xw9@upward.example\n<mailto:reply+k7Qm2xw9@upward.example>>:\n" + checkin, "Ja"},
		// Claws Mail's template puts the date on the attribution's first
		// line; its auto-wrap re-flows that paragraph when the person types
		// above it, leaving the start word alone on a line.
		{"start word alone, claws rewrapped", "Ja, 4\n\nAm\nTue, 03 Mar 2026 09:14:00 +0000 schrieb Upward\n<reply+k7Qm2xw9@upward.example>:\n\n" + checkin, "Ja, 4"},
		{"start word alone, english", "Yes\n\nOn\nTue, 03 Mar 2026 09:14:00 +0000 Upward <reply+k7Qm2xw9@upward.example> wrote:\n\n" + checkin, "Yes"},
		{"outlook mailto header", "Yes\n\nFrom: Upward <r@u.example<mailto:r@u.example>>\nSent: Tuesday, March 3, 2026 9:14 AM\nTo: Bob <bob@example.com<mailto:bob@example.com>>\nSubject: Check-in\n" + unprefixed, "Yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuoted(tt.in)); diff != "" {
				t.Errorf("TrimQuoted(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestTrimQuotedKeepsWords: words written right above an attribution, or
// on its line, are the person's and are never lost.
func TestTrimQuotedKeepsWords(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"same line english", "Works for me On Thu, Jan 7, 2027 at 2:10 PM, sam@example.com wrote:\n" + checkin, "Works for me"},
		{"same line unprefixed", "Works for me On Thu, Jan 7, 2027 at 2:10 PM, sam@example.com wrote:\n" + unprefixed, "Works for me"},
		{"same line german", "Passt, 4 Am 03.03.2026 um 09:14 schrieb Upward <r@u.example>:\n" + checkin, "Passt, 4"},
		{"same line french", "Oui, 5 Le mar. 3 mars 2026 à 09:14, Upward <r@u.example> a écrit :\n" + checkin, "Oui, 5"},
		{"line above", "Thanks\nOn Thu, Jan 7, 2027 at 2:10 PM, sam@example.com wrote:\n" + checkin, "Thanks"},
		{"short line above a short attribution", "Yes 4\nSam wrote:\n" + checkin, "Yes 4"},
		{"line above a wrapped attribution", "Yes, 4\nOn Thu, Jan 7, 2027 at 2:10 PM, Sam Smith <\nsam@example.com> wrote:\n" + checkin, "Yes, 4"},
		{"line above a zoho attribution", "Sounds good\n---- On Mon, 11 Jan 2027 11:30:02 +0100 jo@example.com wrote ----\n" + unprefixed, "Sounds good"},
		{"line above a header block", "OK 4\nFrom: Upward <r@u.example>\nSent: Tuesday\nTo: Bob\nSubject: Check-in\n" + unprefixed, "OK 4"},
		{"reply and date-first attribution", "Yes\n2027/1/21 Kenji <k@example.jp>\n" + checkin, "Yes"},
		{"answer written in the attribution's place", "yes, we met\n\nOn Tue, 3 Mar 2026, Upward wrote:", "yes, we met"},
		// Attributions that name the author first (Thunderbird's "author
		// wrote on date" form, Evolution in Dutch, Gmail's older German),
		// with the words typed on their line.
		{"same line, author first, name only", "Yes, 4 Upward schrieb am 03.03.26 um 09:14:\n" + checkin, "Yes, 4"},
		{"same line, author first, dutch evolution", "Ja, 4 Upward schreef op di 03-03-2026 om 09:14 [+0000]:\n" + checkin, "Ja, 4"},
		{"same line, author first, with address", "Works for me Sam Smith <sam@example.com> wrote:\n" + checkin, "Works for me"},
		{"same line, author first, bare address", "Works for me sam@example.com wrote:\n" + checkin, "Works for me"},
		{"same line, author first, french", "Oui, 4 Upward a écrit le 03/03/2026 à 09:14 :\n" + checkin, "Oui, 4"},
		{"same line, author first, answer in capitals", "YES 4 Upward wrote:\n" + checkin, "YES 4"},
		{"same line, author first, a verb among the words", "I sent it, 4 Upward wrote on 03/03/2026 09:14:\n" + checkin, "I sent it, 4"},
		{"author first alone", "Upward schrieb am 03.03.26 um 09:14:\n" + checkin, ""},
		{"author first with address alone", "Sam Smith <sam@example.com> wrote:\n" + checkin, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuoted(tt.in)); diff != "" {
				t.Errorf("TrimQuoted(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestTrimQuotedRewrappedQuote: a client that re-wraps a long quoted line
// leaves its end without the ">"; it is quote, not the person's.
func TestTrimQuotedRewrappedQuote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"one line re-wrapped", "Yes, 4\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n> 3. To reflect on (optional): What assumption about younger colleagues did\nyou notice in yourself?\n> Just reply on the first line.", "Yes, 4"},
		{"several", "No\n\nOn Tue, 3 Mar 2026, Upward wrote:\n> The programme coordinators see whether you take part, whether your pair\nmeets and how you rate it\n> - never what you discuss or what you write in your replies, which stay\nprivate.\n", "No"},
		{"inline answer after a question is kept", "On Tue, 3 Mar 2026, Upward wrote:\n> Did you meet since 17 February? Reply YES or NO.\nYes\n> How valuable was it, from 1 (not at all) to 5 (very)?\n4", "Yes\n\n4"},
		{"inline answer after a long question is kept", "On Tue, 3 Mar 2026, Upward wrote:\n> 3. To reflect on (optional): What assumption about younger colleagues did you notice\nThat they do not like the phone, and that I was wrong about it.\n", "That they do not like the phone, and that I was wrong about it."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuoted(tt.in)); diff != "" {
				t.Errorf("TrimQuoted(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestTrimQuotedSignatures: signatures without a "-- " line.
func TestTrimQuotedSignatures(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"sign-off and card", "Yes, 4\n\nBest regards,\nAnn Example\nHead of Finance | Example Ltd\nT +44 20 7946 0000\nwww.example.com", "Yes, 4\n\nBest regards,\nAnn Example"},
		{"german sign-off and card", "Ja, 5\n\nViele Grüße\nKlaus Weber\nLeiter Einkauf\nExample AG\nTel.: +49 89 1234567\nhttps://example.de", "Ja, 5\n\nViele Grüße\nKlaus Weber"},
		{"sign-off, blank line, card", "Oui\n\nCordialement,\nÉlodie\n\nÉlodie Martin\nDirectrice RH\nExemple SA\n+33 1 23 45 67 89", "Oui\n\nCordialement,\nÉlodie"},
		{"dashes and card", "Sí, 4\n\n----------\nCarmen López\nDirectora Financiera\nEjemplo S.L.\nTel. +34 912 345 678", "Sí, 4"},
		{"underscores and card", "Yes\n\n__________\nBob Smith | CFO | Example Inc.\nbob@example.com | +1 555 0100", "Yes"},
		{"card without sign-off", "We met, 4\n\nPieter de Vries\nHoofd Inkoop\nVoorbeeld B.V.\nT: +31 20 123 4567\nwww.voorbeeld.nl", "We met, 4"},
		{"mailing list footer", "Yes\n\n_______________________________________________\nMentoring mailing list\nmentoring@lists.example.org\nhttps://lists.example.org/mailman/listinfo/mentoring", "Yes"},
		{"google groups footer", "Yes, 3\n\n--\nYou received this message because you are subscribed to the Google Groups \"Mentors\" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to mentors+unsubscribe@example.org.", "Yes, 3"},
		{"list of the person's own is kept", "Yes, we met. We covered:\nNotion\nFigma\nTeams channels", "Yes, we met. We covered:\nNotion\nFigma\nTeams channels"},
		{"address in a sentence is kept", "Yes\n\nMy new number is +44 20 7946 0000, call me there.", "Yes\n\nMy new number is +44 20 7946 0000, call me there."},
		{"sign-off and name only", "Yes, 4\n\nThanks,\nBob", "Yes, 4\n\nThanks,\nBob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuoted(tt.in)); diff != "" {
				t.Errorf("TrimQuoted(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
