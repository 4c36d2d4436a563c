package mail

// Reflection questions rotate through a pair's check-ins, one per email,
// without repeating until the list is used up. Seniors are asked about their
// assumptions and about receiving feedback from someone junior; juniors
// about whether they benefit too — the questions the programme literature
// recommends.
var (
	seniorQuestions = []string{
		"What assumptions do you hold about younger or less experienced colleagues, and did anything this time challenge one?",
		"How comfortable are you receiving feedback from someone junior? What makes it easier or harder?",
		"What have you applied from your conversations so far?",
		"What did you hear that you would not have heard through the usual channels?",
		"When did you last change your mind because of something your mentor said?",
		"Which of your team's habits would look different through your mentor's eyes?",
		"What question did you avoid asking, and why?",
		"What would your team notice if you acted on what you learned?",
		"Where did you notice yourself giving advice when you meant to listen?",
		"What is one thing about your work your mentor found surprising?",
		"Which decision coming up would benefit from a junior colleague's view?",
		"What do you want to learn in the time that is left?",
	}
	juniorQuestions = []string{
		"Are you benefiting from this too? What have you learned about how the organisation works?",
		"What surprised you about your partner's job or the decisions they face?",
		"What was hard to say, and how did you say it?",
		"What did your partner do that made it easier to be candid?",
		"Which of your skills or habits turned out to be most useful to your partner?",
		"What have you learned about leading from seeing a leader up close?",
		"What would you like your partner to try before you next meet?",
		"What part of the organisation do you understand better now?",
		"What topic have you not brought up yet that you would like to?",
		"How has this changed how you see your own career?",
		"What feedback would you give your partner about how they listen?",
		"What do you want to get from the time that is left?",
	}
)

// question picks the reflection question of check-in cycle k (1-based).
func question(senior bool, k int) string {
	qs := juniorQuestions
	if senior {
		qs = seniorQuestions
	}
	if k < 1 {
		k = 1
	}
	return qs[(k-1)%len(qs)]
}
