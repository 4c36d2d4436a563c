"""What the people in the corpus type, one entry per reply.

Each case is a reply a participant writes to one of Upward's emails in
originals/: where they type (top, bottom or inline between the quoted
questions), what they type, and what Upward must read from it. The drivers
(drive_tui.py for mutt, neomutt and alpine; drive_snail.sh) let the real
program quote, wrap, encode and sign the reply; only the typing is scripted.

expect holds the sidecar fields the corpus test checks: text is what the
trimmed reply must be, exactly.
"""

Y, N = True, False

# name: (original, position, typed, expect)
# typed is a string for top/bottom, or a list of (quoted line marker, answer)
# for inline.
CASES = {
    "en_yes4_top": ("checkin", "top", "YES 4\n\nWe finally met for coffee. Sam showed me how his team plans\nsprints in Notion.",
                    dict(met=Y, rating=4)),
    "en_sentence_lower": ("checkin", "top", "yes we met, it was great, 4/5",
                          dict(met=Y, rating=4)),
    "en_not_yet_bottom": ("checkin", "bottom", "Not yet, Sam was travelling. Next week.",
                          dict(met=N)),
    "en_inline": ("checkin", "inline", [("Did you meet since", "Yes, twice."),
                                        ("How valuable was it", "4"),
                                        ("To reflect on", "That they would rather not talk on the phone.")],
                  dict(met=Y, rating=4)),
    "en_greeting_signoff": ("checkin", "top", "Hi team,\n\nYes - we had lunch on Friday. I'd give it a 5.\n\nBest,\nAnn",
                            dict(met=Y, rating=5)),
    "en_story_second_line": ("closing", "top", "YES 5\nSTORY Sam taught me to run a retro with my board and it changed how we meet.",
                             dict(met=Y, rating=5, command="story", story="Sam taught me to run a retro with my board and it changed how we meet.")),
    "en_thanks_command": ("closing", "top", "Yes, 4\n\nTHANKS Sam, you made me rethink how I write to my team. Thank you!",
                          dict(met=Y, rating=4, thanks="Sam, you made me rethink how I write to my team. Thank you!")),
    "en_thanks_prose": ("closing", "top", "Yes 3\n\nThanks, honestly she was often late but we got there.",
                        dict(met=Y, rating=3, thanks="")),
    "en_pause_later_line": ("checkin", "top", "Hello,\n\nNo, not this time.\nPAUSE\nI'm on leave until May.",
                            dict(met=N, command="pause")),
    "de_satz": ("checkin", "top", "Hallo zusammen,\n\nja, wir haben uns am Montag getroffen und es war sehr gut, 4 von 5.\n\nViele Grüße\nAnn",
                dict(met=Y, rating=4)),
    "de_noch_nicht_bottom": ("checkin", "bottom", "Noch nicht, Sam ist krank. Nächste Woche.",
                             dict(met=N)),
    "fr_bonjour": ("checkin", "top", "Bonjour,\n\nOui, nous nous sommes vus jeudi. Je lui donne 4 sur 5.\n\nCordialement,\nAnn",
                   dict(met=Y, rating=4)),
    "es_frase": ("checkin", "top", "Hola Sam:\n\nsí, nos reunimos el martes y fue muy útil, le doy un 5.\n\nUn saludo,\nAnn",
                 dict(met=Y, rating=5)),
    "it_buongiorno": ("checkin", "top", "Buongiorno,\n\nsì, ci siamo visti lunedì. Voto 4.\n\nCordiali saluti\nAnn",
                      dict(met=Y, rating=4)),
    "pt_ola": ("checkin", "top", "Olá,\n\nSim, nos encontramos na sexta. Nota 4.\n\nAbraços,\nAnn",
               dict(met=Y, rating=4)),
    "nl_beste": ("checkin", "top", "Beste Sam,\n\nJa, we hebben elkaar gesproken via Teams. 3 van de 5.\n\nMet vriendelijke groet,\nAnn",
                 dict(met=Y, rating=3)),
    "welcome_join_fr": ("welcome", "top", "Bonjour,\n\nJe suis ravie de participer. Les thèmes 1 et 3 m'intéressent.",
                        dict(join=Y, topics=["AI tools", "Gen Z workplace expectations"])),
    "welcome_join_en": ("welcome", "top", "JOIN 2, 4\n\nLooking forward to it.",
                        dict(join=Y, topics=["Social media", "Remote collaboration"])),
    # Answers between the quoted questions in other languages.
    "de_inline": ("checkin", "inline", [("Did you meet since", "Ja, zweimal."),
                                        ("How valuable was it", "4"),
                                        ("To reflect on", "Dass sie lieber schreibt als telefoniert.")],
                  dict(met=Y, rating=4)),
    "fr_inline": ("checkin", "inline", [("Did you meet since", "Non, pas encore."),
                                        ("To reflect on", "Je pensais qu'elle préférait les appels.")],
                  dict(met=N)),
    # The closing survey and the welcome in more languages (added with the
    # graphical clients, whose attribution follows the locale).
    "closing_de": ("closing", "top", "Ja, 5\n\nDANKE Sam, du hast mir gezeigt, wie man mit Notion plant.",
                   dict(met=Y, rating=5, thanks="Sam, du hast mir gezeigt, wie man mit Notion plant.")),
    "closing_es": ("closing", "top", "Sí, 4\nSTORY Sam me enseñó a usar Notion con mi equipo.",
                   dict(met=Y, rating=4, command="story", story="Sam me enseñó a usar Notion con mi equipo.")),
    "closing_it_bottom": ("closing", "bottom", "Sì, 5\nGRAZIE Sam per la pazienza!",
                          dict(met=Y, rating=5, thanks="Sam per la pazienza!")),
    "welcome_join_de": ("welcome", "top", "Hallo,\n\nich bin gerne dabei. Mich interessieren die Themen 1 und 4.\n\nViele Grüße\nAnn",
                        dict(join=Y, topics=["AI tools", "Remote collaboration"])),
    "welcome_join_nl": ("welcome", "top", "Ja, ik doe graag mee! Onderwerpen 2 en 5.",
                        dict(join=Y, topics=["Social media", "Podcasting"])),
    "welcome_decline_pt": ("welcome", "top", "Olá,\n\nnão, obrigada. Este ano não tenho tempo.",
                           dict(join=N, topics=[])),
    "welcome_join_es_bottom": ("welcome", "bottom", "Me apunto. Temas 1 y 3.",
                               dict(join=Y, topics=["AI tools", "Gen Z workplace expectations"])),
}

# Signatures the clients add from a file (with their own "-- " line where
# the client writes one); the expected text never contains them.
SIGNATURE = "Ann Example\nHead of Finance, Example Ltd\n+44 20 7946 0000"
