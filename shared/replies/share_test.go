package replies

import "testing"

func TestGoalWhat(t *testing.T) {
	tests := []struct {
		in   string
		want Goal
	}{
		{"3", Goal{Progress: 3}},
		{" 4/5 ", Goal{Progress: 4}},
		{"5 / 5", Goal{Progress: 5}},
		{"2.", Goal{Progress: 2}},
		{"0", Goal{Progress: 0}},
		{"3\nIt went better than I thought.", Goal{Progress: 3}},
		{"TEILEN", Goal{Share: true}},
		{"delen", Goal{Share: true}},
		{"Share.", Goal{Share: true}},
		{"share what I learn with my team", Goal{Text: "share what I learn with my team"}},
		{"3 meetings with the graduate intake", Goal{Text: "3 meetings with the graduate intake"}},
		{"Understand how new joiners see our tools", Goal{Text: "Understand how new joiners see our tools"}},
		{"  Two lines\nof goal  ", Goal{Text: "Two lines\nof goal"}},
		{"", Goal{}},
	}
	for _, tt := range tests {
		if got := GoalWhat(tt.in); got != tt.want {
			t.Errorf("GoalWhat(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestShareWhat(t *testing.T) {
	tests := []struct {
		in   string
		want Shared
	}{
		{"", Shared{}},
		{"GOAL", Shared{Goal: true}},
		{"objectif.", Shared{Goal: true}},
		{"MANAGER", Shared{Manager: true}},
		{"with my manager please", Shared{Manager: true}},
		{"Führungskraft", Shared{Manager: true}},
		{"LEIDINGGEVENDE", Shared{Manager: true}},
		{"it with Kenji, it was a great year and my manager agrees", Shared{}},
		{"the goal", Shared{}},
	}
	for _, tt := range tests {
		if got := ShareWhat(tt.in); got != tt.want {
			t.Errorf("ShareWhat(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
