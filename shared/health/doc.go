// Package health computes what a coordinator needs to follow a programme —
// how its pairs stand, how often they meet, how many check-ins are
// answered, how valuable people find it, and who needs attention — from
// participants, pairs and check-in answers alone. Reply text is not an
// input: nothing here can show what anyone wrote. It makes no network calls,
// so every figure can be checked by hand in a table test.
//
// # Definitions
//
// Asked. A person is asked at cycle k of their pair when the pair's plan
// (schedule.NewPlan) delivers cycle k — a check-in, the midpoint survey, a
// nudge sent in its place, or the closing survey, all of which ask "did you
// meet?" and "how valuable was it?" — at or before the cut-off, in that
// person's time zone. The cut-off is now for live pairs and the moment the
// pair ended for ended, rematched and stopped pairs. Check-ins that fall in
// the pair's latest pause (PausedAt until ResumedAt, or until now while
// paused) are held by the tick and are not counted; the closing survey goes
// out even during a pause and is counted. Upward keeps no history of earlier
// pauses, so check-ins held in those count as asked.
//
// Answered. A person answered cycle k when an answer to it from them is
// recorded (a meeting answer, a rating, or both). Commands and free text are
// not answers.
//
// Response rate = answered / asked, over person-cycles. Answers to a cycle
// that was not asked (there should be none) are not counted, so the rate
// never exceeds 100%.
//
// Meeting rate = pair-cycles where someone said they met / pair-cycles where
// at least one of the two answered the meeting question. It is counted per
// pair, not per answer: both people are asked about the same meeting, and a
// pair where both answer should not weigh twice. One YES is enough — if one
// says they met, the meeting happened and the other misread "since the last
// check-in".
//
// Value by role = the mean of the 1–5 ratings given to check-ins (check-in,
// midpoint, nudge) by seniors and by juniors, with the distribution of
// ratings. The final surveys — the closing survey, which asks about the
// programme as a whole, and a rotation round's end, which asks about the
// pairing — are a separate figure (ProgrammeValue). A round's end survey
// counts towards the meeting rate but not the response rate: the plan does
// not know when a rotation ends a pair. There is deliberately no
// all-roles average: with it and one role's average, the other role's —
// possibly withheld — average could be worked out.
//
// Pair states. Each pair is counted once: active, stalled, paused, ended,
// rematched or stopped. Stalled is derived, not stored: an active pair is
// stalled when no meeting was reported across the two check-ins before its
// latest one (schedule.Stall, the rule the tick nudges by, at the latest
// cycle delivered to the senior). Active counts only the pairs that are not
// stalled, so the states add up to the number of pairs.
//
// Trend. The figures above per check-in number (cycle 1, 2, …), so that
// pairs approved on different days line up by how far they are into their
// programme. Closing surveys are left out of the trend: a late pair's
// closing can carry the same number as another pair's check-in.
//
// # Fewer than five people
//
// Any rate, average or distribution made of answers is withheld, with a note
// saying why, when fewer than MinPeople distinct people are behind it:
// people asked for the response rate, people who answered the meeting
// question for the meeting rate, people who gave a rating for a value. This
// holds for every trend point too. The counts of pairs by state are not
// answers (the coordinator sees each pair's state on the attention list) and
// are always shown.
//
// The rule does not protect against everything: five people who all rate 1
// are shown as a mean of 1, and a coordinator who reloads the dashboard
// after each reply can see it move. The pages show rates and the number of
// people behind them, not the number of answers per trend point, so a
// withheld point cannot be worked out from the totals.
package health
