#!/usr/bin/env python3
"""Hand-written replies modelled on mail clients that cannot run here.

    handwritten.py OUTDIR

Gmail, Outlook (desktop, web, iOS and Android, localised), Apple Mail and
iOS Mail, Samsung Email, Yahoo, Zoho, localised Thunderbird, Polymail and
Proton Mail cannot be driven on this machine. Each function below writes a
reply the way that client lays one out — its attribution or header block in
the client's language, its quote prefix or none, its mobile signature, its
MIME structure and encodings — from what those clients are documented and
commonly seen to produce. The words the person types come from REPLIES,
written for this corpus in the seven languages and a few more.

Every case gets a sidecar .json with what Upward must read and a
provenance line saying which client it is modelled on.
"""
import base64
import html
import json
import os
import quopri
import sys

UPWARD = "Upward <reply+k7Qm2xw9@upward.example>"
ADDR = "reply+k7Qm2xw9@upward.example"
ORIG_LINES = [
    "Hi Ann,",
    "",
    "A quick check-in about you and Sam:",
    "",
    "1. Did you meet since 17 February? Reply YES or NO.",
    "2. How valuable was it, from 1 (not at all) to 5 (very)?",
    "3. To reflect on (optional): What assumption about younger colleagues did you notice in yourself?",
    "",
    "Just reply on the first line, for example:",
    "",
    "    YES 4",
    "",
    "and add anything else below. You can also reply PAUSE, REMATCH, STOP or HELP.",
    "--",
    "The programme coordinators see whether you take part, whether your pair meets and how you rate it — never what you discuss or what you write in your replies.",
]
ORIG_HTML = ("<p>Hi Ann,</p><p>A quick check-in about you and Sam:</p><ol><li>Did you meet since 17 February? Reply "
             "<strong>YES</strong> or <strong>NO</strong>.</li><li>How valuable was it, from <strong>1</strong> (not at all) "
             "to <strong>5</strong> (very)?</li><li>To reflect on (optional): <em>What assumption about younger colleagues "
             "did you notice in yourself?</em></li></ol><p>Just reply on the first line, for example:</p><p>YES 4</p>"
             "<p>and add anything else below. You can also reply PAUSE, REMATCH, STOP or HELP.</p>")

Y, N = True, False
# The person's words per language: (typed text, met, rating).
REPLIES = {
    "en": [("Yes, 4. We met for coffee and Sam walked me through Notion.", Y, 4),
           ("Not yet - Sam was off sick. Hopefully next week.", N, None),
           ("Hi Sam's coordinator,\n\nyes we met, it was great, 4/5\n\nBest,\nAnn", Y, 4),
           ("We had a long call on Teams. I'd give it a 5.", Y, 5)],
    "de": [("Ja, 4. Wir haben uns in der Kantine getroffen.", Y, 4),
           ("Hallo zusammen,\n\nnoch nicht, wir verpassen uns ständig.\n\nViele Grüße\nKlaus", N, None),
           ("Ja, wir haben uns am Montag getroffen, ich gebe eine 5.", Y, 5)],
    "fr": [("Oui, 4. Nous nous sommes vus jeudi.", Y, 4),
           ("Bonjour,\n\nPas encore, on n'arrive pas à trouver un créneau.\n\nCordialement,\nÉlodie", N, None),
           ("Oui on s'est vus, c'était top, 5/5", Y, 5)],
    "es": [("Sí, 4. Nos vimos el martes para tomar un café.", Y, 4),
           ("Hola:\n\nTodavía no, lo intentamos la semana que viene.\n\nUn saludo,\nCarmen", N, None),
           ("Sí, nos reunimos ayer y fue muy útil, le doy un 5.", Y, 5)],
    "it": [("Sì, 4. Ci siamo visti giovedì.", Y, 4),
           ("Buongiorno,\n\nnon ancora, abbiamo dovuto rinviare.\n\nCordiali saluti\nMarco", N, None),
           ("Sì, ci siamo visti a pranzo, voto 5.", Y, 5)],
    "pt": [("Sim, 4. Nos encontramos na sexta.", Y, 4),
           ("Olá,\n\nainda não, vamos tentar na próxima semana.\n\nAbraços,\nAna", N, None),
           ("Sim, nos encontramos duas vezes. Nota 5!", Y, 5)],
    "nl": [("Ja, 4. We hebben elkaar gesproken via Teams.", Y, 4),
           ("Beste Sam,\n\nNee, nog niet. Afgezegd wegens ziekte.\n\nMet vriendelijke groet,\nPieter", N, None),
           ("Ja, we hebben elkaar gezien, 3 van de 5.", Y, 3)],
    "ru": [("Да, 4. Мы встретились во вторник.", None, None)],
    "no": [("Ja, 5. Vi møttes på kafé.", Y, 5)],
    "da": [("Ja, 4. Vi mødtes i kantinen.", Y, 4)],
    "ja": [("はい、4です。火曜日に会いました。", None, None)],
    "zh": [("好的，4。我们周二见面了。", None, None)],
}
NAMES = {"en": "Ann Example", "de": "Klaus Weber", "fr": "Élodie Martin", "es": "Carmen López", "it": "Marco Rossi",
         "pt": "Ana Souza", "nl": "Pieter de Vries", "ru": "Ivan Petrov", "no": "Kari Nordmann", "da": "Mette Hansen",
         "ja": "Kenji Sato", "zh": "Li Wei"}
RE = {"en": "Re", "de": "AW", "fr": "RE", "es": "RE", "it": "R", "pt": "RES", "nl": "Antw", "ru": "Re", "no": "SV",
      "da": "SV", "ja": "Re", "zh": "回复"}

GMAIL_ATTR = {
    "en": "On Tue, 3 Mar 2026 at 09:14, Upward <%s> wrote:",
    "de": "Am Di., 3. März 2026 um 09:14 Uhr schrieb Upward <%s>:",
    "fr": "Le mar. 3 mars 2026 à 09:14, Upward <%s> a écrit\u00a0:",
    "es": "El mar, 3 mar 2026 a las 9:14, Upward (<%s>) escribió:",
    "it": "Il giorno mar 3 mar 2026 alle ore 09:14 Upward <%s> ha scritto:",
    "pt": "Em ter., 3 de mar. de 2026 às 09:14, Upward <%s> escreveu:",
    "nl": "Op di 3 mrt 2026 om 09:14 schreef Upward <%s>:",
    "ru": "вт, 3 мар. 2026 г. в 09:14, Upward <%s>:",
    "no": "tir. 3. mar. 2026 kl. 09:14 skrev Upward <%s>:",
    "da": "tir. 3. mar. 2026 kl. 09.14 skrev Upward <%s>:",
    "ja": "2026年3月3日(火) 9:14 Upward <%s>:",
    "zh": "Upward <%s> 于2026年3月3日周二 09:14写道：",
}
OUTLOOK_FIELDS = {
    "en": ("From", "Sent", "To", "Subject", "Tuesday, March 3, 2026 9:14 AM"),
    "de": ("Von", "Gesendet", "An", "Betreff", "Dienstag, 3. März 2026 09:14"),
    "fr": ("De\u00a0", "Envoyé\u00a0", "À\u00a0", "Objet\u00a0", "mardi 3 mars 2026 09:14"),
    "es": ("De", "Enviado el", "Para", "Asunto", "martes, 3 de marzo de 2026 9:14"),
    "it": ("Da", "Inviato", "A", "Oggetto", "martedì 3 marzo 2026 09:14"),
    "pt": ("De", "Enviado", "Para", "Assunto", "terça-feira, 3 de março de 2026 09:14"),
    "nl": ("Van", "Verzonden", "Aan", "Onderwerp", "dinsdag 3 maart 2026 09:14"),
    "ru": ("От", "Отправлено", "Кому", "Тема", "3 марта 2026 г. 9:14"),
    "da": ("Fra", "Sendt", "Til", "Emne", "3. marts 2026 09:14"),
    "no": ("Fra", "Sendt", "Til", "Emne", "tirsdag 3. mars 2026 09:14"),
    "zh": ("发件人", "发送时间", "收件人", "主题", "2026年3月3日 9:14"),
    "ja": ("差出人", "送信日時", "宛先", "件名", "2026年3月3日 9:14"),
}
APPLE = {
    "en": ("Sent from my iPhone", "On 3 Mar 2026, at 09:14, Upward <%s> wrote:"),
    "de": ("Von meinem iPhone gesendet", "Am 03.03.2026 um 09:14 schrieb Upward <%s>:"),
    "fr": ("Envoyé de mon iPhone", "Le 3 mars 2026 à 09:14, Upward <%s> a écrit\u00a0:"),
    "es": ("Enviado desde mi iPhone", "El 3 mar 2026, a las 9:14, Upward <%s> escribió:"),
    "it": ("Inviato da iPhone", "Il giorno 3 mar 2026, alle ore 09:14, Upward <%s> ha scritto:"),
    "pt": ("Enviado do meu iPhone", "Em 3 de mar. de 2026, à(s) 09:14, Upward <%s> escreveu:"),
    "nl": ("Verstuurd vanaf mijn iPhone", "Op 3 mrt. 2026 om 09:14 heeft Upward <%s> het volgende geschreven:"),
    "no": ("Sendt fra min iPhone", "3. mar. 2026 kl. 09:14 skrev Upward <%s>:"),
    "da": ("Sendt fra min iPhone", "Den 3. mar. 2026 kl. 09.14 skrev Upward <%s>:"),
}
SAMSUNG = {
    "en": ("Sent from my Galaxy", "-------- Original message --------", "From", "Date", "To", "Subject"),
    "de": ("Von meinem Samsung Galaxy Smartphone gesendet.", "-------- Ursprüngliche Nachricht --------", "Von", "Datum", "An", "Betreff"),
    "fr": ("Envoyé depuis mon smartphone Samsung Galaxy.", "-------- Message d'origine --------", "De ", "Date ", "À ", "Objet "),
    "es": ("Enviado desde mi smartphone Samsung Galaxy.", "-------- Mensaje original --------", "De", "Fecha", "Para", "Asunto"),
    "it": ("Inviato dal mio smartphone Samsung Galaxy.", "-------- Messaggio originale --------", "Da", "Data", "A", "Oggetto"),
    "pt": ("Enviado do meu smartphone Samsung Galaxy.", "-------- Mensagem original --------", "De", "Data", "Para", "Assunto"),
    "nl": ("Verzonden vanaf mijn Samsung Galaxy-smartphone.", "-------- Oorspronkelijk bericht --------", "Van", "Datum", "Aan", "Onderwerp"),
    "da": ("Sendt fra min Samsung Galaxy-smartphone.", "-------- Oprindelig besked --------", "Fra", "Dato", "Til", "Emne"),
}
YAHOO = {
    "en": "On Tuesday, March 3, 2026 at 09:14:02 AM GMT, Upward <%s> wrote:",
    "de": "Am Dienstag, 3. März 2026, 09:14:02 MEZ hat Upward <%s> Folgendes geschrieben:",
    "fr": "Le mardi 3 mars 2026 à 09:14:02 UTC+1, Upward <%s> a écrit :",
    "es": "El martes, 3 de marzo de 2026, 09:14:02 CET, Upward <%s> escribió:",
    "it": "Il martedì 3 marzo 2026, 09:14:02 CET, Upward <%s> ha scritto:",
    "pt": "Em terça-feira, 3 de março de 2026 06:14:02 BRT, Upward <%s> escreveu:",
}
ZOHO = {
    "en": "---- On Tue, 03 Mar 2026 09:14:00 +0000 Upward <%s> wrote ----",
    "de": "---- Am Di, 03 Mrz 2026 09:14:00 +0000 schrieb Upward <%s> ----",
    "fr": "---- Le mar., 03 mars 2026 09:14:00 +0000 Upward <%s> a écrit ----",
    "es": "---- El mar, 03 mar 2026 09:14:00 +0000 Upward <%s> escribió ----",
}
THUNDERBIRD = {
    "de": "Am 03.03.26 um 09:14 schrieb Upward:",
    "fr": "Le 03/03/2026 à 09:14, Upward a écrit\u00a0:",
    "es": "El 3/3/26 a las 9:14, Upward escribió:",
    "it": "Il 03/03/26 09:14, Upward ha scritto:",
    "pt": "Em 03/03/2026 09:14, Upward escreveu:",
    "nl": "Op 03-03-2026 om 09:14 schreef Upward:",
    "en": "On 03/03/2026 09:14, Upward wrote:",
}
CARDS = {
    "en": "\n\n{name}\nHead of Finance | Example Ltd\nT +44 20 7946 0000 | www.example.com",
    "de": "\n\n{name}\nLeiter Einkauf\nBeispiel AG\nTel.: +49 89 1234567\nhttps://www.beispiel.de",
    "fr": "\n\n{name}\nDirectrice RH\nExemple SA\n+33 1 23 45 67 89",
    "es": "\n\n{name}\nDirectora Financiera\nEjemplo S.L.\nTel. +34 912 345 678",
    "nl": "\n\n{name}\nHoofd Inkoop\nVoorbeeld B.V.\nT: +31 20 123 4567\nwww.voorbeeld.nl",
}


def quoted(lines, prefix="> "):
    return "\n".join((prefix + l).rstrip() if l else prefix.rstrip() for l in lines)


def header(lang, client, mailer, ctype, cte="8bit", msgid=None, extra=""):
    name = NAMES[lang]
    local = name.split()[0].lower().replace("é", "e")
    return (f"From: {name} <{local}@example.com>\n"
            f"To: {UPWARD}\n"
            f"Subject: {RE[lang]}: Check-in: you and Sam\n"
            f"Date: Tue, 3 Mar 2026 10:{len(client) % 60:02d}:41 +0100\n"
            f"Message-ID: <{msgid or client + '.' + lang}@mail.example.com>\n"
            f"In-Reply-To: <checkin.01JNX4Z8Q2.ann@upward.example>\n"
            f"References: <checkin.01JNX4Z8Q2.ann@upward.example>\n"
            f"{extra}"
            f"X-Mailer: {mailer}\n"
            f"MIME-Version: 1.0\n"
            f"Content-Type: {ctype}\n"
            + (f"Content-Transfer-Encoding: {cte}\n" if cte else ""))


def encode(text, cte, charset="utf-8"):
    data = text.replace("\n", "\r\n").encode(charset)
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii")
    if cte == "base64":
        return base64.encodebytes(data).decode("ascii")
    return data.decode(charset if charset != "utf-8" else "utf-8", errors="strict")


def alternative(lang, client, mailer, text, html, cte="quoted-printable"):
    b = "000000000000" + client.replace("_", "")[:12].ljust(12, "0")
    return (header(lang, client, mailer, f'multipart/alternative; boundary="{b}"', cte=None)
            + f"\n--{b}\nContent-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: {cte}\n\n"
            + encode(text, cte) + f"\n--{b}\nContent-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: {cte}\n\n"
            + encode(html, cte) + f"\n--{b}--\n")


def html_lines(text):
    return "".join(f"<div>{l}</div>" if l else "<div><br></div>" for l in text.split("\n"))


def gmail(lang, typed, wrap=False):
    attr = GMAIL_ATTR[lang] % ADDR
    if wrap and len(attr) > 60:
        cut = attr.rfind(" ", 0, 62)
        attr = attr[:cut] + "\n" + attr[cut + 1:]
    text = typed + "\n\n" + attr + "\n\n" + quoted(ORIG_LINES) + "\n"
    page = (f'<div dir="ltr">{html_lines(typed)}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
            + html.escape(GMAIL_ATTR[lang] % ADDR, quote=False)
            + '<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
            + ORIG_HTML + "</blockquote></div>")
    return text, page


def outlook_block(lang, mailto=False, date=True):
    f, s, t, subj, when = OUTLOOK_FIELDS[lang]
    up = f"Upward <{ADDR}<mailto:{ADDR}>>" if mailto else UPWARD
    me = NAMES[lang]
    lines = [f"{f}: {up}"]
    if date:
        lines.append(f"{s}: {when}")
    lines += [f"{t}: {me}", f"{subj}: Check-in: you and Sam"]
    return "\n".join(lines)


def write(outdir, name, raw, expect, provenance):
    open(os.path.join(outdir, name + ".eml"), "w", encoding="utf-8", newline="").write(raw.replace("\r\n", "\n").replace("\n", "\r\n"))
    expect["provenance"] = provenance
    with open(os.path.join(outdir, name + ".json"), "w", encoding="utf-8") as fh:
        json.dump(expect, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def checkin_expect(text, met, rating, command=None):
    return {"context": "checkin", "kind": "reply", "text": text, "met": met, "rating": rating, "command": command}


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0

    def emit(name, raw, exp, prov):
        nonlocal n
        write(outdir, name, raw, exp, "hand-written, modelled on " + prov)
        n += 1

    # Gmail web, every language, one of them wrapped.
    for lang, replies in REPLIES.items():
        for i, (typed, met, rating) in enumerate(replies[:2]):
            text, html = gmail(lang, typed, wrap=(i == 1))
            emit(f"hw_gmail_{lang}_{i}", alternative(lang, f"gmail{i}", "Gmail", text, html), checkin_expect(typed, met, rating),
                 f"Gmail web ({lang} interface): multipart/alternative, gmail_quote blockquote, localised attribution" + (" wrapped by the client" if i == 1 else ""))
    # Gmail HTML-only (as some gateways pass it on).
    for lang in ("en", "de", "fr", "es"):
        typed, met, rating = REPLIES[lang][0]
        _, html = gmail(lang, typed)
        raw = header(lang, "gmailhtml", "Gmail", 'text/html; charset="UTF-8"', "quoted-printable") + "\n" + encode(html, "quoted-printable")
        emit(f"hw_gmail_html_only_{lang}", raw, checkin_expect(typed, met, rating), f"Gmail web ({lang}), HTML part only")
    # Outlook desktop, localised header blocks, with and without mailto and date.
    for lang in OUTLOOK_FIELDS:
        typed, met, rating = REPLIES[lang][-1]
        for variant in ("plain", "mailto", "orig"):
            if variant == "orig" and lang not in ("en", "de", "fr", "es", "it", "pt", "nl"):
                continue
            sep = "________________________________" if variant != "orig" else {
                "en": "-----Original Message-----", "de": "-----Ursprüngliche Nachricht-----", "fr": "-----Message d'origine-----",
                "es": "-----Mensaje original-----", "it": "-----Messaggio originale-----", "pt": "-----Mensagem original-----",
                "nl": "-----Oorspronkelijk bericht-----"}[lang]
            body = typed + "\n\n" + sep + "\n" + outlook_block(lang, mailto=(variant == "mailto")) + "\n\n" + "\n".join(ORIG_LINES) + "\n"
            charset = "windows-1252" if lang in ("de", "fr", "es", "it", "pt", "nl", "en") and variant == "plain" else "utf-8"
            raw = header(lang, "outlook" + variant, "Microsoft Outlook 16.0", f'text/plain; charset="{charset}"',
                         "quoted-printable") + "\n" + encode(body, "quoted-printable", charset)
            emit(f"hw_outlook_desktop_{lang}_{variant}", raw, checkin_expect(typed, met, rating),
                 f"Outlook desktop ({lang}): unprefixed quote under a localised header block" +
                 {"plain": ", underscore line, " + charset, "mailto": " with <mailto:> after each address (plain text of an HTML reply)",
                  "orig": ", '-----Original Message-----' separator in the language"}[variant])
    # Outlook for iOS / Android.
    for lang, get in (("en", "Get Outlook for iOS<https://aka.ms/o0ukef>"), ("es", "Obtener Outlook para Android<https://aka.ms/AAb9ysg>"),
                      ("it", "Scarica Outlook per iOS<https://aka.ms/o0ukef>"), ("de", "Outlook für Android herunterladen<https://aka.ms/AAb9ysg>"),
                      ("fr", "Télécharger Outlook pour iOS<https://aka.ms/o0ukef>"), ("pt", "Obter o Outlook para Android<https://aka.ms/AAb9ysg>"),
                      ("nl", "Outlook voor iOS downloaden<https://aka.ms/o0ukef>")):
        typed, met, rating = REPLIES[lang][0]
        body = typed + "\n\n" + get + "\n________________________________\n" + outlook_block(lang) + "\n\n" + "\n".join(ORIG_LINES) + "\n"
        raw = header(lang, "outlookmobile", "Outlook for Mobile", 'text/plain; charset="utf-8"', "base64") + "\n" + encode(body, "base64")
        emit(f"hw_outlook_mobile_{lang}", raw, checkin_expect(typed, met, rating), f"Outlook for iOS/Android ({lang}): 'Get Outlook' line, header block")
    # Outlook on the web, HTML only, with divRplyFwdMsg.
    for lang in ("en", "de", "nl", "pt"):
        typed, met, rating = REPLIES[lang][-1]
        f, s, t, subj, when = OUTLOOK_FIELDS[lang]
        html = (f'<html><body><div class="elementToProof" style="font-family:Aptos">{html_lines(typed)}</div>'
                f'<div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">'
                f'<b>{f}:</b> Upward &lt;{ADDR}&gt;<br><b>{s}:</b> {when}<br><b>{t}:</b> {NAMES[lang]}<br><b>{subj}:</b> Check-in</div>'
                f'<div>{ORIG_HTML}</div></body></html>')
        raw = header(lang, "owa", "Microsoft Outlook Web App", 'text/html; charset="utf-8"', "quoted-printable") + "\n" + encode(html, "quoted-printable")
        emit(f"hw_outlook_web_html_{lang}", raw, checkin_expect(typed, met, rating), f"Outlook on the web ({lang}), HTML only, #divRplyFwdMsg")
    # Apple Mail on iPhone: quoted attribution, format=flowed.
    for lang, (sent, attr) in APPLE.items():
        typed, met, rating = REPLIES[lang][0]
        body = typed + "\n\n" + sent + "\n\n> " + (attr % ADDR) + "\n> \n" + quoted(ORIG_LINES) + "\n"
        raw = header(lang, "iphone", "iPhone Mail (21D61)", 'text/plain; charset=utf-8; format=flowed', "quoted-printable") + "\n" + encode(body, "quoted-printable")
        emit(f"hw_apple_ios_{lang}", raw, checkin_expect(typed, met, rating), f"iOS Mail ({lang}): mobile signature, attribution inside the quote")
    # Apple Mail desktop, HTML with blockquote type=cite.
    for lang in ("en", "fr", "nl"):
        typed, met, rating = REPLIES[lang][-1]
        html = (f'<html><body style="overflow-wrap: break-word;">{html_lines(typed)}<div><br><blockquote type="cite">'
                f'<div>{(APPLE[lang][1] % ("&lt;" + ADDR + "&gt;"))}</div><br>{ORIG_HTML}</blockquote></div></body></html>')
        text = typed + "\n\n> " + (APPLE[lang][1] % ADDR) + "\n> \n" + quoted(ORIG_LINES) + "\n"
        emit(f"hw_apple_mail_{lang}", alternative(lang, "applemail", "Apple Mail (3774.400.31)", text, html),
             checkin_expect(typed, met, rating), f"Apple Mail desktop ({lang}): multipart/alternative, blockquote type=cite")
    # Samsung Email.
    for lang, (sent, sep, f, d, t, s) in SAMSUNG.items():
        typed, met, rating = REPLIES[lang][-1]
        body = (typed + "\n\n\n" + sent + "\n\n\n" + sep + "\n" + f"{f}: Upward <{ADDR}> \n{d}: 03/03/2026 09:14 (GMT+01:00) \n"
                f"{t}: {NAMES[lang]} \n{s}: Check-in: you and Sam \n\n" + "\n".join(ORIG_LINES) + "\n")
        raw = header(lang, "samsung", "Samsung Email", 'text/plain; charset="utf-8"', "base64") + "\n" + encode(body, "base64")
        emit(f"hw_samsung_{lang}", raw, checkin_expect(typed, met, rating), f"Samsung Email on Android ({lang}): signature, framed original-message line, header block")
    # Yahoo Mail.
    for lang, attr in YAHOO.items():
        typed, met, rating = REPLIES[lang][1]
        body = typed + "\n\n    " + (attr % ADDR) + "  \n\n " + "\n".join(ORIG_LINES) + "\n"
        raw = header(lang, "yahoo", "WebService/1.1.22077 YMailNorrin", 'text/plain; charset=UTF-8', "quoted-printable") + "\n" + encode(body, "quoted-printable")
        emit(f"hw_yahoo_{lang}", raw, checkin_expect(typed, met, rating), f"Yahoo Mail ({lang}): indented attribution over an unprefixed quote")
    # Zoho Mail.
    for lang, attr in ZOHO.items():
        typed, met, rating = REPLIES[lang][0]
        body = typed + "\n\n\n\n" + (attr % ADDR) + "\n\n" + "\n".join(ORIG_LINES) + "\n"
        raw = header(lang, "zoho", "Zoho Mail", 'text/plain; charset="UTF-8"', "7bit" if lang == "en" else "8bit") + "\n" + body
        emit(f"hw_zoho_{lang}", raw, checkin_expect(typed, met, rating), f"Zoho Mail ({lang}): '---- On … wrote ----' framed attribution, unprefixed quote")
    # Thunderbird, localised, with a "-- " signature.
    for lang, attr in THUNDERBIRD.items():
        typed, met, rating = REPLIES[lang][-1]
        body = typed + "\n\n-- \n" + NAMES[lang] + "\n\n" + attr + "\n" + quoted(ORIG_LINES) + "\n"
        raw = header(lang, "tb", "Mozilla Thunderbird 115.8.1", "text/plain; charset=UTF-8; format=flowed", "8bit") + "\n" + body
        emit(f"hw_thunderbird_{lang}", raw, checkin_expect(typed, met, rating), f"Thunderbird 115 ({lang} locale): localised attribution, signature above it")
    # Polymail and Proton Mail.
    for lang in ("en", "de"):
        typed, met, rating = REPLIES[lang][0]
        attr = {"en": "On Tue, Mar 03, 2026 at 9:14 AM Upward <%s> wrote:", "de": "Am Di, 03. März 2026 um 09:14 Upward <%s> schrieb:"}[lang] % ADDR
        body = typed + "\n\n\n" + attr + "\n\n" + quoted(ORIG_LINES) + "\n"
        raw = header(lang, "polymail", "Polymail", 'text/plain; charset="UTF-8"', "quoted-printable") + "\n" + encode(body, "quoted-printable")
        emit(f"hw_polymail_{lang}", raw, checkin_expect(typed, met, rating), f"Polymail ({lang})")
        attr = {"en": "On Tuesday, March 3rd, 2026 at 09:14, Upward <%s> wrote:", "de": "Am Dienstag, 3. März 2026 um 09:14 schrieb Upward <%s>:"}[lang] % ADDR
        body = typed + "\n\nSent with Proton Mail secure email.\n\n" + attr + "\n\n" + quoted(ORIG_LINES) + "\n"
        raw = header(lang, "proton", "ProtonMail", 'text/plain; charset=utf-8', "quoted-printable") + "\n" + encode(body, "quoted-printable")
        emit(f"hw_protonmail_{lang}", raw, checkin_expect(typed, met, rating), f"Proton Mail web ({lang}): signature line, attribution, > quote")
    # Contact cards under a sign-off (Outlook and Gmail signatures).
    for lang, card in CARDS.items():
        typed, met, rating = REPLIES[lang][1]
        text, html = gmail(lang, typed + card.format(name=NAMES[lang]))
        emit(f"hw_card_gmail_{lang}", alternative(lang, "gmailcard", "Gmail", text, html), checkin_expect(typed, met, rating),
             f"Gmail web ({lang}) with a contact card typed into the signature settings (no '-- ' line)")
        body = typed + "\n\n----------" + card.format(name=NAMES[lang]) + "\n\n" + outlook_block(lang) + "\n\n" + "\n".join(ORIG_LINES) + "\n"
        raw = header(lang, "outlookcard", "Microsoft Outlook 16.0", 'text/plain; charset="utf-8"', "quoted-printable") + "\n" + encode(body, "quoted-printable")
        exp = typed
        emit(f"hw_card_dashes_{lang}", raw, checkin_expect(exp, met, rating), f"Outlook desktop ({lang}) with a dashed line and a contact card above the header block")
    # The forms the issue lists, in other shapes than its examples.
    special = [
        ("same_line_gmail", "en", "Works for me, we met, 4 On Tue, 3 Mar 2026 at 09:14, Upward <%s> wrote:\n\n" % ADDR + quoted(ORIG_LINES),
         "Works for me, we met, 4", Y, 4, "Gmail web: the reply typed on the attribution's line"),
        ("same_line_unprefixed", "de", "Ja, 5 Am 03.03.2026 um 09:14 schrieb Upward <%s>:\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Ja, 5", Y, 5, "a webmail that does not prefix quotes: the reply on the attribution's line"),
        ("line_above_attribution", "en", "Yes 4\nOn Tue, 3 Mar 2026 at 09:14, Upward <%s> wrote:\n" % ADDR + quoted(ORIG_LINES),
         "Yes 4", Y, 4, "Gmail web: no blank line between the reply and the attribution"),
        ("wrapped_mailto", "en", "Yes, 3\n\nOn Tue, Mar 3, 2026 at 9:14 AM Upward <%s<mailto:\n%s>> wrote:\n\n" % (ADDR, ADDR) + "\n".join(ORIG_LINES),
         "Yes, 3", Y, 3, "Outlook plain text of a Gmail thread: attribution with <mailto:> wrapped over two lines"),
        ("wrapped_three_lines", "fr", "Oui, 4\n\nLe mar. 3 mars 2026 à 09:14, Upward Reverse Mentoring\nProgramme <%s>\na écrit :\n\n" % ADDR + quoted(ORIG_LINES),
         "Oui, 4", Y, 4, "Gmail web (fr): attribution wrapped over three lines"),
        ("date_first_ja", "ja", "はい、4です。\n\n2026/3/3 Upward <%s>\n\n" % ADDR + quoted(ORIG_LINES),
         "はい、4です。", None, None, "old Gmail (ja): date-first attribution without a colon"),
        ("date_first_dotted", "de", "Ja, 4\n\n03.03.2026, 09:14, \"Upward\" <%s>:\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Ja, 4", Y, 4, "a German webmail: date-first attribution over an unprefixed quote"),
        ("header_date_first", "en", "Yes, 5\n\nDate: Tue, 3 Mar 2026 09:14:00 +0000\nFrom: Upward <%s>\nSubject: Check-in: you and Sam\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Yes, 5", Y, 5, "Hotmail / Windows Live Mail: header block starting with Date:"),
        ("header_from_date", "en", "Yes 4\n\nFrom: Upward <%s>\nDate: Tuesday, 3 March 2026 at 09:14\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Yes 4", Y, 4, "Outlook for Mac: header block of From: and Date: only"),
        ("rewrapped_quote", "en", "No, not yet.\n\nOn Tue, 3 Mar 2026, Upward wrote:\n> 3. To reflect on (optional): What assumption about younger colleagues did\nyou notice in yourself?\n> Just reply on the first line, for example:\n",
         "No, not yet.", N, None, "a webmail that re-wraps quoted lines without the > marker"),
        ("list_footer", "en", "Yes, 4\n\nOn Tue, 3 Mar 2026, Upward wrote:\n" + quoted(ORIG_LINES[:6]) + "\n\n_______________________________________________\nMentors mailing list\nmentors@lists.example.org\nhttps://lists.example.org/mailman/listinfo/mentors",
         "Yes, 4", Y, 4, "a reply relayed through a Mailman list, footer appended after the quote"),
        ("zh_outlook_fullwidth", "zh", "好的，4。\n\n发件人：Upward <%s>\n发送时间：2026年3月3日 9:14\n收件人：Li Wei\n主题：Check-in: you and Sam\n\n" % ADDR + "\n".join(ORIG_LINES),
         "好的，4。", None, None, "Outlook (zh-CN) with full-width colons"),
        ("ru_original", "ru", "Да, 5\n\n-------- Исходное сообщение --------\nОт: Upward <%s>\nДата: 03.03.2026 09:14\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Да, 5", None, 5, "Russian mobile client: framed original-message line"),
        ("no_original", "no", "Ja, 4\n\n-------- Opprinnelig melding --------\nFra: Upward <%s>\n\n" % ADDR + "\n".join(ORIG_LINES),
         "Ja, 4", Y, 4, "Norwegian Samsung Email: framed original-message line"),
        ("story_later_line", "en", "YES 4\n\nSTORY Sam showed me how his team runs retros; I now run one with my board.\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <%s> wrote:\n" % ADDR + quoted(ORIG_LINES),
         "YES 4\n\nSTORY Sam showed me how his team runs retros; I now run one with my board.", Y, 4, "Gmail web: the answer on the first line, a story on a later one"),
        ("thanks_prose", "en", "Yes 3\n\nThanks, honestly she was often late, but we got there.\n\nOn Tue, 3 Mar 2026 at 09:14, Upward <%s> wrote:\n" % ADDR + quoted(ORIG_LINES),
         "Yes 3\n\nThanks, honestly she was often late, but we got there.", Y, 3, "Gmail web: prose starting with Thanks"),
        ("thanks_command_de", "de", "Ja, 5\nDANKE Sam, für deine Geduld mit mir.\n\nAm Di., 3. März 2026 um 09:14 Uhr schrieb Upward <%s>:\n\n" % ADDR + quoted(ORIG_LINES),
         "Ja, 5\nDANKE Sam, für deine Geduld mit mir.", Y, 5, "Gmail web (de): explicit DANKE on the second line"),
    ]
    for name, lang, body, text, met, rating, prov in special:
        raw = header(lang, "special" + name, "various", 'text/plain; charset="utf-8"', "8bit") + "\n" + body + "\n"
        cmd = "story" if "STORY" in text else None
        exp = checkin_expect(text, met, rating, cmd)
        if "DANKE" in text:
            exp["thanks"] = "Sam, für deine Geduld mit mir."
        if "Thanks, honestly" in text:
            exp["thanks"] = ""
        if cmd == "story":
            exp["story"] = "Sam showed me how his team runs retros; I now run one with my board."
        emit(f"hw_{name}", raw, exp, prov)
    print(n, "cases written")


if __name__ == "__main__":
    main()
