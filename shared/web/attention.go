package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// concernSection is one kind of concern on the attention list.
type concernSection struct {
	Kind     health.ConcernKind
	Heading  string
	About    string
	Concerns []concernView
}

// concernView is a concern with the people it names and what can be done.
type concernView struct {
	health.Concern
	Pair           *programme.Pair
	Senior, Junior string // names; "" when not about a pair
	Person         string // the person a concern is about, by name
	Notes          []noteLink
	Actions        []actionButton
}

type noteLink struct{ URL, Label string }

type actionButton struct {
	Action, Label string
	Danger        bool
	// Path, when set, is where the button posts (else the pair's action);
	// Hidden are its form's fields besides the CSRF token.
	Path   string
	Hidden map[string]string
}

var sectionText = map[health.ConcernKind][2]string{
	health.ConcernReorg:        {"Pairs now in one reporting line", "An org chart upload, an enrolment update or a manager change put these two people in one reporting line (the chain shows how), where the off-line rule never pairs anyone. End the pair here: both are told, kindly, that it is an organisational change and nobody's doing; both wait for a new partner, and the two are never paired again."},
	health.ConcernStalled:      {"Stalled pairs", "Active pairs that reported no meeting across their last two check-ins. Upward nudges the senior first and the junior a check-in later; a pair still stalled after the nudge comes first."},
	health.ConcernUnresponsive: {"Unresponsive participants", fmt.Sprintf("People in active pairs who answered none of their last %d check-ins or more.", health.UnresponsiveAfter)},
	health.ConcernRematch:      {"Rematch requests", "Someone replied REMATCH: their pair ended at once, the partner was told kindly (never why), and both wait for a new partner — pair them again from the matching page."},
	health.ConcernFlagged:      {"Other pairs that need you", "Pairs Upward put on this list for another reason, such as one of the two stopping all email."},
	health.ConcernAddress:      {"Bounced or complaining addresses", "No email reaches these people any more. A personal note cannot reach them either: talk to them another way."},
	health.ConcernQuarantine:   {"Quarantined replies", "Replies for this programme that could not be recorded. What they say is not shown here; the people who run Upward can review the message itself."},
	health.ConcernUnclear:      {"Replies Upward could not read", "These people replied, but their latest reply gave no answer or command Upward understands. They were told, in their language, what was read and how to answer; what they wrote stays private. A personal note may help."},
}

type attentionData struct {
	HealthNav
	Sections []concernSection
	Total    int
	// Next and Prev are the neighbouring pages' addresses ("": none).
	Next, Prev string
}

// attention shows one page of the attention list, most urgent first: the
// page's pairs, people and kept replies come from the attention index in
// its order (shared/store), and only their records are read.
func (s *Server) attention(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	after, before := q.Get("after"), q.Get("before")
	if len(after) > maxCursor || len(before) > maxCursor {
		s.notFound(w, r, "Page")
		return
	}
	size := s.cfg.AttentionPageSize
	if size <= 0 {
		size = AttentionPageSize
	}
	page, err := s.Store.Attention(ctx, p.ID, after, before, size)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	in, ex, entries, err := s.loadAttention(ctx, p, page)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v, err := s.Store.ReadTotals(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := attentionPage(p, in, ex, entries.keep)
	d.Total = max(d.Total, attentionTotal(v))
	d.Next, d.Prev = pageLink(p.ID, "after", page.Next), pageLink(p.ID, "before", page.Prev)
	s.render(w, r, http.StatusOK, "attention", view{Title: "Attention list · " + p.Name, Notice: s.notice(r), Data: d})
}

// maxCursor bounds a page cursor: an index key is a few dozen characters.
const maxCursor = 200

// attentionPage lays out the concerns with the names of the people they are
// about and what the coordinator can do: a note to whoever email still
// reaches, and the actions the pair's state allows.
func attentionPage(p programme.Programme, in health.Input, ex health.Extras, keep func(health.Concern) bool) attentionData {
	people := map[string]programme.Participant{}
	for _, x := range in.Participants {
		people[x.ID] = x
	}
	pairs := map[string]*programme.Pair{}
	for i := range in.Pairs {
		pairs[in.Pairs[i].ID] = &in.Pairs[i]
	}
	reachable := func(id string) bool {
		x, ok := people[id]
		_, suppressed := ex.Suppressed[strings.ToLower(x.Email)]
		return ok && x.Status.Mailable() && x.MailProblem == "" && !suppressed
	}
	name := func(id string) string {
		if x, ok := people[id]; ok {
			return x.Name
		}
		return "someone whose data was erased"
	}

	d := attentionData{HealthNav: HealthNav{Programme: p, Current: "attention", Edit: true}}
	bySection := map[health.ConcernKind]*concernSection{}
	for _, k := range health.ConcernKinds {
		d.Sections = append(d.Sections, concernSection{Kind: k, Heading: sectionText[k][0], About: sectionText[k][1]})
	}
	for i := range d.Sections {
		bySection[d.Sections[i].Kind] = &d.Sections[i]
	}
	for _, c := range health.Concerns(in, ex) {
		if !keep(c) {
			continue
		}
		v := concernView{Concern: c, Pair: pairs[c.PairID]}
		if c.ParticipantID != "" {
			v.Person = name(c.ParticipantID)
		}
		noteTo := []string{c.ParticipantID}
		if v.Pair != nil {
			v.Senior, v.Junior = name(v.Pair.SeniorID), name(v.Pair.JuniorID)
			v.Actions = pairButtons(*v.Pair, c.Kind)
			if c.Kind != health.ConcernUnresponsive && c.Kind != health.ConcernAddress {
				noteTo = []string{v.Pair.SeniorID, v.Pair.JuniorID}
			}
		}
		if q := c.Quarantined; q != nil && q.SenderUnknown && c.ParticipantID != "" {
			v.Actions = append(v.Actions,
				actionButton{Label: "Release this reply", Path: "/programmes/" + p.ID + "/quarantine/release", Hidden: map[string]string{"message": q.ID()}},
				actionButton{Label: "Add " + q.From + " as " + name(c.ParticipantID) + "'s address", Path: "/programmes/" + p.ID + "/quarantine/address", Hidden: map[string]string{"message": q.ID()}})
		}
		for _, id := range noteTo {
			if id != "" && reachable(id) {
				q := url.Values{}
				if c.PairID != "" {
					q.Set("pair", c.PairID)
				}
				v.Notes = append(v.Notes, noteLink{URL: fmt.Sprintf("/programmes/%s/participants/%s/note?%s", p.ID, id, q.Encode()), Label: "Send " + name(id) + " a note"})
			}
		}
		sec := bySection[c.Kind]
		sec.Concerns = append(sec.Concerns, v)
		d.Total++
	}
	return d
}

// pairButtons are the actions a pair's state allows. What a flag or a
// rematch request asks of the coordinator can also be settled without
// changing the pair.
func pairButtons(p programme.Pair, kind health.ConcernKind) []actionButton {
	var out []actionButton
	if kind == health.ConcernReorg {
		// Ending it any other way would tell the two the wrong reason.
		return reorgButtons(p)
	}
	for _, name := range pairActionOrder {
		a := pairActions[name]
		if lifecycle.Allows(p.State, a.transition) {
			out = append(out, actionButton{Action: name, Label: a.label, Danger: a.danger})
		}
	}
	switch kind {
	case health.ConcernFlagged:
		out = append(out, actionButton{Action: "handled", Label: "Mark as handled"})
	case health.ConcernRematch:
		label := "Keep them together"
		if !p.State.Live() {
			label = "Mark as re-paired"
		}
		out = append(out, actionButton{Action: "handled", Label: label})
	}
	return out
}

// loadPairOf reads the pair named in the path, answering 404 itself.
func (s *Server) loadPairOf(w http.ResponseWriter, r *http.Request, p programme.Programme, id string) (programme.Pair, bool) {
	if !ids.Valid(id) {
		s.notFound(w, r, "Pair")
		return programme.Pair{}, false
	}
	pair, err := s.Store.GetPair(r.Context(), p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Pair")
		return pair, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return pair, false
	}
	return pair, true
}
