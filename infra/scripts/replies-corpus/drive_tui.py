#!/usr/bin/env python3
"""Reply to Upward's emails with real terminal mail clients.

    drive_tui.py OUTDIR [client ...]      clients: mutt, mutt-flowed, neomutt, alpine

Each client runs in a detached tmux session on a private copy of the
original (a maildir or an mbox file); tmux send-keys presses the keys a
person would (r to reply, y to send). The client's editor is edit_reply.py,
which types the case's words; its sendmail is sink.sh, which writes the
message to OUTDIR instead of sending it. Nothing leaves the machine.

Writes OUTDIR/<client>_<case>.eml and .json (the expectation with the
provenance: program, version, settings, how it was driven).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from cases import CASES, SIGNATURE

HERE = os.path.dirname(os.path.abspath(__file__))
LANG_LOCALE = {"de": "de_DE.UTF-8", "fr": "fr_FR.UTF-8", "es": "es_ES.UTF-8", "it": "it_IT.UTF-8",
               "pt": "pt_BR.UTF-8", "nl": "nl_NL.UTF-8", "en": "en_GB.UTF-8", "welcome": "fr_FR.UTF-8"}


def version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True).stdout + ""
    return out.strip().splitlines()[0] if out.strip() else cmd[0]


def tmux(*args):
    subprocess.run(["tmux", *args], check=False, capture_output=True)


def wait_for(path, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            time.sleep(0.3)
            return True
        time.sleep(0.2)
    return False


def screen(session):
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def run_session(session, command, env, keys, sink):
    tmux("kill-session", "-t", session)
    envs = []
    for k, v in env.items():
        envs += ["-e", f"{k}={v}"]
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", *envs, command)
    for k, pause in keys:
        time.sleep(pause)
        if k == "WAIT_SINK":
            if not wait_for(sink):
                print(screen(session), file=sys.stderr)
                tmux("kill-session", "-t", session)
                return False
            continue
        tmux("send-keys", "-t", session, *k)
    time.sleep(0.5)
    tmux("kill-session", "-t", session)
    return os.path.exists(sink)


def mutt_like(binary, flavour, work, case_name, case, sink):
    lang = case_name.split("_")[0]
    maildir = os.path.join(work, "Mail")
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, d), exist_ok=True)
    shutil.copy(os.path.join(HERE, "originals", case[0] + ".eml"), os.path.join(maildir, "cur", "1.upward:2,"))
    json.dump({"typed": case[2], "position": case[1]}, open(os.path.join(work, "case.json"), "w"))
    sigfile = os.path.join(work, "signature")
    open(sigfile, "w").write(SIGNATURE + "\n")
    rc = [
        'set from="Ann Example <ann@example.com>"', "set use_from=yes", 'set hostname="example.com"',
        f'set sendmail="{HERE}/sink.sh {sink}"', f'set editor="{HERE}/edit_reply.py {work}/case.json"',
        "set include=yes", "set fast_reply=yes", "set askcc=no", "set copy=no", 'set record=""',
        "set postpone=no", 'set charset="utf-8"', "set mbox_type=Maildir", "set confirmappend=no",
        "set quit=yes", "set wait_key=no", "set beep=no",
    ]
    if flavour == "flowed":
        # A person who set up their client for their own language: flowed
        # text, the attribution in their locale, Latin-1 where it fits.
        rc += ["set text_flowed=yes", f'set attribution_locale="{LANG_LOCALE.get(lang, "en_GB.UTF-8")}"',
               'set date_format="!%a %d %b %Y %H:%M"']
        if lang == "de":
            rc.append('set attribution="Am %d schrieb %n:"')
        elif lang == "fr":
            rc.append('set attribution="Le %d, %n a écrit :"')
        elif lang == "nl":
            rc.append('set attribution="Op %d schreef %n:"')
    else:
        rc += [f'set signature="{sigfile}"', "set sig_dashes=yes"]
    open(os.path.join(work, "muttrc"), "w").write("\n".join(rc) + "\n")
    keys = [(["r"], 1.5), ("WAIT_EDITOR", 0), (["y"], 1.5), ("WAIT_SINK", 0), (["q"], 0.3)]
    keys = [k for k in keys if k[0] != "WAIT_EDITOR"]
    return run_session("upward-" + binary, f"{binary} -n -F {work}/muttrc -f {maildir}",
                       {"LANG": "C.UTF-8", "HOME": work, "TERM": "xterm"}, keys, sink)


def alpine(work, case_name, case, sink):
    inbox = os.path.join(work, "inbox")
    raw = open(os.path.join(HERE, "originals", case[0] + ".eml"), encoding="utf-8").read()
    open(inbox, "w", encoding="utf-8").write("From upward@upward.example Tue Mar  3 09:14:00 2026\n" + raw + "\n")
    json.dump({"typed": case[2], "position": case[1]}, open(os.path.join(work, "case.json"), "w"))
    sigfile = os.path.join(work, "signature")
    open(sigfile, "w").write(SIGNATURE + "\n")
    rc = [
        "personal-name=Ann Example", "customized-hdrs=From: Ann Example <ann@example.com>", "user-domain=example.com", f"inbox-path={inbox}",
        f"sendmail-path={HERE}/sink.sh {sink}", f"editor={HERE}/edit_reply.py {work}/case.json",
        f"signature-file={sigfile}",
        "feature-list=enable-alternate-editor-implicitly,quit-without-confirm,enable-sigdashes,"
        "include-header-in-reply,no-include-attachments-in-reply,signature-at-bottom",
        "default-fcc=", "reply-always-uses-reply-to=yes", "initial-keystroke-list=",
    ]
    open(os.path.join(work, "pinerc"), "w").write("\n".join(rc) + "\n")
    keys = [(["E"], 3), (["R"], 2), (["y"], 1), (["n"], 1), (["C-x"], 2.5), (["y"], 1), (["y"], 1),
            ("WAIT_SINK", 0), (["q"], 0.5)]
    return run_session("upward-alpine", f"alpine -p {work}/pinerc -i -d 0",
                       {"LANG": "C.UTF-8", "HOME": work, "TERM": "xterm"}, keys, sink)


def expectation(case_name, case, provenance):
    orig, pos, typed, exp = case
    if pos == "inline":
        text = "\n\n".join(a for _, a in typed)
    else:
        text = typed
    out = {"context": "welcome" if orig == "welcome" else "checkin", "kind": "reply", "text": text,
           "met": exp.get("met"), "rating": exp.get("rating"), "command": exp.get("command")}
    if orig == "welcome":
        out["vocabulary"] = ["AI tools", "Social media", "Gen Z workplace expectations", "Remote collaboration", "Podcasting"]
        out["join"] = exp.get("join")
        out["topics"] = exp.get("topics")
    for k in ("story", "thanks"):
        if k in exp:
            out[k] = exp[k]
    out["provenance"] = provenance
    return out


def main():
    outdir = sys.argv[1]
    clients = sys.argv[2:] or ["mutt", "mutt-flowed", "neomutt", "alpine"]
    os.makedirs(outdir, exist_ok=True)
    versions = {"mutt": version(["mutt", "-v"]), "neomutt": version(["neomutt", "-v"]),
                "alpine": version(["alpine", "-v"])}
    for client in clients:
        only = os.environ.get("UPWARD_CASES", "").split(",")
        for name, case in CASES.items():
            if only != [""] and name not in only:
                continue
            work = tempfile.mkdtemp(prefix="upward-" + client + "-")
            sink = os.path.join(work, "sent.eml")
            if client == "mutt":
                ok = mutt_like("mutt", "default", work, name, case, sink)
                how = f"{versions['mutt']}; defaults plus a signature file (sig_dashes); r, editor, y via tmux send-keys"
            elif client == "mutt-flowed":
                ok = mutt_like("mutt", "flowed", work, name, case, sink)
                how = (f"{versions['mutt']}; text_flowed=yes, attribution_locale and a localised attribution, "
                       "default send_charset (us-ascii, then iso-8859-1, then utf-8); r, editor, y via tmux send-keys")
            elif client == "neomutt":
                ok = mutt_like("neomutt", "default", work, name, case, sink)
                how = f"{versions['neomutt']}; defaults plus a signature file; r, editor, y via tmux send-keys"
            else:
                ok = alpine(work, name, case, sink)
                how = (f"{versions['alpine']}; signature file with enable-sigdashes, signature-at-bottom, "
                       "include-header-in-reply; R, y, external editor, ^X, y via tmux send-keys")
            if not ok:
                print(f"{client} {name}: no message sent", file=sys.stderr)
                continue
            base = os.path.join(outdir, f"{client.replace('-', '_')}_{name}")
            shutil.copy(sink, base + ".eml")
            prov = f"real client: {how}; typed by infra/scripts/replies-corpus/edit_reply.py (case {name})"
            json.dump(expectation(name, case, prov), open(base + ".json", "w"), indent=2, ensure_ascii=False)
            open(base + ".json", "a").write("\n")
            print("wrote", base)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
