package replies

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const checkin = "> Did you meet since the last check-in? Reply YES or NO.\n> How valuable was it, from 1 to 5?"

const unprefixed = "Did you meet since the last check-in? Reply YES or NO.\nHow valuable was it, from 1 to 5?"

func TestTrimQuoted(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"nothing quoted", "Yes, we met.\n\nIt was great.", "Yes, we met.\n\nIt was great."},
		{"crlf", "Yes\r\n\r\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\r\n> quoted\r\n", "Yes"},
		{"only a quote", "On Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n" + checkin, ""},

		// Attributions in the clients' languages, above a ">" quote and
		// above an unprefixed one.
		{"gmail en", "Yes\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n\n" + checkin, "Yes"},
		{"gmail en wrapped over three lines", "Yes\n\nOn Tue, 3 Mar 2026 at 09:14, Upward Reverse Mentoring\nProgramme <reply+averylongtoken@upward.example>\nwrote:\n\n" + checkin, "Yes"},
		{"apple", "Yes\n\nOn 3 Mar 2026, at 09:14, Upward <r@u.example> wrote:\n\n" + checkin, "Yes"},
		{"apple quoted attribution", "Yes\n\n> On 3 Mar 2026, at 09:14, Upward <r@u.example> wrote:\n> \n" + checkin, "Yes"},
		{"thunderbird", "Yes\n\nOn 03/03/2026 09:14, Upward wrote:\n" + checkin, "Yes"},
		{"thunderbird short", "Yes\n\nUpward wrote:\n" + checkin, "Yes"},
		{"german", "Ja\n\nAm Di., 3. März 2026 um 09:14 Uhr schrieb Upward <r@u.example>:\n\n" + checkin, "Ja"},
		{"german thunderbird", "Ja\n\nAm 03.03.26 um 09:14 schrieb Upward:\n" + checkin, "Ja"},
		{"german author first", "Ja\n\nUpward <r@u.example> schrieb am Di., 3. März 2026, 09:14:\n" + checkin, "Ja"},
		{"french nbsp", "Oui\n\nLe mar. 3 mars 2026 à 09:14, Upward <r@u.example> a écrit\u00a0:\n\n" + checkin, "Oui"},
		{"french wrapped", "Oui\n\nLe mar. 3 mars 2026 à 09:14, Upward <r@u.example> a\nécrit :\n\n" + checkin, "Oui"},
		{"spanish", "Sí\n\nEl mar, 3 mar 2026 a las 9:14, Upward (<r@u.example>) escribió:\n\n" + checkin, "Sí"},
		{"italian", "Sì\n\nIl giorno mar 3 mar 2026 alle ore 09:14 Upward <r@u.example> ha scritto:\n\n" + checkin, "Sì"},
		{"portuguese", "Sim\n\nEm ter., 3 de mar. de 2026 às 09:14, Upward <r@u.example> escreveu:\n\n" + checkin, "Sim"},
		{"dutch", "Ja\n\nOp di 3 mrt 2026 om 09:14 schreef Upward <r@u.example>:\n\n" + checkin, "Ja"},
		{"japanese gmail", "はい\n\n2026年3月3日(火) 9:14 Upward <r@u.example>:\n\n" + checkin, "はい"},
		{"yahoo unprefixed", "Yes! 5\n\n    On Tuesday, March 3, 2026 at 09:14:02 AM GMT, Upward <r@u.example> wrote:  \n\n " + unprefixed, "Yes! 5"},
		{"attribution over unprefixed text", "Yes\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n\n" + unprefixed, "Yes"},
		{"horde", "No\n\nQuoting Upward <r@u.example>:\n\n" + unprefixed, "No"},
		{"mutt", "* Upward <r@u.example> [2026-03-03 09:14 +0000]:\n" + checkin + "\nyes", "yes"},

		// Header blocks of unprefixed quotes.
		{"outlook en", "Yes – 4\n\nFrom: Upward <r@u.example>\nSent: Tuesday, March 3, 2026 9:14 AM\nTo: Bob\nSubject: Check-in\n\n" + unprefixed, "Yes – 4"},
		{"outlook bold via gmail", "Yes\n\n*From:* Upward <r@u.example>\n*Sent:* Tuesday, March 3, 2026 9:14 AM\n*To:* Bob\n*Subject:* Check-in\n\n" + unprefixed, "Yes"},
		{"outlook underscores", "Yes\n________________________________\nFrom: Upward <r@u.example>\nSent: Tuesday\nTo: Bob\nSubject: Check-in\n" + unprefixed, "Yes"},
		{"outlook blank lines between fields", "Yes\n\nFrom: Upward\n\nSent: Tuesday\n\nTo: Bob\n\nSubject: Check-in\n\n" + unprefixed, "Yes"},
		{"outlook on one line", "Yes\n\nFrom: Upward <r@u.example> Sent: Tuesday, March 3, 2026 9:14 AM To: Bob Subject: Check-in\n" + unprefixed, "Yes"},
		{"outlook german", "Ja\n\nVon: Upward <r@u.example>\nGesendet: Dienstag, 3. März 2026 09:14\nAn: Klaus\nBetreff: Check-in\n\n" + unprefixed, "Ja"},
		{"outlook french", "Oui\n\nDe : Upward <r@u.example>\nEnvoyé : mardi 3 mars 2026 09:14\nÀ : Élodie\nObjet : Check-in\n\n" + unprefixed, "Oui"},
		{"outlook spanish", "Sí\n\nDe: Upward <r@u.example>\nEnviado: martes, 3 de marzo de 2026 9:14\nPara: Carmen\nAsunto: Check-in\n\n" + unprefixed, "Sí"},
		{"outlook italian", "Sì\n\nDa: Upward <r@u.example>\nInviato: martedì 3 marzo 2026 09:14\nA: Marco\nOggetto: Check-in\n\n" + unprefixed, "Sì"},
		{"outlook portuguese", "Sim\n\nDe: Upward <r@u.example>\nEnviada: terça-feira, 3 de março de 2026 09:14\nPara: Ana\nAssunto: Check-in\n\n" + unprefixed, "Sim"},
		{"outlook dutch", "Ja\n\nVan: Upward <r@u.example>\nVerzonden: dinsdag 3 maart 2026 09:14\nAan: Pieter\nOnderwerp: Check-in\n\n" + unprefixed, "Ja"},
		{"hotmail date first", "Yes\n\nDate: Tue, 3 Mar 2026 09:14:02 +0000\nSubject: Check-in\nFrom: r@u.example\nTo: ann@example.com\n\n" + unprefixed, "Yes"},
		{"fields without from", "Yes\nTo: the team\nSubject: lunch\nDate: Friday", "Yes\nTo: the team\nSubject: lunch\nDate: Friday"},
		{"outlook mac", "Yes\n\nFrom: Upward <r@u.example>\nDate: Tuesday, 3 March 2026 at 09:14\nTo: Rachel\nSubject: Check-in\n\n" + unprefixed, "Yes"},

		// Separators.
		{"original message", "Yes\n\n-----Original Message-----\nFrom: Upward\n" + unprefixed, "Yes"},
		{"original message german", "Ja\n\n-----Ursprüngliche Nachricht-----\n" + unprefixed, "Ja"},
		{"original message french", "Oui\n\n-----Message d'origine-----\n" + unprefixed, "Oui"},
		{"original message spanish", "Sí\n\n-----Mensaje original-----\n" + unprefixed, "Sí"},
		{"original message italian", "Sì\n\n-----Messaggio originale-----\n" + unprefixed, "Sì"},
		{"original message portuguese", "Sim\n\n-----Mensagem original-----\n" + unprefixed, "Sim"},
		{"original message dutch", "Ja\n\n-----Oorspronkelijk bericht-----\n" + unprefixed, "Ja"},
		{"samsung", "Yes\n\nSent from my Galaxy\n\n-------- Original message --------\nFrom: Upward\nDate: 03/03/2026 09:14 (GMT+00:00)\n" + unprefixed, "Yes"},
		{"forwarded", "See below\n\n---------- Forwarded message ---------\nFrom: Upward\n" + unprefixed, "See below"},
		{"apple forward", "FYI\n\nBegin forwarded message:\n\nFrom: Upward\n" + unprefixed, "FYI"},

		// Signatures.
		{"sig delimiter", "Yes, 4\n\n-- \nAnn Example\nHead of Finance", "Yes, 4"},
		{"sig delimiter stripped of its space", "Yes, 4\n\n--\nAnn Example", "Yes, 4"},
		{"sig before a quote", "Yes\n-- \nAnn\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n" + checkin, "Yes"},
		{"iphone", "Yes\n\nSent from my iPhone", "Yes"},
		{"get outlook", "Yes\n\nGet Outlook for Android<https://aka.ms/ghei36>", "Yes"},
		{"french mobile", "Oui\n\nEnvoyé de mon iPhone", "Oui"},
		{"german mobile", "Ja\n\nVon meinem iPhone gesendet", "Ja"},
		{"spanish mobile", "Sí\n\nEnviado desde mi iPhone", "Sí"},
		{"italian mobile", "Sì\n\nInviato da iPhone", "Sì"},
		{"portuguese mobile", "Sim\n\nEnviado do meu iPhone", "Sim"},
		{"dutch mobile", "Ja\n\nVerzonden vanaf mijn iPhone", "Ja"},
		{"proton", "Yes\n\nSent with Proton Mail secure email.", "Yes"},
		{"sent from as words", "Sent from the airport lounge, so briefly: we met twice and it was great, thanks to Sam.", "Sent from the airport lounge, so briefly: we met twice and it was great, thanks to Sam."},
		{"sent from opening a paragraph", "Sent from my phone\nso excuse typos.\nWe met on Monday.\nIt went well.", "Sent from my phone\nso excuse typos.\nWe met on Monday.\nIt went well."},
		{"disclaimer", "Yes\n\nThis email and any attachments are confidential and intended solely for the addressee.", "Yes"},
		{"quoted text hidden", "Yes\n[Quoted text hidden]", "Yes"},

		// Bottom-posting and inline answers keep every line written.
		{"bottom posted", "On Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n" + checkin + "\n\nNo, we had to reschedule.", "No, we had to reschedule."},
		{"inline", "On Tue, 3 Mar 2026, Upward <r@u.example> wrote:\n> Did you meet?\nYes, twice.\n> How valuable, 1-5?\n4\n> Anything else?\n>\nNot really.", "Yes, twice.\n\n4\n\nNot really."},
		{"nested quotes", "Agreed.\n\n> Sounds good\n>> Did you meet?\n>> Rate 1-5", "Agreed."},
		{"top and inline", "See my answers below.\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n> Did you meet?\nyes\n> Rating?\n5", "See my answers below.\n\nyes\n\n5"},

		// The person's own words that look like quote markers are kept.
		{"wrote in a sentence", "Yes. Sam wrote: \"keep going\" on the whiteboard, which I liked.", "Yes. Sam wrote: \"keep going\" on the whiteboard, which I liked."},
		{"weak attribution without quote", "We met.\nHere is what Sam wrote:\nUse Teams channels, not email.", "We met.\nHere is what Sam wrote:\nUse Teams channels, not email."},
		{"last line right above the attribution", "We met on Tuesday\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n" + unprefixed, "We met on Tuesday"},
		{"sign-off right above a quoted attribution", "Yes, 4\nAnn\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\n" + checkin, "Yes, 4\nAnn"},
		{"on monday sentence", "On Monday we met.\nShe wrote the agenda: three items.", "On Monday we met.\nShe wrote the agenda: three items."},
		{"from in a sentence", "From: my side it went well.\nTo be honest, 4.", "From: my side it went well.\nTo be honest, 4."},
		{"dashes in a sentence", "Yes -- we met twice.", "Yes -- we met twice."},
		{"separator art kept", "Yes\n-----\nRating 4", "Yes\n-----\nRating 4"},

		// HTML conversion markers.
		{"cut marker", "Yes\n" + markCut + "\nFrom: Upward", "Yes"},
		{"attribution marker", "Yes\n" + markAttribution + "\n> quoted", "Yes"},
		{"blank lines collapse", "Yes\n\n\n\nRating 4\n\n\n", "Yes\n\nRating 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuoted(tt.in)); diff != "" {
				t.Errorf("TrimQuoted(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestTrimQuotedPathological feeds inputs built to make a careless
// trimmer slow (many candidate header lines, wrapped-attribution starts,
// endless quote nesting, one huge line). BenchmarkTrimQuotedPathological
// shows the time per byte stays flat as they grow.
func TestTrimQuotedPathological(t *testing.T) {
	for _, p := range pathologicalTexts(20000) {
		t.Run(p.name, func(t *testing.T) {
			if got := TrimQuoted(p.in); got != p.want {
				t.Errorf("got %d bytes starting %.80q, want %d bytes starting %.80q", len(got), got, len(p.want), p.want)
			}
		})
	}
}

type pathological struct{ name, in, want string }

func pathologicalTexts(n int) []pathological {
	rep := func(s string) string { return strings.Repeat(s, n) }
	return []pathological{
		{"from lines", rep("From: someone\n"), strings.TrimSpace(rep("From: someone\n"))},
		{"wrapped attribution starts", rep("On Tue, 3 Mar 2026 at 09:14, Ann\n"), strings.TrimSpace(rep("On Tue, 3 Mar 2026 at 09:14, Ann\n"))},
		{"header fields without from", rep("To: x\nSubject: y\n"), strings.TrimSpace(rep("To: x\nSubject: y\n"))},
		{"deep quote", strings.Repeat(">", 5*n) + " x\n", ""},
		{"colons", rep("a:"), rep("a:")},
		{"one long line", rep("wrote "), strings.TrimSpace(rep("wrote "))},
		{"signatures", rep("text\n-- \n"), "text"},
		{"alternating quotes", rep("> q\ntext\n"), strings.TrimSuffix(rep("text\n\n"), "\n\n")},
	}
}
