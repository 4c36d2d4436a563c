package programme

import (
	_ "time/tzdata" // time zones validate the same in Lambda as on a laptop

	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/lang"
)

// Role is which side of the reverse mentoring a participant is on.
type Role string

const (
	// Senior is the leader being mentored (the mentee).
	Senior Role = "senior"
	// Junior is the early-career colleague doing the mentoring.
	Junior Role = "junior"
)

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case Senior:
		return "Senior (mentee)"
	case Junior:
		return "Junior (mentor)"
	}
	return string(r)
}

// Status is where a participant stands in the programme.
type Status string

const (
	Invited  Status = "invited"
	OptedIn  Status = "opted_in"
	Declined Status = "declined"
	Bounced  Status = "bounced"
	Paused   Status = "paused"
	Stopped  Status = "stopped" // unsubscribed or asked to stop: never mailed again
)

// Statuses lists every status in the order lists show them.
var Statuses = []Status{Invited, OptedIn, Declined, Paused, Bounced, Stopped}

// SettableStatuses are those a coordinator may set by hand (someone said yes
// in person). Bounced and stopped come only from the mail system and from
// the participant, so a coordinator cannot mail someone who asked not to be.
var SettableStatuses = []Status{Invited, OptedIn, Declined, Paused}

// Label is the status in words.
func (s Status) Label() string {
	switch s {
	case Invited:
		return "Invited"
	case OptedIn:
		return "Opted in"
	case Declined:
		return "Declined"
	case Bounced:
		return "Bounced"
	case Paused:
		return "Paused"
	case Stopped:
		return "Stopped"
	}
	return string(s)
}

// Settable reports whether a coordinator may set s by hand.
func (s Status) Settable() bool {
	for _, x := range SettableStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Mailable reports whether a participant in this status may receive
// programme email.
func (s Status) Mailable() bool { return s != Bounced && s != Stopped }

// Participant is one person enrolled in a programme.
type Participant struct {
	ID          string `dynamodbav:"id"`
	ProgrammeID string `dynamodbav:"programme_id"`
	Email       string `dynamodbav:"email"` // lower-cased
	// OtherEmails are further addresses a coordinator accepted as theirs
	// (a personal mailbox they reply from).
	OtherEmails []string `dynamodbav:"other_emails,stringset,omitempty"`
	Name        string   `dynamodbav:"name"`
	// PreferredName is what emails call them ("Hi Kate,"); empty: the
	// first word of Name.
	PreferredName string   `dynamodbav:"preferred_name,omitempty"`
	Role          Role     `dynamodbav:"role"`
	Title         string   `dynamodbav:"title,omitempty"`
	Department    string   `dynamodbav:"department,omitempty"`
	Division      string   `dynamodbav:"division,omitempty"`
	Location      string   `dynamodbav:"location,omitempty"`
	ManagerEmail  string   `dynamodbav:"manager_email,omitempty"`
	TimeZone      string   `dynamodbav:"time_zone,omitempty"`
	Level         int      `dynamodbav:"level,omitempty"` // seniority grade, higher = more senior; 0 = unknown
	Languages     []string `dynamodbav:"languages,omitempty"`
	// Language is the language they chose for emails (enrolment, or
	// LANGUAGE by reply); empty: chosen from Languages, else the
	// programme's (see EmailLanguage).
	Language   lang.Tag          `dynamodbav:"language,omitempty"`
	Capacity   int               `dynamodbav:"capacity,omitempty"`   // juniors: seniors they may mentor; 0 = the programme's default
	Attributes map[string]string `dynamodbav:"attributes,omitempty"` // attr_* and diversity_* columns, by name without prefix

	Status        Status    `dynamodbav:"status"`
	StatusNote    string    `dynamodbav:"status_note,omitempty"`
	Topics        []string  `dynamodbav:"topics,omitempty"` // chosen when opting in
	WelcomeRound  int       `dynamodbav:"welcome_round"`    // bumped by "resend welcome"
	WelcomeSentAt time.Time `dynamodbav:"welcome_sent_at,omitempty"`
	// QuestionsAsked are the reflection questions already asked, as
	// "<pair>#<cycle>=<question>", so they rotate across all of a person's
	// partners and a redelivered check-in asks what it asked the first time.
	QuestionsAsked []string `dynamodbav:"questions_asked,stringset,omitempty"`
	// MailProblem says why mail to this person stopped (a hard bounce, a
	// complaint), for the coordinator's attention list.
	MailProblem   string    `dynamodbav:"mail_problem,omitempty"`
	MailProblemAt time.Time `dynamodbav:"mail_problem_at,omitempty"`
	// UnclearAt is when their latest reply could not be read for an answer
	// or a command (zero: it could), for the coordinator's attention list.
	UnclearAt time.Time `dynamodbav:"unclear_at,omitempty"`
	CreatedAt time.Time `dynamodbav:"created_at"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
}

// Limits on enrolment fields.
const (
	MaxFieldLen = 200
	MaxLangs    = 10
)

var langRE = regexp.MustCompile(`^[\p{L}][\p{L} -]{0,39}$`)

// NormalizeEmail validates a bare email address and lower-cases it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("is empty")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.ContainsAny(s, " \t\r\n<>\"") {
		return "", fmt.Errorf("%q is not an email address", s)
	}
	if len(s) > 254 {
		return "", fmt.Errorf("is longer than 254 characters")
	}
	return strings.ToLower(s), nil
}

// ParseRole reads a role as people write it.
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "senior", "leader", "mentee", "senior leader":
		return Senior, true
	case "junior", "mentor", "reverse mentor", "junior mentor":
		return Junior, true
	}
	return "", false
}

// SplitLanguages splits a languages cell ("English | Português", "en;fr")
// into clean, lower-cased, de-duplicated names or codes, in the order
// given: the first one Upward writes is the language of the person's
// emails unless they choose one.
func SplitLanguages(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ';' || r == ',' || r == '/' })
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		f = strings.ToLower(strings.Join(strings.Fields(f), " "))
		if f == "" || seen[f] {
			continue
		}
		if !langRE.MatchString(f) {
			return nil, fmt.Errorf("%q is not a language name or code", f)
		}
		seen[f] = true
		out = append(out, f)
	}
	if len(out) > MaxLangs {
		return nil, fmt.Errorf("lists more than %d languages", MaxLangs)
	}
	return out, nil
}

// Validate checks and normalises a participant's profile fields (not their
// status), returning one message per bad field keyed by its CSV column name.
func (p *Participant) Validate() FieldErrors {
	errs := FieldErrors{}
	if e, err := NormalizeEmail(p.Email); err != nil {
		errs.Add("email", "Email "+err.Error()+".")
	} else {
		p.Email = e
	}
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	switch {
	case p.Name == "":
		errs.Add("name", "Name is empty.")
	case utf8.RuneCountInString(p.Name) > MaxFieldLen:
		errs.Add("name", fmt.Sprintf("Name is longer than %d characters.", MaxFieldLen))
	case oneLineProblem("Name", p.Name) != "":
		errs.Add("name", oneLineProblem("Name", p.Name))
	}
	if p.Role != Senior && p.Role != Junior {
		errs.Add("role", "Role must be senior or junior.")
	}
	if p.Language != "" {
		if t, ok := lang.Parse(string(p.Language)); ok {
			p.Language = t
		} else {
			errs.Add("language", fmt.Sprintf("Upward writes emails in %s; %q is not one of them. Leave it empty to choose from the person's languages.", languageNames(), p.Language))
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"preferred_name", &p.PreferredName}, {"title", &p.Title}, {"department", &p.Department}, {"division", &p.Division}, {"location", &p.Location}} {
		*f.v = strings.Join(strings.Fields(*f.v), " ")
		if utf8.RuneCountInString(*f.v) > MaxFieldLen {
			errs.Add(f.name, fmt.Sprintf("%s is longer than %d characters.", f.name, MaxFieldLen))
		} else if msg := oneLineProblem(f.name, *f.v); msg != "" {
			errs.Add(f.name, msg)
		}
	}
	if strings.TrimSpace(p.ManagerEmail) != "" {
		m, err := NormalizeEmail(p.ManagerEmail)
		switch {
		case err != nil:
			errs.Add("manager_email", "Manager email "+err.Error()+".")
		case m == p.Email:
			errs.Add("manager_email", "A person cannot be their own manager.")
		default:
			p.ManagerEmail = m
		}
	} else {
		p.ManagerEmail = ""
	}
	p.TimeZone = strings.TrimSpace(p.TimeZone)
	if p.TimeZone != "" {
		if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "Local" {
			errs.Add("time_zone", fmt.Sprintf("%q is not an IANA time zone such as Europe/Lisbon or America/New_York.", p.TimeZone))
		}
	}
	if p.Capacity < 0 || p.Capacity > MaxCapacity {
		errs.Add("capacity", fmt.Sprintf("Capacity must be a whole number from 1 to %d, or empty for the programme's default.", MaxCapacity))
	}
	if p.Level < 0 || p.Level > 100 {
		errs.Add("level", "Level must be a whole number from 0 to 100.")
	}
	return errs
}

// Owns reports whether addr is one of the participant's addresses.
func (p Participant) Owns(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == p.Email {
		return true
	}
	for _, o := range p.OtherEmails {
		if addr == o {
			return true
		}
	}
	return false
}

// Greeting is how emails address them: their preferred name, else the
// first word of their name.
func (p Participant) Greeting() string {
	if p.PreferredName != "" {
		return p.PreferredName
	}
	if f := strings.Fields(p.Name); len(f) > 0 {
		return f[0]
	}
	return p.Name
}

// EmailLanguage is the language Upward writes to them in.
func (p Participant) EmailLanguage(prog Programme) lang.Tag {
	return lang.Choose(string(p.Language), p.Languages, prog.Language)
}

// Location returns the participant's time zone, UTC when unknown.
func (p Participant) Loc() *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// languageNames lists the languages Upward writes, for error messages.
func languageNames() string {
	var names []string
	for _, t := range lang.All {
		names = append(names, t.English()+" ("+string(t)+")")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
