#!/usr/bin/env python3
"""Reply to Upward's emails with real graphical mail clients.

    drive_gui.py OUTDIR [client ...]

clients: claws (Claws Mail), thunderbird (HTML, sent as
multipart/alternative), thunderbird-htmlonly, thunderbird-plain,
thunderbird-sigtop (signature above the quote), thunderbird-br (Enter
makes a line break, not a paragraph), thunderbird-authorfirst
and thunderbird-authoronly (other attribution forms), evolution (HTML),
evolution-plain; UPWARD_CASES=a,b limits the cases (cases.py),
UPWARD_DISPLAY and UPWARD_SMTP_PORT let several runs go side by side.
Needs: apt-get install claws-mail claws-mail-i18n
thunderbird thunderbird-l10n-{de,fr,es-es,it,pt-br,nl} evolution xvfb
xdotool xclip openbox x11-apps imagemagick dbus-x11.

Each reply is made the way a person makes it: the client runs under Xvfb
(with openbox, so windows take focus) in the case's locale, on a private
profile written here (an account "Ann Example <ann@example.com>", a
signature, the original in its inbox). xdotool presses the client's own
reply shortcut, types the case's words into the compose window where the
person would (above the quote, below it, or between the quoted questions),
and presses the client's send shortcut. The client quotes, wraps,
attributes, encodes and signs the reply itself and sends it over SMTP to
smtp_sink.py on 127.0.0.1, which keeps it. Nothing leaves the machine.

Answers between the quoted questions are typed in Claws Mail only: its
plain-text editor moves by lines, so a first reply with nothing typed
shows where each question ends (probes). In Thunderbird's plain-text
editor the quoted list took the first answers (they were lost), and the
HTML editors of Thunderbird and Evolution could not be put on a quoted
line reliably.

Non-ASCII characters are pasted through the clipboard one run at a time,
because xdotool's typing of keys that are not on the keyboard map drops
characters; everything else is typed key by key, so the client's own
wrapping applies as it does for a person.

Writes OUTDIR/<client>_<case>.eml and .json with the provenance
(Thunderbird's as tbird_*, apart from the corpus's hand-written
thunderbird_* cases).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

from cases import CASES, SIGNATURE
from drive_tui import expectation

HERE = os.path.dirname(os.path.abspath(__file__))
DISPLAY = os.environ.get("UPWARD_DISPLAY", ":93")
PORT = int(os.environ.get("UPWARD_SMTP_PORT", "2593"))
LOCALES = {"de": "de_DE.UTF-8", "fr": "fr_FR.UTF-8", "es": "es_ES.UTF-8", "it": "it_IT.UTF-8",
           "pt": "pt_BR.UTF-8", "nl": "nl_NL.UTF-8", "en": "en_GB.UTF-8"}
# The end of each quoted question, for answers typed between them.
QUESTION_ENDS = {"Did you meet since": "Reply YES or NO.", "How valuable was it": "5 (very)?",
                 "To reflect on": "in yourself?"}


def case_lang(name):
    """The language a case is written in, from its name ("de_satz",
    "welcome_join_fr", "closing_it_bottom"); English otherwise."""
    for part in name.split("_"):
        if part in LOCALES:
            return part
    return "en"


def xdo(*args, check=False):
    return subprocess.run(["xdotool", *args], capture_output=True, text=True,
                          env=dict(os.environ, DISPLAY=DISPLAY), check=check).stdout.strip()


def find_window(pattern, seconds=30, exclude=()):
    end = time.time() + seconds
    while time.time() < end:
        for w in xdo("search", "--onlyvisible", "--name", pattern).split():
            if w not in exclude:
                return w
        time.sleep(0.3)
    return None


def find_class(cls, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        for w in xdo("search", "--onlyvisible", "--class", cls).split():
            g = xdo("getwindowgeometry", w)
            if "Geometry: 1x1" not in g:
                return w
        time.sleep(0.5)
    return None


SUBJECT_WORDS = {"checkin": "Check-in", "closing": "Reverse Mentoring", "welcome": "invited"}


def window_names():
    out = []
    for w in xdo("search", "--onlyvisible", "--name", ".").split():
        out.append(xdo("getwindowname", w))
    return out


def focus(win):
    xdo("windowactivate", "--sync", win)
    xdo("windowfocus", "--sync", win)
    time.sleep(0.3)


def key(*keys):
    for k in keys:
        xdo("key", "--clearmodifiers", k)
        time.sleep(0.08)


def paste(text):
    p = subprocess.Popen(["xclip", "-selection", "clipboard", "-loops", "1"], stdin=subprocess.PIPE,
                         env=dict(os.environ, DISPLAY=DISPLAY))
    p.stdin.write(text.encode("utf-8"))
    p.stdin.close()
    time.sleep(0.2)
    key("ctrl+v")
    try:
        p.wait(timeout=3)
    except subprocess.TimeoutExpired:
        p.kill()
    time.sleep(0.1)


def type_text(text):
    for seg in re.split(r"(\n|[^\x00-\x7f]+)", text):
        if not seg:
            continue
        if seg == "\n":
            key("Return")
        elif ord(seg[0]) > 127:
            paste(seg)
        else:
            xdo("type", "--delay", "25", seg)
        time.sleep(0.05)


def screenshot(path):
    xwd = subprocess.run(["xwd", "-root", "-silent", "-display", DISPLAY], capture_output=True).stdout
    subprocess.run(["convert", "xwd:-", path], input=xwd)


class Sink:
    def __init__(self, outdir):
        self.dir = outdir
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "smtp_sink.py"), str(PORT), outdir])
        time.sleep(0.5)

    def files(self):
        return sorted(f for f in os.listdir(self.dir) if f.endswith(".eml"))

    def wait_new(self, before, seconds=40):
        end = time.time() + seconds
        while time.time() < end:
            new = [f for f in self.files() if f not in before]
            if new:
                return os.path.join(self.dir, new[0])
            time.sleep(0.3)
        return None

    def stop(self):
        self.proc.terminate()


class Display:
    """Xvfb with openbox, for the whole run."""

    def __init__(self):
        # A display left locked by an Xvfb that was killed would make this
        # one fail to start.
        lock = "/tmp/.X%s-lock" % DISPLAY.lstrip(":")
        if os.path.exists(lock):
            try:
                os.kill(int(open(lock).read().strip()), 0)
            except (ProcessLookupError, ValueError):
                os.remove(lock)
                sock = "/tmp/.X11-unix/X%s" % DISPLAY.lstrip(":")
                if os.path.exists(sock):
                    os.remove(sock)
        self.xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)
        self.wm = subprocess.Popen(["openbox"], env=dict(os.environ, DISPLAY=DISPLAY),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)

    def stop(self):
        self.wm.terminate()
        self.xvfb.terminate()
        # The next run's Xvfb cannot start while this one holds the display.
        self.xvfb.wait(10)
        time.sleep(1)


def stop_process(p, seconds=5):
    """Ends the client and everything it started (its own session: D-Bus,
    Evolution's data server, Thunderbird's content processes), so the
    next case starts with no window or process left from this one."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(seconds)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(1)


def sweep(work):
    """Kills what a case's client left running outside its process group
    (D-Bus activated portals, a keyring daemon): every process whose
    command line or environment names the case's private directory."""
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            env = open(f"/proc/{pid}/environ", "rb").read()
        except OSError:
            continue
        if work.encode() in cmd or work.encode() in env:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def start(cmd, env, log):
    full = dict(os.environ, DISPLAY=DISPLAY, **env)
    return subprocess.Popen(cmd, env=full, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)


def answer_lines(body_lines, typed):
    """Line indexes (in the compose window's text) after which to type
    each inline answer, last first so earlier indexes stay right."""
    out = []
    for marker, answer in typed:
        end = QUESTION_ENDS.get(marker, marker)
        for i, l in enumerate(body_lines):
            if end in l:
                out.append((i, answer))
                break
    return sorted(out, reverse=True)


# ---------------------------------------------------------------- Claws Mail

CLAWS_VERSION = None


def claws(work, name, case, sink, variant, probe=None):
    orig, pos, typed, _ = case
    lang = case_lang(name)
    mail = os.path.join(work, "Mail")
    cfg = os.path.join(work, "cfg")
    for d in ("inbox", "sent", "queue", "draft", "trash"):
        os.makedirs(os.path.join(mail, d), exist_ok=True)
    os.makedirs(cfg)
    shutil.copy(os.path.join(HERE, "originals", orig + ".eml"), os.path.join(mail, "inbox", "1"))
    sig = os.path.join(work, "signature")
    open(sig, "w").write(SIGNATURE + "\n")
    open(os.path.join(cfg, "accountrc"), "w").write(f"""[Account: 1]
account_name=Ann Example
is_default=1
name=Ann Example
address=ann@example.com
protocol=6
receive_server=
smtp_server=127.0.0.1
set_smtpport=1
smtp_port={PORT}
use_smtp_auth=0
ssl_smtp=0
use_mail_command=0
auto_signature=1
signature_type=0
signature_path={sig}
signature_separator=-- 
set_domain=1
domain=example.com
inbox=#mh/Mailbox/inbox
""")
    # Only what keeps dialogs away; every other setting is the client's
    # default for the locale (the quote template is translated on first
    # start).
    common = ["[Common]", "enable_aspell=0", "check_while_typing=0", "confirm_on_exit=0",
              "warn_queued_on_exit=0", "show_tips=0"]
    open(os.path.join(cfg, "clawsrc"), "w").write("\n".join(common) + "\n")
    open(os.path.join(cfg, "folderlist.xml"), "w").write(f"""<?xml version="1.0" encoding="UTF-8"?>
<folderlist>
<folder type="mh" name="Mailbox" path="{mail}" collapsed="0">
<folderitem type="inbox" name="inbox" path="inbox"/>
<folderitem type="outbox" name="sent" path="sent"/>
<folderitem type="queue" name="queue" path="queue"/>
<folderitem type="draft" name="draft" path="draft"/>
<folderitem type="trash" name="trash" path="trash"/>
</folder>
</folderlist>
""")
    env = {"HOME": work, "LANG": LOCALES[lang], "LANGUAGE": lang if lang != "pt" else "pt_BR", "LC_ALL": LOCALES[lang]}
    p = start(["claws-mail", "--alternate-config-dir", cfg], env, os.path.join(work, "client.log"))
    try:
        main = find_window("Claws Mail 4")
        if not main:
            return None
        time.sleep(2)
        subprocess.run(["claws-mail", "--alternate-config-dir", cfg, "--select", "#mh/Mailbox/inbox/1"],
                       env=dict(os.environ, DISPLAY=DISPLAY, **env), capture_output=True, timeout=20)
        time.sleep(1.5)
        focus(main)
        key("ctrl+r")
        comp = find_window("^Re: ")
        if not comp:
            return None
        focus(comp)
        time.sleep(1)
        return compose_and_send(comp, pos, typed, sink, send_keys=("ctrl+Return",), probe=probe)
    finally:
        stop_process(p)


# The compose window's lines per (client, original, language), from a
# reply sent with nothing typed, for answers typed between the questions.
probes = {}


def compose_and_send(comp, pos, typed, sink, send_keys, probe=None, top_keys=("ctrl+Home",),
                     bottom_keys=()):
    before = sink.files()
    if pos == "top":
        key(*top_keys)
        type_text(typed + "\n\n")
    elif pos == "bottom":
        key(*bottom_keys)
        type_text(typed)
    else:
        if probe is None:
            return None
        for idx, answer in answer_lines(probe, typed):
            key("ctrl+Home")
            for _ in range(idx):
                key("Down")
            key("End")
            type_text("\n\n" + answer + "\n")
    time.sleep(0.5)
    for k in send_keys:
        key(k)
        time.sleep(1)
    return sink.wait_new(before)


def body_lines(path):
    import email
    from email import policy
    msg = email.message_from_binary_file(open(path, "rb"), policy=policy.default)
    part = msg.get_body(("plain",))
    return part.get_content().split("\n") if part else []



# ---------------------------------------------------------------- Thunderbird

TB_LOCALES = {"de": "de", "fr": "fr", "es": "es-ES", "it": "it", "pt": "pt-BR", "nl": "nl", "en": "en-US"}


def thunderbird(work, name, case, sink, variant, probe=None):
    orig, pos, typed, _ = case
    lang = case_lang(name)
    prof = os.path.join(work, "profile")
    os.makedirs(prof)
    sig = SIGNATURE.replace("\n", "\\n")
    html = variant != "plain"
    # 1 = reply above the quote; 0 (the default) = below it.
    prefs = {
        "mail.accountmanager.accounts": "account1,account2",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server2",
        "mail.account.account1.identities": "id1",
        "mail.account.account1.server": "server1",
        "mail.account.account2.server": "server2",
        # An incoming server that is never asked for mail.
        "mail.server.server1.type": "pop3",
        "mail.server.server1.hostname": "127.0.0.1",
        "mail.server.server1.port": 1,
        "mail.server.server1.userName": "ann",
        "mail.server.server1.name": "ann@example.com",
        "mail.server.server1.login_at_startup": False,
        "mail.server.server1.check_new_mail": False,
        "mail.server.server2.type": "none",
        "mail.server.server2.hostname": "Local Folders",
        "mail.server.server2.userName": "nobody",
        "mail.server.server2.name": "Local Folders",
        "mail.identity.id1.fullName": "Ann Example",
        "mail.identity.id1.useremail": "ann@example.com",
        "mail.identity.id1.smtpServer": "smtp1",
        "mail.identity.id1.valid": True,
        "mail.identity.id1.compose_html": html,
        "mail.identity.id1.reply_on_top": 1 if pos == "top" else 0,
        "mail.identity.id1.htmlSigText": SIGNATURE,
        "mail.identity.id1.sig_on_reply": True,
        "mail.smtpservers": "smtp1",
        "mail.smtp.defaultserver": "smtp1",
        "mail.smtpserver.smtp1.hostname": "127.0.0.1",
        "mail.smtpserver.smtp1.port": PORT,
        "mail.smtpserver.smtp1.authMethod": 1,
        "mail.smtpserver.smtp1.try_ssl": 0,
        # No first-run pages, default-client question or send confirmation.
        "mail.shell.checkDefaultClient": False,
        "mailnews.start_page.enabled": False,
        "mail.warn_on_send_accel_key": False,
        "mail.provider.enabled": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "app.update.enabled": False,
        "mail.spellcheck.inline": False,
        "intl.locale.requested": TB_LOCALES[lang],
        "mailnews.sendInBackground": False,
    }
    if variant == "htmlonly":
        prefs["mail.default_send_format"] = 2  # HTML only
    if variant == "sigtop":
        # The signature right under the reply, above the quote.
        prefs["mail.identity.id1.sig_bottom"] = False
    if variant == "br":
        # Enter makes a line break, not a paragraph ("Body Text" as the
        # default paragraph format, as many set it).
        prefs["mail.compose.default_to_paragraph"] = False
    if variant == "authorfirst":
        prefs["mailnews.reply_header_type"] = 3  # "<author> wrote on <date>:"
    if variant == "authoronly":
        prefs["mailnews.reply_header_type"] = 1  # "<author> wrote:"
    with open(os.path.join(prof, "user.js"), "w") as f:
        for k, v in prefs.items():
            f.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
    src = os.path.join(work, orig + ".eml")
    shutil.copy(os.path.join(HERE, "originals", orig + ".eml"), src)
    env = {"HOME": work, "LANG": LOCALES[lang], "LC_ALL": LOCALES[lang], "MOZ_CRASHREPORTER_DISABLE": "1"}
    p = start(["thunderbird", "--profile", prof, "--no-remote", src], env, os.path.join(work, "client.log"))
    try:
        subj = {"checkin": "Check-in: you and Sam", "closing": "Reverse Mentoring 2026 ends today",
                "welcome": "invited to Reverse Mentoring"}[orig]
        msgwin = find_window(re.escape(subj) + ".*Thunderbird", seconds=60)
        if not msgwin:
            return None
        time.sleep(6)
        focus(msgwin)
        key("ctrl+r")
        comp = find_window("Re: .* - Thunderbird$", seconds=30, exclude=(msgwin,))
        if not comp:
            return None
        time.sleep(4)
        focus(comp)
        return compose_and_send(comp, pos, typed, sink, send_keys=("ctrl+Return",), top_keys=(), bottom_keys=(),
                                probe=probe)
    finally:
        stop_process(p)



# ---------------------------------------------------------------- Evolution

def evolution(work, name, case, sink, variant, probe=None):
    orig, pos, typed, _ = case
    lang = case_lang(name)
    home = os.path.join(work, "home")
    cfg, data = os.path.join(home, ".config"), os.path.join(home, ".local", "share")
    sources = os.path.join(cfg, "evolution", "sources")
    local = os.path.join(data, "evolution", "mail", "local")
    for d in (sources, os.path.join(data, "evolution", "signatures"), os.path.join(local, "tmp"), os.path.join(local, "new")):
        os.makedirs(d, exist_ok=True)
    # The local store is a maildir whose Inbox is its root; an Outbox folder
    # tells Evolution it needs no conversion from mbox.
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(local, ".Outbox", d), exist_ok=True)
    os.makedirs(os.path.join(local, "cur"), exist_ok=True)
    shutil.copy(os.path.join(HERE, "originals", orig + ".eml"), os.path.join(local, "cur", "1772529240.1.upward:2,"))
    files = {
        "ann-account": "[Data Source]\nDisplayName=ann@example.com\nEnabled=true\nParent=\n\n[Mail Account]\n"
                       "BackendName=none\nIdentityUid=ann-identity\nNeedsInitialSetup=false\n",
        "ann-identity": "[Data Source]\nDisplayName=ann@example.com\nEnabled=true\nParent=ann-account\n\n"
                        "[Mail Identity]\nAddress=ann@example.com\nName=Ann Example\nSignatureUid=ann-signature\n\n"
                        "[Mail Submission]\nTransportUid=ann-transport\nUseSentFolder=false\n",
        "ann-transport": "[Data Source]\nDisplayName=ann@example.com\nEnabled=true\nParent=ann-account\n\n"
                         f"[Mail Transport]\nBackendName=smtp\n\n[Authentication]\nHost=127.0.0.1\nPort={PORT}\n"
                         "User=\nMethod=\n\n[Security]\nMethod=none\n",
        "ann-signature": "[Data Source]\nDisplayName=Ann\nEnabled=true\nParent=\n\n[Mail Signature]\nMimeType=text/plain\n",
    }
    for uid, text in files.items():
        open(os.path.join(sources, uid + ".source"), "w").write(text)
    open(os.path.join(data, "evolution", "signatures", "ann-signature"), "w").write(SIGNATURE + "\n")
    env = {"HOME": home, "XDG_CONFIG_HOME": cfg, "XDG_DATA_HOME": data, "XDG_CACHE_HOME": os.path.join(home, ".cache"),
           "GSETTINGS_BACKEND": "keyfile", "LANG": LOCALES[lang], "LC_ALL": LOCALES[lang],
           "LANGUAGE": lang if lang != "pt" else "pt_BR", "NO_AT_BRIDGE": "1"}
    full = dict(os.environ, **env)
    settings = [("org.gnome.evolution.mail", "composer-mode", "plain-text" if variant == "plain" else "html"),
                ("org.gnome.evolution.mail", "composer-reply-start-bottom", "false" if pos == "top" else "true"),
                ("org.gnome.evolution.mail", "composer-inline-spelling", "false"),
                ("org.gnome.evolution.shell", "start-offline", "false")]
    # No confirmations: Ctrl+Enter sends, as a person who ticked "do not
    # ask again" has it.
    for k in ("prompt-on-accel-send", "prompt-on-unwanted-html", "prompt-on-empty-subject", "prompt-check-if-default-mailer",
              "prompt-on-invalid-recip", "prompt-on-only-bcc", "prompt-on-reply-many-recips", "prompt-on-list-reply-to",
              "prompt-on-private-list-reply", "prompt-on-composer-mode-switch"):
        settings.append(("org.gnome.evolution.mail", k, "false"))
    for schema, k, v in settings:
        subprocess.run(["gsettings", "set", schema, k, v], env=full, check=True)
    p = start(["dbus-run-session", "--", "evolution", "-c", "mail"], env, os.path.join(work, "client.log"))
    try:
        main = find_class("^evolution$", seconds=90)
        if not main:
            return None
        time.sleep(4)
        focus(main)
        xdo("windowmove", main, "0", "0")
        xdo("windowsize", main, "1400", "1000")
        time.sleep(2)
        # The Inbox in the folder tree, then the one message in the list.
        xdo("mousemove", "105", "193", "click", "1")
        time.sleep(2.5)
        xdo("mousemove", "630", "192", "click", "1")
        time.sleep(3)
        key("ctrl+r")
        comp = find_window(SUBJECT_WORDS[orig], seconds=40)
        if not comp:
            return None
        time.sleep(8)  # WebKit renders the editor
        focus(comp)
        return compose_and_send(comp, pos, typed, sink, send_keys=("ctrl+Return",), top_keys=(), bottom_keys=())
    finally:
        stop_process(p)


# ---------------------------------------------------------------- main

def as_sent(client, variant, text):
    """The person's words as the client lays them out, which is what the
    trimmed text must be. Claws Mail's auto-wrap breaks a typed line longer
    than 72 columns with a hard line break, and Evolution does the same in
    its plain text and in the plain alternative of its HTML. Thunderbird's
    HTML editor makes each line typed with Enter a paragraph of its own,
    and its own plain-text part shows them apart too."""
    if text is None:
        return None
    if client in ("claws", "evolution"):
        return "\n".join(textwrap.fill(l, 72, break_long_words=False, break_on_hyphens=False) if len(l) > 72 else l
                         for l in text.split("\n"))
    if client == "thunderbird" and variant not in ("plain", "br"):
        return "\n\n".join(l for l in text.split("\n") if l.strip())
    return text


def sidecar(client, variant, name, case, prov):
    exp = expectation(name, case, prov)
    exp["text"] = as_sent(client, variant, exp["text"])
    for k in ("story", "thanks"):
        if exp.get(k):
            # The same words, broken where the client broke the text.
            m = re.search(r"\s+".join(map(re.escape, exp[k].split())), exp["text"])
            exp[k] = m.group(0) if m else exp[k]
    return exp


CLIENTS = {
    "claws": (claws, "default"),
    "thunderbird": (thunderbird, "html"),
    "thunderbird-htmlonly": (thunderbird, "htmlonly"),
    "thunderbird-plain": (thunderbird, "plain"),
    "thunderbird-sigtop": (thunderbird, "sigtop"),
    "thunderbird-br": (thunderbird, "br"),
    "thunderbird-authorfirst": (thunderbird, "authorfirst"),
    "thunderbird-authoronly": (thunderbird, "authoronly"),
    "evolution": (evolution, "html"),
    "evolution-plain": (evolution, "plain"),
}


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except Exception:
        return cmd[0]
    lines = [l for l in out.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else cmd[0]


def provenance(client, variant, name, pos):
    lang = case_lang(name)
    where = {"top": "above the quote", "bottom": "below the quote", "inline": "between the quoted questions"}[pos]
    if client == "claws":
        how = (f"{version(['claws-mail', '--version'])} (GTK 3), {LOCALES[lang]} locale so its own translated reply "
               f"template writes the attribution; plain text (Claws composes no HTML), auto-wrap at 72, signature "
               f"file with '-- '; under Xvfb+openbox, "
               f"xdotool pressed Ctrl+R, typed the words {where} and pressed Ctrl+Return; sent over SMTP to "
               f"infra/scripts/replies-corpus/smtp_sink.py on 127.0.0.1")
    elif client == "thunderbird":
        mode = {"html": "HTML compose sent as multipart/alternative (the default 'automatic' send format)",
                "htmlonly": "HTML compose sent as HTML only (mail.default_send_format=2)",
                "plain": "plain-text compose (compose_html=false), format=flowed",
                "sigtop": "HTML compose sent as multipart/alternative, signature above the quote (sig_bottom=false)",
                "br": "HTML compose with Enter making a line break, not a paragraph "
                      "(mail.compose.default_to_paragraph=false), sent as multipart/alternative",
                "authorfirst": "HTML compose sent as multipart/alternative, attribution '<author> wrote on <date>:' "
                               "(mailnews.reply_header_type=3)",
                "authoronly": "HTML compose sent as multipart/alternative, attribution '<author> wrote:' "
                              "(mailnews.reply_header_type=1)"}[variant]
        how = (f"{version(['thunderbird', '--version'])} (Debian), UI locale {TB_LOCALES[lang]} "
               f"(thunderbird-l10n) so the attribution is its own translation; {mode}; "
               f"{'reply_on_top=1' if pos == 'top' else 'reply_on_top=0 (default)'}, signature text with "
               f"'-- ' {'under the reply' if variant == 'sigtop' else 'under the quote'}; the original opened as a .eml file under Xvfb+openbox, xdotool pressed "
               f"Ctrl+R, typed the words {where} and pressed Ctrl+Return; sent over SMTP to "
               f"infra/scripts/replies-corpus/smtp_sink.py on 127.0.0.1")
    elif client == "evolution":
        mode = {"html": "HTML compose (composer-mode=html), sent as multipart/alternative",
                "plain": "plain-text compose (composer-mode=plain-text)"}[variant]
        how = (f"{version(['evolution', '--version'])}, {LOCALES[lang]} locale so the attribution is its own "
               f"translation; {mode}; composer-reply-start-bottom={'false' if pos == 'top' else 'true'}, "
               f"a text signature; under Xvfb+openbox with its own D-Bus session, xdotool clicked the Inbox and "
               f"the message, pressed Ctrl+R, typed the words {where} and pressed Ctrl+Return; sent over SMTP to "
               f"infra/scripts/replies-corpus/smtp_sink.py on 127.0.0.1")
    return f"real client: {how}; driven by infra/scripts/replies-corpus/drive_gui.py (case {name})"


def main():
    outdir = sys.argv[1]
    clients = sys.argv[2:] or ["claws"]
    os.makedirs(outdir, exist_ok=True)
    only = [c for c in os.environ.get("UPWARD_CASES", "").split(",") if c]
    disp = Display()
    sinkdir = tempfile.mkdtemp(prefix="upward-sink-")
    sink = Sink(sinkdir)
    try:
        for client in clients:
            fn, variant = CLIENTS[client]
            base_client = client.split("-")[0]
            for name, case in CASES.items():
                if only and name not in only:
                    continue
                orig, pos = case[0], case[1]
                if pos == "inline" and fn is not claws:
                    # Answers between the quoted questions need the cursor
                    # on a quoted line; only Claws's plain-text editor moves
                    # there by lines reliably under xdotool (in Thunderbird's
                    # plain-text editor the quoted list swallowed the first
                    # answers).
                    continue
                if pos == "inline":
                    key_ = (client, orig, case_lang(name))
                    if key_ not in probes:
                        # What the client puts in the compose window for
                        # this original and locale: reply once, type nothing.
                        work = tempfile.mkdtemp(prefix="upward-probe-")
                        try:
                            got = fn(work, name, (orig, "bottom", "", {}), sink, variant)
                        finally:
                            sweep(work)
                        if got:
                            probes[key_] = body_lines(got)
                        shutil.rmtree(work, ignore_errors=True)
                work = tempfile.mkdtemp(prefix="upward-" + client + "-")
                try:
                    got = fn(work, name, case, sink, variant,
                             probe=probes.get((client, orig, case_lang(name))))
                finally:
                    sweep(work)
                if not got:
                    screenshot(os.path.join(outdir, f"FAILED_{client}_{name}.png"))
                    print(f"{client} {name}: no message sent; windows: {window_names()}", file=sys.stderr)
                    continue
                # "tbird_": the corpus's thunderbird_* files are hand-written.
                prefix = client.replace("thunderbird", "tbird").replace("-", "_")
                out = os.path.join(outdir, f"{prefix}_{name}")
                shutil.copy(got, out + ".eml")
                prov = provenance(base_client, variant, name, pos)
                with open(out + ".json", "w") as f:
                    json.dump(sidecar(base_client, variant, name, case, prov), f, indent=2, ensure_ascii=False)
                    f.write("\n")
                print("wrote", out, flush=True)
                shutil.rmtree(work, ignore_errors=True)
    finally:
        sink.stop()
        disp.stop()


if __name__ == "__main__":
    main()
