package replies

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestUnderstandCheckIn(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	r := func(n int) *int { return &n }
	tests := []struct {
		in     string
		met    *bool
		rating *int
	}{
		// Did they meet, in the phrasings people use.
		{"Yes", yes, nil},
		{"yep", yes, nil},
		{"YES!", yes, nil},
		{"y", yes, nil},
		{"We met twice.", yes, nil},
		{"MET 4", yes, r(4)}, // the one-word answer the nudge email suggests
		{"met, 5", yes, r(5)},
		{"had coffee on Tuesday", yes, nil},
		{"We had a quick call on Teams.", yes, nil},
		{"Caught up over lunch.", yes, nil},
		{"No", no, nil},
		{"nope", no, nil},
		{"not yet", no, nil},
		{"Not yet - next week hopefully", no, nil},
		{"had to reschedule", no, nil},
		{"We keep missing each other", no, nil},
		{"We haven't met yet", no, nil},
		{"we didn't manage to meet", no, nil},
		{"Our session was cancelled.", no, nil},
		{"Ja", yes, nil},
		{"Wir haben uns getroffen", yes, nil},
		{"Nein, leider verschoben", no, nil},
		{"Noch nicht", no, nil},
		{"Oui", yes, nil},
		{"On s'est vus mardi", yes, nil},
		{"Non, pas encore", no, nil},
		{"Sí", yes, nil},
		{"Nos vimos el lunes", yes, nil},
		{"No, todavía no", no, nil},
		{"Sì", yes, nil},
		{"Ci siamo visti giovedì", yes, nil},
		{"Non ancora", no, nil},
		{"Sim", yes, nil},
		{"Nos encontramos ontem", yes, nil},
		{"Ainda não", no, nil},
		{"Ja, we hebben elkaar gezien", yes, nil},
		{"Nee, nog niet", no, nil},
		// Both, or neither: never guessed.
		{"Yes and no", nil, nil},
		{"Yes. No.", nil, nil},
		{"yes\nno", nil, nil},
		{"Yes, we had to reschedule", nil, nil},
		{"I thought about the question a lot.", nil, nil},
		{"We're meeting on Friday.", nil, nil},
		{"", nil, nil},
		// A leading "no" that is not an answer.
		{"No problem, we met on Monday.", yes, nil},
		{"No idea about the reflection question, but we met.", yes, nil},
		// An explicit answer outweighs one contrary phrase when a phrase backs it.
		{"Yes! We met twice, though we had to reschedule once.", yes, nil},

		// Ratings.
		{"4", nil, r(4)},
		{"Yes, 4", yes, r(4)},
		{"yes 5", yes, r(5)},
		{"Yes - 3", yes, r(3)},
		{"4/5", nil, r(4)},
		{"4 / 5", nil, r(4)},
		{"4 out of 5", nil, r(4)},
		{"four out of five", nil, r(4)},
		{"I'd give it a 5", nil, r(5)},
		{"I would give it a solid 4.", nil, r(4)},
		{"rating: 3", nil, r(3)},
		{"Rating 2 - it was rushed", nil, r(2)},
		{"I'd rate it 4", nil, r(4)},
		{"★★★★", nil, r(4)},
		{"★★★★☆", nil, r(4)},
		{"⭐⭐⭐⭐⭐", nil, r(5)},
		{"4 stars", nil, r(4)},
		{"5!", nil, r(5)},
		{"4 - really useful", nil, r(4)},
		{"Great chat, 4", nil, r(4)},
		{"Ja, 4 von 5", yes, r(4)},
		{"Bewertung: 5", nil, r(5)},
		{"Oui, 4 sur 5", yes, r(4)},
		{"Je lui donne 3", nil, r(3)},
		{"Sí, le doy un 4", yes, r(4)},
		{"Sì, voto 4", yes, r(4)},
		{"Sim, nota 5", yes, r(5)},
		{"Ja, 3 van de 5", yes, r(3)},
		{"1. Yes\n2. 4", yes, r(4)},
		// Numbers that are not ratings.
		{"met on the 3rd", yes, nil},
		{"We met for 2 hours", yes, nil},
		{"Yes, 2 hours", yes, nil},
		{"Yes, we met 3 times", yes, nil},
		{"We met on March 3", yes, nil},
		{"We met at 3pm", yes, nil},
		{"met on 4/5/2026", yes, nil},
		{"Yes, on 3 March", yes, nil},
		{"Am 3. März getroffen", yes, nil},
		{"8/10", nil, nil},
		{"4.5 out of 5", nil, nil},
		{"3-4", nil, nil},
		{"4 or 5", nil, nil},
		{"Yes 4. Rating: 3", yes, nil},
		{"We met in room 4", yes, nil},
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
			if a.Command != "" {
				t.Errorf("command %q, want none", a.Command)
			}
		})
	}
}

func TestUnderstandCommands(t *testing.T) {
	tests := []struct {
		in   string
		want Command
		free string
	}{
		{"PAUSE", CommandPause, ""},
		{"pause", CommandPause, ""},
		{"Pause.\nBack in June.", CommandPause, "Back in June."},
		{"  \n\nRESUME", CommandResume, ""},
		{"Please pause my check-ins", CommandPause, "my check-ins"},
		{"STOP", CommandStop, ""},
		{"Stop sending these", CommandStop, "sending these"},
		{"unsubscribe", CommandStop, ""},
		{"Please remove me from this programme.", CommandStop, "Please remove me from this programme."},
		{"Bitte abmelden", CommandStop, "Bitte abmelden"},
		{"REMATCH", CommandRematch, ""},
		{"re-match please", CommandRematch, "please"},
		{"HELP", CommandHelp, ""},
		{"Hilfe", CommandHelp, ""},
		{"STORY: she taught me Canva.", CommandStory, "she taught me Canva."},
		{"story\nWe built a podcast together.", CommandStory, "We built a podcast together."},
		// Not at the start, or not the word: no command.
		{"Yes we met. Please pause next month though.", "", ""},
		{"Stopped by her desk, we met.", "", ""},
		{"Helpful session, 4", "", ""},
		{"I don't want to unsubscribe, just checking in.", "", ""},
		{"Storytelling was the topic", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: CheckIn})
			if a.Command != tt.want {
				t.Errorf("command %q, want %q", a.Command, tt.want)
			}
			if tt.want != "" {
				if a.Met != nil || a.Rating != nil {
					t.Errorf("a command reply read for answers: met %v rating %v", a.Met, a.Rating)
				}
				if a.FreeText != tt.free {
					t.Errorf("free text %q, want %q", a.FreeText, tt.free)
				}
			}
		})
	}
}

var vocabulary = []string{"AI tools", "Social media", "Gen Z workplace expectations", "Remote collaboration", "Podcasting"}

func TestUnderstandWelcome(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	tests := []struct {
		in     string
		join   *bool
		topics []string
		free   string
	}{
		{"JOIN", yes, nil, ""},
		{"join", yes, nil, ""},
		{"Yes", yes, nil, ""},
		{"Yes please!", yes, nil, "please!"},
		{"Count me in", yes, nil, ""},
		{"I'd love to join.", yes, nil, ""},
		{"Ich bin dabei", yes, nil, ""},
		{"Je participe avec plaisir", yes, nil, ""},
		{"No thanks", no, nil, ""},
		{"no, thank you", no, nil, ""},
		{"Not for me", no, nil, ""},
		{"I decline", no, nil, ""},
		{"Nein danke", no, nil, ""},
		{"Non merci", no, nil, ""},
		{"No, gracias", no, nil, ""},
		{"No grazie", no, nil, ""},
		{"Não, obrigada", no, nil, ""},
		{"Nee, bedankt", no, nil, ""},
		{"I don't want to join", no, nil, "I don't want to join"},
		{"Yes, but not for me this year", nil, nil, "but this year"},
		{"JOIN 1, 3", yes, []string{"AI tools", "Gen Z workplace expectations"}, ""},
		// The form the welcome email suggests: numbers, then a name.
		{"JOIN 1, 3, podcasting", yes, []string{"AI tools", "Gen Z workplace expectations", "Podcasting"}, ""},
		{"join 2 and 4", yes, []string{"Social media", "Remote collaboration"}, ""},
		{"JOIN\n1,3,5", yes, []string{"AI tools", "Gen Z workplace expectations", "Podcasting"}, ""},
		{"Yes - 2 and 4 please", yes, []string{"Social media", "Remote collaboration"}, "please"},
		{"join: ai tools, SOCIAL MEDIA", yes, []string{"AI tools", "Social media"}, ""},
		{"join - AI-tools and socialmedia", yes, []string{"AI tools", "Social media"}, ""},
		{"Yes! Remote colaboration, podcastin", yes, []string{"Remote collaboration", "Podcasting"}, ""},
		{"join. Gen-Z workplace expectation", yes, []string{"Gen Z workplace expectations"}, ""},
		{"JOIN. AI tools and also knitting", yes, []string{"AI tools"}, "knitting"},
		{"JOIN\n1. AI tools\n3. Gen Z workplace expectations", yes, []string{"AI tools", "Gen Z workplace expectations"}, ""},
		{"Join. I have 2 kids so evenings are hard.", yes, nil, "I have 2 kids so evenings are hard."},
		{"Topic 9 please", nil, nil, "Topic 9 please"},
		{"social", nil, nil, "social"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a := Understand(tt.in, Options{Context: Welcome, Topics: vocabulary})
			if diff := cmp.Diff(tt.join, a.Join); diff != "" {
				t.Errorf("join (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.topics, a.Topics, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("topics (-want +got):\n%s", diff)
			}
			if a.FreeText != tt.free {
				t.Errorf("free text %q, want %q", a.FreeText, tt.free)
			}
			if a.Met != nil || a.Rating != nil {
				t.Errorf("welcome reply read as a check-in: met %v rating %v", a.Met, a.Rating)
			}
		})
	}
}

// TestUnderstandFreeTextWelcome: the topics and the joining words cut out
// of a welcome reply leave no connector before the sentence end ("die
// Themen und.").
func TestUnderstandFreeTextWelcome(t *testing.T) {
	vocab := []string{"AI tools", "Social media", "Gen Z workplace expectations", "Remote collaboration", "Podcasting"}
	tests := []struct{ in, want string }{
		{"Hallo,\n\nich bin gerne dabei. Mich interessieren die Themen 1 und 4.\n\nViele Grüße\nAnn", "ich. Mich interessieren die Themen."},
		{"Me apunto. Temas 1 y 3.", "Temas."},
		{"Ja, ik doe graag mee! Onderwerpen 2 en 5.", "Onderwerpen."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Understand(tt.in, Options{Context: Welcome, Topics: vocab}).FreeText; got != tt.want {
				t.Errorf("free text %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnderstandFreeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Yes, 4. She showed me Notion.", "She showed me Notion."},
		{"Yes\n4\nShe showed me Notion.", "She showed me Notion."},
		{"We met twice — 4/5. Great.", "We met twice. Great."},
		{"No, had to reschedule.", "had to reschedule."},
		{"I assumed she'd be on her phone.", "I assumed she'd be on her phone."},
		// A rating cut from the end of a sentence leaves one full stop,
		// not two (seen in Thunderbird and Evolution replies in Portuguese
		// and Italian).
		{"Sim, nos encontramos na sexta. Nota 4.", "nos encontramos na sexta."},
		{"Sì, ci siamo visti lunedì. Voto 4.", "ci siamo visti lunedì."},
		{"We met on Friday! 4/5.", "We met on Friday!"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Understand(tt.in, Options{}).FreeText; got != tt.want {
				t.Errorf("free text %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnderstandBoundsInput(t *testing.T) {
	long := "Yes, 4.\n" + strings.Repeat("word ", 10000)
	a := Understand(long, Options{})
	if a.Met == nil || !*a.Met || a.Rating == nil || *a.Rating != 4 {
		t.Errorf("answers at the top of a long reply: met %v rating %v", a.Met, a.Rating)
	}
	if !strings.HasSuffix(a.FreeText, "word") || len(a.FreeText) < 49000 {
		t.Errorf("free text lost the tail: %d bytes", len(a.FreeText))
	}
}
