package replies

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestUnderstandGreetings: a greeting above the answer, or a sign-off
// under it, never changes what is understood, in the seven languages.
func TestUnderstandGreetings(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	r := func(n int) *int { return &n }
	checkIns := []struct {
		in     string
		met    *bool
		rating *int
		cmd    Command
	}{
		{"Hi team,\nYES 4", yes, r(4), ""},
		{"Dear Anna,\n\nNo, not yet.\n\nKind regards,\nBob", no, nil, ""},
		{"Hi Sam, yes we met, 5", yes, r(5), ""},
		{"Hello,\nPAUSE", nil, nil, CommandPause},
		{"Hallo zusammen\nJa, 4\nViele Grüße\nKlaus", yes, r(4), ""},
		{"Liebe Frau Koch,\nnoch nicht.\nLG", no, nil, ""},
		{"Bonjour,\nOui, 5\nCordialement,\nÉlodie", yes, r(5), ""},
		{"Bonjour à tous,\nREMATCH", nil, nil, CommandRematch},
		{"Hola Ana:\nSí, 3\nUn saludo", yes, r(3), ""},
		{"Buenos días,\nno, todavía no", no, nil, ""},
		{"Buongiorno\nSì, 4\nCordiali saluti", yes, r(4), ""},
		{"Ciao Marco,\nnon ancora", no, nil, ""},
		{"Olá,\nSim, 5\nAbraços,\nAna", yes, r(5), ""},
		{"Bom dia!\nainda não", no, nil, ""},
		{"Beste Jan,\nJa, 4\nMet vriendelijke groet,\nPieter", yes, r(4), ""},
		{"Hoi,\nnee, nog niet\nGroetjes", no, nil, ""},
		{"Hola, sí, nos vimos", yes, nil, ""},
	}
	for _, tt := range checkIns {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if diff := cmp.Diff(tt.met, a.Met); diff != "" {
				t.Errorf("met (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rating, a.Rating); diff != "" {
				t.Errorf("rating (-want +got):\n%s", diff)
			}
			if a.Command != tt.cmd {
				t.Errorf("command %q, want %q", a.Command, tt.cmd)
			}
		})
	}
	welcomes := []struct {
		in     string
		join   *bool
		topics []string
	}{
		{"Bonjour,\n\nJe suis ravie de participer. Les thèmes 1 et 3 m'intéressent.", yes, []string{"AI tools", "Gen Z workplace expectations"}},
		{"Hi team,\nJOIN 2, 4", yes, []string{"Social media", "Remote collaboration"}},
		{"Dear Anna,\nyes please, AI tools\nBest,\nBob", yes, []string{"AI tools"}},
		{"Hallo zusammen,\nich bin dabei! Themen 1 und 5.", yes, []string{"AI tools", "Podcasting"}},
		{"Hola:\nMe apunto, 2 y 5", yes, []string{"Social media", "Podcasting"}},
		{"Buongiorno,\npartecipo volentieri. Argomenti 3 e 4.", yes, []string{"Gen Z workplace expectations", "Remote collaboration"}},
		{"Olá,\nquero participar. Temas 1 e 2.", yes, []string{"AI tools", "Social media"}},
		{"Beste Jan,\nik doe mee! Onderwerpen 4 en 5.", yes, []string{"Remote collaboration", "Podcasting"}},
		{"Bonjour,\nNon merci, pas pour moi.", no, nil},
		{"Hi,\nNO THANKS", no, nil},
	}
	for _, tt := range welcomes {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: Welcome, Topics: vocabulary})
			if diff := cmp.Diff(tt.join, a.Join); diff != "" {
				t.Errorf("join (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.topics, a.Topics, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("topics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnderstandCommandsOnAnyLine: the answer on the first line and
// commands on later lines are all read.
func TestUnderstandCommandsOnAnyLine(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	r := func(n int) *int { return &n }
	tests := []struct {
		in       string
		met      *bool
		rating   *int
		commands []Instruction
		story    string
	}{
		{"YES 4\nSTORY Sam taught me to run a retro.", yes, r(4), []Instruction{{CommandStory, "Sam taught me to run a retro."}}, "Sam taught me to run a retro."},
		{"YES 4 STORY Sam taught me to run a retro.", yes, r(4), []Instruction{{CommandStory, "Sam taught me to run a retro."}}, "Sam taught me to run a retro."},
		{"Yes, 5. STORY: we built a podcast.", yes, r(5), []Instruction{{CommandStory, "we built a podcast."}}, "we built a podcast."},
		{"yes 4\n\nstory: we built a podcast.\nIt has 200 listeners.", yes, r(4), []Instruction{{CommandStory, "we built a podcast.\nIt has 200 listeners."}}, "we built a podcast.\nIt has 200 listeners."},
		{"No, not this time.\nPAUSE\nI'm on leave until May.", no, nil, []Instruction{{Command: CommandPause}}, ""},
		{"No.\nplease pause", no, nil, []Instruction{{Command: CommandPause}}, ""},
		{"Yes we met, 4.\nStory\nShe showed me Canva.", yes, r(4), []Instruction{{CommandStory, "She showed me Canva."}}, "She showed me Canva."},
		{"REMATCH\nHELP", nil, nil, []Instruction{{Command: CommandRematch}, {Command: CommandHelp}}, ""},
		// Not commands: the word in prose on a later line.
		{"Yes, 4.\nStop by her desk next time, she said.", yes, r(4), nil, ""},
		{"Yes, 4.\nHelp with slides was the best part.", yes, r(4), nil, ""},
		{"Yes, 4.\nThe story she told about TikTok stuck with me.", yes, r(4), nil, ""},
		{"We met. I'll reply STORY later.", yes, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if diff := cmp.Diff(tt.met, a.Met); diff != "" {
				t.Errorf("met (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rating, a.Rating); diff != "" {
				t.Errorf("rating (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.commands, a.Commands, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
			if a.Story != tt.story {
				t.Errorf("story %q, want %q", a.Story, tt.story)
			}
		})
	}
}

// TestUnderstandThanks: only the explicit command forwards words to the
// partner, and Thanks is exactly what is forwarded.
func TestUnderstandThanks(t *testing.T) {
	tests := []struct {
		in, thanks string
	}{
		{"THANKS Sam, you made me rethink how I write to my team.", "Sam, you made me rethink how I write to my team."},
		{"Yes, 4\n\nTHANKS: you were patient with me.\n\nP.S. the survey was long.", "you were patient with me."},
		{"YES 5 THANKS for everything, Sam!", "for everything, Sam!"},
		{"THANK YOU Sam, for the TikTok tour.", "Sam, for the TikTok tour."},
		{"THANKS\nYou taught me Notion.\nAnd patience.\n\nBest,\nAnn", "You taught me Notion.\nAnd patience."},
		{"Ja, 4\nDANKE Sam, für deine Geduld.", "Sam, für deine Geduld."},
		{"MERCI Léa pour tout.", "Léa pour tout."},
		{"GRACIAS Lucía por tu paciencia.", "Lucía por tu paciencia."},
		{"GRAZIE Marco, davvero.", "Marco, davvero."},
		{"OBRIGADA Rita pela paciência.", "Rita pela paciência."},
		{"BEDANKT Jan voor alles.", "Jan voor alles."},
		{"DANK JE Jan voor alles.", "Jan voor alles."},
		// Prose and sign-offs are never forwarded.
		{"Thanks, honestly she was often late.", ""},
		{"Yes, 3\n\nThanks, honestly she was often late.", ""},
		{"thanks for the reminder, we met", ""},
		{"Yes, 4\n\nThanks,\nAnn", ""},
		{"Merci pour le rappel, oui on s'est vus", ""},
		{"Danke, wir haben uns getroffen", ""},
		{"Thank you Sam for everything", ""},
		{"NO THANKS", ""},
		{"THANKS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if a.Thanks != tt.thanks {
				t.Errorf("thanks %q, want %q", a.Thanks, tt.thanks)
			}
			if a.Command == CommandThanks {
				t.Errorf("THANKS reported as Command; it belongs in Commands and Thanks")
			}
		})
	}
}

// TestUnderstandSentences: answers in natural sentences.
func TestUnderstandSentences(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	r := func(n int) *int { return &n }
	tests := []struct {
		in     string
		met    *bool
		rating *int
	}{
		{"yes we met, it was great, 4/5", yes, r(4)},
		{"we met on monday and it was really good, i'd say 4", yes, r(4)},
		{"Ja, wir haben uns am Montag getroffen und es war sehr gut, 4 von 5.", yes, r(4)},
		{"Wir haben uns getroffen, ich gebe eine 5.", yes, r(5)},
		{"Sí, nos reunimos el martes y fue muy útil, le doy un 5.", yes, r(5)},
		{"Nos vimos ayer, fue genial. Un 4.", yes, r(4)},
		{"Oui on s'est vus jeudi, c'était top, 5/5", yes, r(5)},
		{"sì, ci siamo visti, voto 4", yes, r(4)},
		{"sim, nos encontramos, nota 3", yes, r(3)},
		{"ja, we hebben elkaar gezien, een 4", yes, r(4)},
		{"no we didn't manage to meet this time", no, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if diff := cmp.Diff(tt.met, a.Met); diff != "" {
				t.Errorf("met (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rating, a.Rating); diff != "" {
				t.Errorf("rating (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnderstandReadAndLanguage: what a "not understood" email can quote
// back, and the language to write it in.
func TestUnderstandReadAndLanguage(t *testing.T) {
	tests := []struct {
		in, read, lang string
		understood     bool
	}{
		{"Bonjour,\n\nJe ne sais pas quoi répondre, nous avons un souci de calendrier.\n\nCordialement,\nÉlodie", "Je ne sais pas quoi répondre, nous avons un souci de calendrier.", "fr", false},
		{"Hallo,\nich weiß nicht, was ich antworten soll.", "ich weiß nicht, was ich antworten soll.", "de", false},
		{"Hola,\nla verdad es que no sé qué responder.", "la verdad es que no sé qué responder.", "es", false},
		{"Ciao, non so cosa rispondere a questa mail.", "non so cosa rispondere a questa mail.", "it", false},
		{"Olá, não sei bem o que responder ainda.", "não sei bem o que responder ainda.", "pt", false},
		{"Hoi,\nik weet niet wat ik moet antwoorden.", "ik weet niet wat ik moet antwoorden.", "nl", false},
		{"I am not sure what to say to this one.", "I am not sure what to say to this one.", "en", false},
		{"👍", "👍", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if a.Read != tt.read {
				t.Errorf("read %q, want %q", a.Read, tt.read)
			}
			if a.Language != tt.lang {
				t.Errorf("language %q, want %q", a.Language, tt.lang)
			}
			if a.Understood() != tt.understood {
				t.Errorf("understood %v, want %v (met %v rating %v commands %v)", a.Understood(), tt.understood, a.Met, a.Rating, a.Commands)
			}
		})
	}
}
