package matching

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/upward-mentoring/upward/shared/programme"
)

// NotWith is a participant's private "must not be paired with" preference
// (NOT WITH by reply). Matching holds it as a hard rule, like the
// never-pair list, but never says whom it names: an unmatched person's
// reason says only that a private preference rules someone out, and no
// warning names anyone in it.
type NotWith struct {
	// Person is the address of whoever set it.
	Person string `json:"person"`
	// Whom it names: an address, else a name (see FindByName: a name that
	// fits several people keeps all of them apart), else the HashEmail of
	// an address whose owner's data was erased.
	Email     string `json:"email,omitempty"`
	Name      string `json:"name,omitempty"`
	EmailHash string `json:"email_hash,omitempty"`
}

// FindByName is who a name given in a reply means among people: everyone
// whose whole name it is (case, accents and spacing aside) or, when nobody's
// is, everyone whose name holds all of its words ("Sam" finds Sam Lee and
// Sam Cho). Matching and the reply that set a preference use the same
// rule, so a name resolves the same way in both.
func FindByName(people []programme.Participant, name string) []programme.Participant {
	want := nameWords(name)
	if len(want) == 0 {
		return nil
	}
	var whole, partial []programme.Participant
	for _, p := range people {
		have := nameWords(p.Name)
		switch {
		case strings.Join(have, " ") == strings.Join(want, " "):
			whole = append(whole, p)
		case containsAll(have, want):
			partial = append(partial, p)
		}
	}
	if len(whole) > 0 {
		return whole
	}
	return partial
}

// nameWords folds a name for comparison: lower case, accents and
// punctuation gone, one word per entry.
func nameWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// blockPrivate applies the private preferences. People who are not taking
// part are skipped silently: a warning would say whom a preference names.
func (m *Matcher) blockPrivate(prefs []NotWith) {
	if len(prefs) == 0 {
		return
	}
	people := append(append([]*person(nil), m.seniors...), m.juniors...)
	all := make([]programme.Participant, len(people))
	for i, p := range people {
		all[i] = p.Participant
	}
	var byHash map[string]*person
	for _, n := range prefs {
		who := m.byEmail[normEmail(n.Person)]
		if who == nil {
			continue
		}
		var others []*person
		switch {
		case n.Email != "":
			if o := m.byEmail[normEmail(n.Email)]; o != nil {
				others = append(others, o)
			}
		case n.Name != "":
			for _, f := range FindByName(all, n.Name) {
				others = append(others, m.byEmail[normEmail(f.Email)])
			}
		case n.EmailHash != "":
			if byHash == nil {
				byHash = make(map[string]*person, len(people))
				for _, p := range people {
					byHash[programme.HashEmail(p.email)] = p
				}
			}
			if o := byHash[n.EmailHash]; o != nil {
				others = append(others, o)
			}
		}
		for _, o := range others {
			if o != nil && o.side != who.side {
				m.block(who, o, rulePrivate)
			}
		}
	}
}
