package anonymise

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var words = Words{Department: "[department]", Place: "[place]", Title: "[job title]", Address: "[email address]"}

// The pair of most tests: the partner first, as a story's teller names
// their partner more often than themselves.
var (
	noa = Person{Name: "Noa Cohen", Emails: []string{"noa.cohen@example.org"}, Title: "Data Analyst", Department: "Retail", Location: "Tel Aviv",
		First: "a junior mentor", Again: "the junior mentor"}
	mia = Person{Name: "Mia Jones", PreferredName: "Mimi", Emails: []string{"mia.jones@example.org", "mia@home.example"}, Title: "COO",
		Department: "Finance", Division: "Group Functions", Location: "London", First: "a senior leader", Again: "the senior leader"}
)

func TestText(t *testing.T) {
	ana := Person{Name: "Ana María Núñez", Department: "Innovación", Location: "Málaga", First: "una persona júnior", Again: "la persona júnior"}
	rose := Person{Name: "Rose Will", Department: "IT", First: "a junior mentor", Again: "the junior mentor"}
	dijk := Person{Name: "Jan van Dijk", Location: "Den Haag", First: "a senior leader", Again: "the senior leader"}
	sam1 := Person{Name: "Sam Lee", First: "a junior mentor", Again: "the junior mentor"}
	sam2 := Person{Name: "Sam Ortiz", First: "a senior leader", Again: "the senior leader"}
	tests := []struct {
		name   string
		text   string
		people []Person
		want   string
	}{
		{"full name, then first name: first and later mentions",
			"Noa Cohen showed me our app on a cheap phone. Then Noa rebuilt the checkout with me.", []Person{noa, mia},
			"A junior mentor showed me our app on a cheap phone. Then the junior mentor rebuilt the checkout with me."},
		{"mid-sentence stays lower case", "Working with Noa changed how I plan releases.", []Person{noa, mia},
			"Working with a junior mentor changed how I plan releases."},
		{"possessive", "Noa's idea saved us a month; Cohen's notes are on my wall.", []Person{noa, mia},
			"A junior mentor's idea saved us a month; the junior mentor's notes are on my wall."},
		{"curly possessive", "It was Noa’s question that stuck.", []Person{noa, mia}, "It was a junior mentor’s question that stuck."},
		{"preferred name and the teller's own name", "Mimi, as everyone calls her, listened. — Mia Jones", []Person{noa, mia},
			"A senior leader, as everyone calls her, listened. — the senior leader"},
		{"case: shouted and at a sentence start", "NOA COHEN is brilliant! noa agreed.", []Person{noa, mia},
			"A junior mentor is brilliant! noa agreed."},
		{"details of both people", "Noa from Retail in Tel Aviv met Mia, our COO in London (Group Functions, Finance).", []Person{noa, mia},
			"A junior mentor from [department] in [place] met a senior leader, our [job title] in [place] ([department], [department])."},
		{"email addresses, before the names in them", "Write to noa.cohen@example.org or MIA@HOME.EXAMPLE.", []Person{noa, mia},
			"Write to [email address] or [email address]."},
		{"a title containing a department is one title", "She is the Data Analyst for Retail.", []Person{noa, mia},
			"She is the [job title] for [department]."},
		{"accents, with and without", "Ana María Núñez me enseñó todo. Despues Ana y Nunez fueron a Malaga; María sonrió.", []Person{ana},
			"Una persona júnior me enseñó todo. Despues la persona júnior y la persona júnior fueron a [place]; la persona júnior sonrió."},
		{"a department in another case is the department", "El equipo de INNOVACIÓN nos ayudó.", []Person{ana}, "El equipo de [department] nos ayudó."},
		{"names that are also words stay words in lower case", "I will bring a rose, and it will help. Rose said IT would too.", []Person{rose},
			"I will bring a rose, and it will help. A junior mentor said [department] would too."},
		{"a word at a sentence start is taken for the name", "Will you come? Rose will.", []Person{rose},
			"A junior mentor you come? The junior mentor will."},
		{"surname particles go with the surname, never alone", "Van Dijk and I walked from Den Haag; de tuin van Jan was mooi.", []Person{dijk},
			"A senior leader and I walked from [place]; de tuin van the senior leader was mooi."},
		{"a shared first name is the partner's, listed first", "Sam and Sam Ortiz met.", []Person{sam1, sam2},
			"A junior mentor and a senior leader met."},
		{"a name inside a longer word is not the name", "Noah and Noam are not Noa; nor is Cohenstraat.", []Person{noa},
			"Noah and Noam are not a junior mentor; nor is Cohenstraat."},
		{"quoted sentence start", "She said: \"Noa knows.\"\nMia agreed.", []Person{noa, mia},
			"She said: \"a junior mentor knows.\"\nA senior leader agreed."},
		{"nothing to replace", "We changed the release plan.", []Person{noa, mia}, "We changed the release plan."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Text(tc.text, tc.people, words)); diff != "" {
				t.Errorf("Text(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"anonymised: nothing left", Text("Noa Cohen showed Mia around Retail.", []Person{noa, mia}, words), nil},
		{"a lower-case name the replacement left alone", "noa showed me, and the finance team too.", []string{"Noa", "Finance"}},
		{"a surname and an address", "Thanks to JONES at mia@home.example.", []string{"Jones", "mia@home.example"}},
		{"the longer form is named once", "Noa Cohen, Noa Cohen.", []string{"Noa Cohen"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Remaining(tc.text, []Person{noa, mia}, words)); diff != "" {
				t.Errorf("Remaining(%q) (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}
