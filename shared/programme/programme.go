// Package programme holds what a reverse mentoring programme is: its purpose,
// structure and vocabulary, the people enrolled in it, and the rules that
// keep both valid. It knows nothing about storage, mail or the web.
package programme

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/lang"
)

// Purpose is why a programme exists; every email refers back to it.
type Purpose string

const (
	PurposeDigital      Purpose = "digital_transformation"
	PurposeGenerational Purpose = "generational_insight"
	PurposeInclusion    Purpose = "inclusion_diversity"
	PurposeCustom       Purpose = "custom"
)

// Purposes lists the choices in the order the form shows them.
var Purposes = []Purpose{PurposeDigital, PurposeGenerational, PurposeInclusion, PurposeCustom}

// Label is the purpose in words.
func (p Purpose) Label() string {
	switch p {
	case PurposeDigital:
		return "Digital transformation"
	case PurposeGenerational:
		return "Generational insight"
	case PurposeInclusion:
		return "Inclusion and diversity"
	case PurposeCustom:
		return "Our own words"
	}
	return string(p)
}

// DefaultStatement is a purpose statement a coordinator can start from.
func (p Purpose) DefaultStatement() string {
	switch p {
	case PurposeDigital:
		return "Help our leaders understand the tools, platforms and ways of working that are changing our business, from colleagues who use them every day."
	case PurposeGenerational:
		return "Give our leaders a direct line to how early-career colleagues see our organisation, our customers and the world of work."
	case PurposeInclusion:
		return "Help our leaders understand the experience of colleagues whose backgrounds differ from their own, and act on what they learn."
	}
	return ""
}

// Cadence is how often something happens.
type Cadence string

const (
	Weekly   Cadence = "weekly"
	Biweekly Cadence = "biweekly"
	Monthly  Cadence = "monthly"
)

// Cadences lists the choices in the order the form shows them.
var Cadences = []Cadence{Weekly, Biweekly, Monthly}

// Label is the cadence in words.
func (c Cadence) Label() string {
	switch c {
	case Weekly:
		return "Every week"
	case Biweekly:
		return "Every two weeks"
	case Monthly:
		return "Every month"
	}
	return string(c)
}

// Days is the cadence's period in days (a month counts as 28 so that a
// monthly check-in always falls on the same weekday).
func (c Cadence) Days() int {
	switch c {
	case Weekly:
		return 7
	case Biweekly:
		return 14
	case Monthly:
		return 28
	}
	return 0
}

func (c Cadence) valid() bool { return c.Days() > 0 }

// MeetingMode is the preferred way for a pair to meet.
type MeetingMode string

const (
	MeetInPerson MeetingMode = "in_person"
	MeetVideo    MeetingMode = "video"
	MeetEither   MeetingMode = "either"
)

// MeetingModes lists the choices in the order the form shows them.
var MeetingModes = []MeetingMode{MeetEither, MeetInPerson, MeetVideo}

// Label is the mode in words.
func (m MeetingMode) Label() string {
	switch m {
	case MeetInPerson:
		return "In person"
	case MeetVideo:
		return "Video call"
	case MeetEither:
		return "Whatever suits the pair"
	}
	return string(m)
}

// MatchingMode is how a programme forms its pairs over time.
type MatchingMode string

const (
	// ModeCohort: the coordinator proposes and approves by hand.
	ModeCohort MatchingMode = "cohort"
	// ModeRolling: people who opted in since the last round (and people
	// waiting after a rematch) are matched on each round day.
	ModeRolling MatchingMode = "rolling"
	// ModeRotation: every RotationMonths every pair ends kindly and a new
	// round starts, never repeating an earlier pair.
	ModeRotation MatchingMode = "rotation"
)

// MatchingModes lists the choices in the order the form shows them.
var MatchingModes = []MatchingMode{ModeCohort, ModeRolling, ModeRotation}

// Label is the mode in words.
func (m MatchingMode) Label() string {
	switch m {
	case ModeCohort, "":
		return "One cohort: I propose and approve matches myself"
	case ModeRolling:
		return "Rolling: match people who join later on a regular round day"
	case ModeRotation:
		return "Rotation: new partners every few months"
	}
	return string(m)
}

// Resource is a training link given to participants.
type Resource struct {
	Title string `dynamodbav:"title"`
	URL   string `dynamodbav:"url"` // absolute, or a path on this deployment such as /guides/senior
}

// Weights say how much each soft preference counts when matching (0 = ignore).
type Weights struct {
	Topic      float64 `dynamodbav:"topic"`
	Department float64 `dynamodbav:"department"`
	Division   float64 `dynamodbav:"division"`
	Location   float64 `dynamodbav:"location"`
	Seniority  float64 `dynamodbav:"seniority"`
	Diversity  float64 `dynamodbav:"diversity"` // only used when the programme opts in
}

// DateLayout is how programme dates are written and stored.
const DateLayout = "2006-01-02"

// Programme is one reverse mentoring programme.
type Programme struct {
	ID               string      `dynamodbav:"id"`
	Name             string      `dynamodbav:"name"`
	Purpose          Purpose     `dynamodbav:"purpose"`
	PurposeStatement string      `dynamodbav:"purpose_statement"`
	StartDate        string      `dynamodbav:"start_date"` // YYYY-MM-DD
	EndDate          string      `dynamodbav:"end_date"`
	MeetingCadence   Cadence     `dynamodbav:"meeting_cadence"`
	MeetingMinutes   int         `dynamodbav:"meeting_minutes"`
	MeetingMode      MeetingMode `dynamodbav:"meeting_mode"`
	CheckInCadence   Cadence     `dynamodbav:"checkin_cadence"`
	Confidentiality  string      `dynamodbav:"confidentiality"`
	Resources        []Resource  `dynamodbav:"resources"`
	Topics           []string    `dynamodbav:"topics"`
	Weights          Weights     `dynamodbav:"weights"`
	// Hard matching rules the programme opts into.
	RequireSharedLanguage bool `dynamodbav:"require_shared_language"`
	MaxTimezoneDiffHours  int  `dynamodbav:"max_tz_diff_hours"` // 0 = no limit
	JuniorCapacity        int  `dynamodbav:"junior_capacity"`   // seniors one junior may mentor
	// Rounds: how pairs are formed after the first cohort.
	MatchingMode   MatchingMode `dynamodbav:"matching_mode"`
	RoundCadence   Cadence      `dynamodbav:"round_cadence"`   // rolling: how often a round runs
	RotationMonths int          `dynamodbav:"rotation_months"` // rotation: how long each round's pairs last
	// AutoApprove sends a round's introductions without waiting for the
	// coordinator, who gets the summary after the fact.
	AutoApprove bool `dynamodbav:"auto_approve"`
	// ReplyRetentionDays is how long the text of replies is kept.
	ReplyRetentionDays int `dynamodbav:"reply_retention_days"`
	// Language is the programme's default language: the language of its
	// own texts above, and of the emails to people who speak none of the
	// languages Upward writes.
	Language lang.Tag `dynamodbav:"language,omitempty"`
	// Translations are the programme's texts in other languages, by
	// language; what is missing is shown in the default language.
	Translations map[lang.Tag]Texts `dynamodbav:"translations,omitempty"`

	CreatedBy string    `dynamodbav:"created_by"`
	CreatedAt time.Time `dynamodbav:"created_at"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
	// Version guards edits against lost updates (optimistic locking).
	Version int `dynamodbav:"version"`
}

// Texts are the words of a programme that people read in their language:
// its purpose, its confidentiality agreement, its topics (in the same order
// as the default language's, so "1, 3" names the same topics in every
// language) and its resources.
type Texts struct {
	PurposeStatement string     `dynamodbav:"purpose_statement,omitempty"`
	Confidentiality  string     `dynamodbav:"confidentiality,omitempty"`
	Topics           []string   `dynamodbav:"topics,omitempty"`
	Resources        []Resource `dynamodbav:"resources,omitempty"`
}

// Empty reports whether nothing is translated.
func (t Texts) Empty() bool {
	return t.PurposeStatement == "" && t.Confidentiality == "" && len(t.Topics) == 0 && len(t.Resources) == 0
}

// DefaultTopics is a vocabulary drawn from the reverse mentoring literature.
var DefaultTopics = []string{
	"AI tools",
	"Social media",
	"The new-joiner experience",
	"Hybrid and remote work",
	"Inclusion and belonging",
	"Digital collaboration tools",
	"What younger customers expect",
	"Careers and development today",
}

// DefaultConfidentiality is the agreement both people accept by opting in.
const DefaultConfidentiality = "What we discuss stays between us. Neither of us shares the other's views, stories or feedback with anyone — managers and the programme coordinators included — without asking first. The coordinators see only whether we met and how valuable we found it, never what we talked about."

// DefaultResources are the short guides this deployment serves itself, so a
// programme has training material from day one.
var DefaultResources = []Resource{
	{Title: "For senior leaders: learning from a junior colleague", URL: "/guides/senior"},
	{Title: "For junior mentors: sharing what you know with a leader", URL: "/guides/junior"},
	{Title: "Active listening in ten minutes", URL: "/guides/listening"},
	{Title: "Giving and receiving feedback across levels", URL: "/guides/feedback"},
}

// DefaultReplyRetentionDays keeps reply text for a year: long enough for a
// programme and its closing report, short enough not to hoard.
const DefaultReplyRetentionDays = 365

// DefaultWeights favour topic fit, then crossing organisational boundaries.
var DefaultWeights = Weights{Topic: 3, Department: 1, Division: 1, Location: 0.5, Seniority: 1, Diversity: 0}

// New returns a programme with the defaults a coordinator can start from:
// only a name and dates are left to fill in.
func New(today time.Time) Programme {
	start := today.AddDate(0, 0, 14)
	return Programme{
		Purpose:            PurposeGenerational,
		PurposeStatement:   PurposeGenerational.DefaultStatement(),
		StartDate:          start.Format(DateLayout),
		EndDate:            start.AddDate(0, 6, 0).Format(DateLayout),
		MeetingCadence:     Biweekly,
		MeetingMinutes:     45,
		MeetingMode:        MeetEither,
		CheckInCadence:     Biweekly,
		Confidentiality:    DefaultConfidentiality,
		Resources:          append([]Resource(nil), DefaultResources...),
		Topics:             append([]string(nil), DefaultTopics...),
		Weights:            DefaultWeights,
		JuniorCapacity:     1,
		ReplyRetentionDays: DefaultReplyRetentionDays,
		Language:           lang.Default,
		MatchingMode:       ModeCohort,
		RoundCadence:       Weekly,
		RotationMonths:     3,
	}
}

// Start is the first day of the programme.
func (p Programme) Start() time.Time { t, _ := time.Parse(DateLayout, p.StartDate); return t }

// End is the last day of the programme.
func (p Programme) End() time.Time { t, _ := time.Parse(DateLayout, p.EndDate); return t }

// DurationLabel says how long the programme runs, in words.
func (p Programme) DurationLabel() string {
	days := int(p.End().Sub(p.Start()).Hours()/24) + 1
	switch {
	case days >= 56:
		months := (days + 15) / 30
		return fmt.Sprintf("about %d months", months)
	case days >= 14:
		return fmt.Sprintf("%d weeks", (days+3)/7)
	}
	return fmt.Sprintf("%d days", days)
}

// Limits on what a coordinator may enter.
const (
	MaxNameLen      = 120
	MaxTextLen      = 4000
	MaxTopics       = 40
	MaxTopicLen     = 60
	MaxResources    = 20
	MaxWeight       = 10
	MaxCapacity     = 5
	MaxProgrammeDur = 3 * 366 // days
)

// Validate checks the programme and returns one message per bad field.
func (p *Programme) Validate() FieldErrors {
	errs := FieldErrors{}
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		errs.Add("name", "Give the programme a name.")
	case utf8.RuneCountInString(p.Name) > MaxNameLen:
		errs.Add("name", fmt.Sprintf("Keep the name under %d characters.", MaxNameLen))
	case oneLineProblem("The name", p.Name) != "":
		errs.Add("name", oneLineProblem("The name", p.Name))
	}
	switch p.Purpose {
	case PurposeDigital, PurposeGenerational, PurposeInclusion, PurposeCustom:
	default:
		errs.Add("purpose", "Choose one of the purposes listed.")
	}
	p.PurposeStatement = strings.TrimSpace(p.PurposeStatement)
	if p.PurposeStatement == "" {
		if p.Purpose == PurposeCustom {
			errs.Add("purpose_statement", "Say in your own words what the programme is for.")
		} else {
			p.PurposeStatement = p.Purpose.DefaultStatement()
		}
	} else if utf8.RuneCountInString(p.PurposeStatement) > MaxTextLen {
		errs.Add("purpose_statement", fmt.Sprintf("Keep the statement under %d characters.", MaxTextLen))
	}
	start, startErr := time.Parse(DateLayout, p.StartDate)
	if startErr != nil {
		errs.Add("start_date", "Enter the start date as YYYY-MM-DD.")
	}
	end, endErr := time.Parse(DateLayout, p.EndDate)
	if endErr != nil {
		errs.Add("end_date", "Enter the end date as YYYY-MM-DD.")
	}
	if startErr == nil && endErr == nil {
		switch {
		case !end.After(start):
			errs.Add("end_date", "The end date must be after the start date.")
		case end.Sub(start) < 28*24*time.Hour:
			errs.Add("end_date", "A programme needs at least four weeks for pairs to meet more than once.")
		case end.Sub(start) > MaxProgrammeDur*24*time.Hour:
			errs.Add("end_date", "A programme can run for three years at most.")
		}
	}
	if !p.MeetingCadence.valid() {
		errs.Add("meeting_cadence", "Choose weekly, every two weeks or monthly.")
	}
	if !p.CheckInCadence.valid() {
		errs.Add("checkin_cadence", "Choose weekly, every two weeks or monthly.")
	}
	if p.MeetingMinutes < 15 || p.MeetingMinutes > 240 {
		errs.Add("meeting_minutes", "Meetings should last between 15 and 240 minutes.")
	}
	switch p.MeetingMode {
	case MeetInPerson, MeetVideo, MeetEither:
	default:
		errs.Add("meeting_mode", "Choose how pairs should meet.")
	}
	p.Confidentiality = strings.TrimSpace(p.Confidentiality)
	switch {
	case p.Confidentiality == "":
		errs.Add("confidentiality", "Every programme needs a confidentiality agreement; start from the suggested text.")
	case utf8.RuneCountInString(p.Confidentiality) > MaxTextLen:
		errs.Add("confidentiality", fmt.Sprintf("Keep the agreement under %d characters.", MaxTextLen))
	}
	if len(p.Resources) > MaxResources {
		errs.Add("resources", fmt.Sprintf("List at most %d resources.", MaxResources))
	}
	for i, r := range p.Resources {
		if msg := checkResource(r); msg != "" {
			errs.Add("resources", fmt.Sprintf("Line %d: %s", i+1, msg))
			break
		}
	}
	p.Topics = cleanTopics(p.Topics)
	switch {
	case len(p.Topics) == 0:
		errs.Add("topics", "List at least one topic people can learn or share.")
	case len(p.Topics) > MaxTopics:
		errs.Add("topics", fmt.Sprintf("List at most %d topics.", MaxTopics))
	}
	for _, t := range p.Topics {
		if utf8.RuneCountInString(t) > MaxTopicLen {
			errs.Add("topics", fmt.Sprintf("%q is too long: keep topics under %d characters.", t, MaxTopicLen))
			break
		}
		if msg := oneLineProblem(fmt.Sprintf("The topic %q", t), t); msg != "" {
			errs.Add("topics", msg)
			break
		}
	}
	for _, w := range []struct {
		field string
		v     float64
	}{
		{"weight_topic", p.Weights.Topic}, {"weight_department", p.Weights.Department},
		{"weight_division", p.Weights.Division}, {"weight_location", p.Weights.Location},
		{"weight_seniority", p.Weights.Seniority}, {"weight_diversity", p.Weights.Diversity},
	} {
		if w.v < 0 || w.v > MaxWeight {
			errs.Add(w.field, fmt.Sprintf("Use a weight from 0 to %d.", MaxWeight))
		}
	}
	if p.MaxTimezoneDiffHours < 0 || p.MaxTimezoneDiffHours > 24 {
		errs.Add("max_tz_diff_hours", "Use a number of hours from 0 (no limit) to 24.")
	}
	switch p.MatchingMode {
	case "":
		p.MatchingMode = ModeCohort
	case ModeCohort, ModeRolling, ModeRotation:
	default:
		errs.Add("matching_mode", "Choose how pairs are formed.")
	}
	if p.RoundCadence == "" {
		p.RoundCadence = Weekly
	}
	if !p.RoundCadence.valid() {
		errs.Add("round_cadence", "Choose weekly, every two weeks or monthly.")
	}
	if p.RotationMonths == 0 {
		p.RotationMonths = 3
	}
	if p.RotationMonths < 1 || p.RotationMonths > 12 {
		errs.Add("rotation_months", "Rotate every 1 to 12 months.")
	}
	if p.ReplyRetentionDays == 0 {
		p.ReplyRetentionDays = DefaultReplyRetentionDays // programmes saved before the setting existed
	}
	if p.ReplyRetentionDays < 7 || p.ReplyRetentionDays > 3*366 {
		errs.Add("reply_retention_days", "Keep reply text from 7 days to 3 years.")
	}
	if p.JuniorCapacity < 1 || p.JuniorCapacity > MaxCapacity {
		errs.Add("junior_capacity", fmt.Sprintf("A junior can mentor from 1 to %d seniors.", MaxCapacity))
	}
	if p.Language == "" {
		p.Language = lang.Default
	}
	if !p.Language.Valid() {
		errs.Add("language", "Choose one of the languages Upward writes.")
	}
	p.validateTranslations(errs)
	return errs
}

// validateTranslations checks each language's texts like the default ones,
// and that a translated topic list names the same topics in the same order.
func (p *Programme) validateTranslations(errs FieldErrors) {
	for l, tr := range p.Translations {
		field := "translation_" + string(l)
		if !l.Valid() || l == p.Language {
			delete(p.Translations, l)
			continue
		}
		tr.PurposeStatement = strings.TrimSpace(tr.PurposeStatement)
		tr.Confidentiality = strings.TrimSpace(tr.Confidentiality)
		tr.Topics = cleanTopics(tr.Topics)
		if utf8.RuneCountInString(tr.PurposeStatement) > MaxTextLen || utf8.RuneCountInString(tr.Confidentiality) > MaxTextLen {
			errs.Add(field, fmt.Sprintf("%s: keep each text under %d characters.", l.English(), MaxTextLen))
		}
		if len(tr.Topics) > 0 && len(tr.Topics) != len(p.Topics) {
			errs.Add(field, fmt.Sprintf("%s: list the same %d topics as the programme, in the same order, so that topic numbers mean the same in every language (%d given).", l.English(), len(p.Topics), len(tr.Topics)))
		}
		for _, t := range tr.Topics {
			if utf8.RuneCountInString(t) > MaxTopicLen {
				errs.Add(field, fmt.Sprintf("%s: %q is too long: keep topics under %d characters.", l.English(), t, MaxTopicLen))
				break
			}
		}
		if len(tr.Resources) > 0 && len(tr.Resources) != len(p.Resources) {
			errs.Add(field, fmt.Sprintf("%s: give a title for each of the programme's %d resources, in the same order (%d given).", l.English(), len(p.Resources), len(tr.Resources)))
		}
		for i, r := range tr.Resources {
			if msg := checkResource(r); msg != "" {
				errs.Add(field, fmt.Sprintf("%s, resource %d: %s", l.English(), i+1, msg))
				break
			}
		}
		if tr.Empty() {
			delete(p.Translations, l)
			continue
		}
		p.Translations[l] = tr
	}
}

func checkResource(r Resource) string {
	if strings.TrimSpace(r.Title) == "" {
		return "give the resource a title."
	}
	if msg := oneLineProblem("the title", r.Title); msg != "" {
		return msg
	}
	if msg := oneLineProblem("the link", r.URL); msg != "" {
		return msg
	}
	if strings.HasPrefix(r.URL, "/") && !strings.HasPrefix(r.URL, "//") {
		return ""
	}
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Sprintf("%q is not a web address (start it with https://).", r.URL)
	}
	return ""
}

func cleanTopics(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}
