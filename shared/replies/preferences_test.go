package replies

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// NOT WITH and ASSISTANT are read in every language, in capitals, with a
// colon, or on the first line before an address, with the rest of their
// line as their words; as everyday words they are left alone.
func TestPrivateCommands(t *testing.T) {
	yes := ptr(true)
	r := func(n int) *int { return &n }
	for _, tc := range []struct {
		in     string
		want   []Instruction
		met    *bool
		rating *int
	}{
		{in: "NOT WITH sam.lee@example.org", want: []Instruction{{CommandNotWith, "sam.lee@example.org"}}},
		{in: "Hi,\nNOT WITH Sam Lee\nThanks, Ana", want: []Instruction{{CommandNotWith, "Sam Lee"}}},
		{in: "Not with: Sam Lee", want: []Instruction{{CommandNotWith, "Sam Lee"}}},
		{in: "not with sam.lee@example.org please", want: []Instruction{{CommandNotWith, "sam.lee@example.org please"}}},
		{in: "NICHT MIT Jo Park", want: []Instruction{{CommandNotWith, "Jo Park"}}},
		{in: "PAS AVEC Élodie Martin", want: []Instruction{{CommandNotWith, "Élodie Martin"}}},
		{in: "NO CON ana@example.org", want: []Instruction{{CommandNotWith, "ana@example.org"}}},
		{in: "NON CON Marco", want: []Instruction{{CommandNotWith, "Marco"}}},
		{in: "NÃO COM joão@example.org", want: []Instruction{{CommandNotWith, "joão@example.org"}}},
		{in: "NIET MET Pieter de Vries", want: []Instruction{{CommandNotWith, "Pieter de Vries"}}},
		{in: "NOT WITH REMOVE Sam Lee", want: []Instruction{{CommandNotWith, "REMOVE Sam Lee"}}},
		{in: "NOT WITH", want: []Instruction{{CommandNotWith, ""}}},
		{in: "YES 4\nNOT WITH sam@example.org\nSTORY We rebuilt it.", met: yes, rating: r(4),
			want: []Instruction{{CommandNotWith, "sam@example.org"}, {CommandStory, "We rebuilt it."}}},
		{in: "YES 4 NOT WITH sam@example.org", met: yes, rating: r(4), want: []Instruction{{CommandNotWith, "sam@example.org"}}},
		{in: "ASSISTANT ea@example.org", want: []Instruction{{CommandAssistant, "ea@example.org"}}},
		{in: "Assistant: Maria Lopez <maria@example.org>", want: []Instruction{{CommandAssistant, "Maria Lopez <maria@example.org>"}}},
		{in: "assistant ea@example.org", want: []Instruction{{CommandAssistant, "ea@example.org"}}},
		{in: "ASSISTENZ ea@example.de", want: []Instruction{{CommandAssistant, "ea@example.de"}}},
		{in: "ASISTENTE ea@example.es", want: []Instruction{{CommandAssistant, "ea@example.es"}}},
		{in: "ASSISTENTE REMOVER", want: []Instruction{{CommandAssistant, "REMOVER"}}},
		{in: "ASSISTENT ea@example.nl", want: []Instruction{{CommandAssistant, "ea@example.nl"}}},
		// Everyday words.
		{in: "Not with me, sorry: my diary is full."},
		{in: "No, con tanto trabajo no nos vimos.", met: ptr(false)},
		{in: "Yes, 4\nMy assistant ea@example.org books my diary.", met: yes, rating: r(4)},
		{in: "Yes 4\nAssistant professor Jones joined us.", met: yes, rating: r(4)},
		{in: "NOTHING WITHOUT you"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			a := Understand(tc.in, Options{Context: CheckIn})
			if diff := cmp.Diff(tc.want, a.Commands); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.met, a.Met); diff != "" {
				t.Errorf("met (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.rating, a.Rating); diff != "" {
				t.Errorf("rating (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemoval(t *testing.T) {
	for text, want := range map[string]struct {
		remove bool
		rest   string
	}{
		"REMOVE Sam Lee":        {true, "Sam Lee"},
		"remove: sam@x.org":     {true, "sam@x.org"},
		"ENTFERNEN":             {true, ""},
		"RETIRER Élodie":        {true, "Élodie"},
		"QUITAR ana@x.org":      {true, "ana@x.org"},
		"RIMUOVI":               {true, ""},
		"REMOVER":               {true, ""},
		"VERWIJDEREN Jan":       {true, "Jan"},
		"Remy Lebeau":           {false, "Remy Lebeau"},
		"removed@x.org":         {false, "removed@x.org"},
		"  sam.lee@example.org": {false, "sam.lee@example.org"},
	} {
		remove, rest := Removal(text)
		if remove != want.remove || rest != want.rest {
			t.Errorf("Removal(%q) = %v, %q; want %v, %q", text, remove, rest, want.remove, want.rest)
		}
	}
}
