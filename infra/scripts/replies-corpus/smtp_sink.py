#!/usr/bin/env python3
"""A local SMTP server that keeps what it is sent and delivers nothing.

    smtp_sink.py PORT OUTDIR

Listens on 127.0.0.1:PORT only. Each message a client sends is written,
exactly as received on the wire (dot-unstuffed, CRLF kept), to
OUTDIR/<n>.eml, so the GUI clients send through their real SMTP code while
nothing leaves the machine. No STARTTLS or AUTH is offered, so the clients
send in the clear to this loopback port.
"""
import os
import socketserver
import sys

OUTDIR = sys.argv[2] if len(sys.argv) > 2 else "."
COUNT = [0]


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 sink.localhost ESMTP upward corpus sink")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            cmd = raw.decode("latin-1").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink.localhost\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 41943040\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 sink.localhost")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    if line.startswith(b".."):
                        line = line[1:]
                    data += line
                COUNT[0] += 1
                name = os.path.join(OUTDIR, "%03d.eml" % COUNT[0])
                with open(name + ".tmp", "wb") as f:
                    f.write(data)
                os.rename(name + ".tmp", name)
                self.reply("250 OK queued as sink%d" % COUNT[0])
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 not implemented")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    os.makedirs(OUTDIR, exist_ok=True)
    with Server(("127.0.0.1", int(sys.argv[1])), Handler) as s:
        s.serve_forever()
