#!/usr/bin/env python3
"""The 'person' at the keyboard: used as the mail client's editor.

    edit_reply.py CASE FILE

The client has written the reply draft (attribution, quoted original,
signature) to FILE and waits for the editor to exit, as it would for vim.
This types the case's words where a person would: above the quote, below
it (before the signature), or between the quoted questions.
"""
import json
import sys

case = json.load(open(sys.argv[1]))
path = sys.argv[2]
draft = open(path, encoding=case.get("encoding", "utf-8"), errors="surrogateescape").read()
typed = case["typed"]
pos = case["position"]

if pos == "top":
    # alpine and mutt open the draft with the cursor on the first line,
    # which may be a header block (alpine's "edit headers") or blank.
    out = typed + "\n\n" + draft
elif pos == "bottom":
    body, sep, sig = draft.partition("\n-- \n")
    out = body.rstrip("\n") + "\n\n" + typed + "\n" + (sep + sig if sep else "")
else:
    lines = draft.split("\n")
    for marker, answer in typed:
        for i, l in enumerate(lines):
            if marker in l:
                # a quoted question may be wrapped over two lines: answer
                # after its last line
                j = i
                while j + 1 < len(lines) and lines[j + 1].startswith(">") and lines[j + 1].strip("> ") and not lines[j + 1].lstrip("> ")[:2].rstrip(".").isdigit():
                    j += 1
                lines[j + 1:j + 1] = ["", answer, ""]
                break
    out = "\n".join(lines)
open(path, "w", encoding=case.get("encoding", "utf-8"), errors="surrogateescape").write(out)
