package replies

import "testing"

func TestLanguageRequests(t *testing.T) {
	tests := []struct {
		text, want string // want: the language as written; "" for none
	}{
		{"LANGUAGE Deutsch", "Deutsch"},
		{"language fr", "fr"},
		{"LANGUE français", "français"},
		{"SPRACHE: Englisch", "Englisch"},
		{"IDIOMA español", "español"},
		{"TAAL Nederlands", "Nederlands"},
		{"In French, please", "French"},
		{"Auf Deutsch bitte", "Deutsch"},
		{"En español, por favor", "español"},
		{"Em português", "português"},
		{"In het Nederlands graag", "Nederlands"},
		{"Please write to me in Italian.", "Italian"},
		{"YES 4\nLANGUAGE Italiano", "Italiano"},
		// Not requests.
		{"In person is better for me", ""},
		{"Language is a barrier sometimes, but we met. YES 4", ""},
		{"Idioma: no sé", ""},
		{"We met in Lisbon", ""},
	}
	for _, tt := range tests {
		a := Understand(tt.text, Options{})
		got := ""
		for _, in := range a.Commands {
			if in.Command == CommandLanguage {
				got = in.Text
			}
		}
		if got != tt.want {
			t.Errorf("Understand(%q) language = %q, want %q (commands %+v)", tt.text, got, tt.want, a.Commands)
		}
	}
}

func TestLocalRematchWordsAreUnmistakable(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"WECHSELN", true}, {"CHANGER", true}, {"cambiar", true}, {"TROCAR por favor", true}, {"Wisselen:", true},
		{"CAMBIARE", true},
		// Everyday verbs at the start of a sentence are not commands.
		{"Changer de créneau serait mieux pour moi", false},
		{"Cambiar la hora nos vendría bien. SÍ 4", false},
		{"Wisselen van tijdstip lukt niet", false},
	}
	for _, tt := range tests {
		a := Understand(tt.text, Options{})
		if got := a.Command == CommandRematch; got != tt.want {
			t.Errorf("Understand(%q) rematch = %v, want %v (command %q)", tt.text, got, tt.want, a.Command)
		}
	}
}
