package health

import ()

// Impact is what the goals and the closing loop add up to, in counts and
// rates only: never anyone's words.
type Impact struct {
	// GoalsSet: people who told us a goal, of the people paired.
	GoalsSet Rate
	// Progress is how far people say they came towards their goal (1–5),
	// by role.
	Progress []RoleValue
	// Applied: seniors who said what they applied, of the seniors paired;
	// SharedApplied: of those, the ones who let their junior read it;
	// Recognised: of those, the ones whose junior's manager heard of it.
	Applied, SharedApplied, Recognised Rate
}

const (
	noGoals    = "Nobody has been paired yet."
	noProgress = "Nobody has said how far they came yet."
	noApplied  = "No senior has said what they applied yet."
)
