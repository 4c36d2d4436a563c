package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// A person's own page, opened from the footer of every email they get:
// what their programme is, who their partner is and how to reach them,
// when the next check-in comes, their guides and language, their own goal
// and words (nobody else's), and the changes they could make by reply —
// pause, resume, stop, ask for someone else — each behind a page that
// confirms it. It shows nothing about anyone else beyond their partner's
// name and address.

// Changes a person can make from their page: the reply commands of the
// same names.
var personalActions = map[string]replies.Command{
	"pause": replies.CommandPause, "resume": replies.CommandResume, "stop": replies.CommandStop, "rematch": replies.CommandRematch,
}

// personalActionOrder is the order the page offers them in.
var personalActionOrder = []string{"pause", "resume", "rematch", "stop"}

// where is a person's place in their programme: their current pair (live)
// or their last one, for their goal and words.
type where struct {
	pair programme.Pair
	live bool
}

// whereIs finds a person's pair: the link's, when it is still theirs and
// live (no search), else their live pair, else their latest.
func (s *Server) whereIs(ctx context.Context, x linked) (where, error) {
	if x.link.PairID != "" {
		p, err := s.Store.GetPair(ctx, x.prog.ID, x.link.PairID)
		if err == nil && p.State.Live() && (p.SeniorID == x.person.ID || p.JuniorID == x.person.ID) {
			return where{pair: p, live: true}, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return where{}, err
		}
	}
	pairs, err := s.Store.PairsOf(ctx, x.prog.ID, x.person.ID)
	if err != nil {
		return where{}, err
	}
	sort.Slice(pairs, func(i, k int) bool { return pairs[i].ApprovedAt.Before(pairs[k].ApprovedAt) })
	var w where
	for _, p := range pairs {
		switch {
		case p.State.Live():
			return where{pair: p, live: true}, nil
		default:
			w.pair = p
		}
	}
	return w, nil
}

// allowed are the changes that mean something for the person now.
func (w where) allowed(x linked) []string {
	// A live pair comes before the person's own status: a coordinator may
	// pair someone by hand who never answered the welcome.
	switch st := x.person.Status; {
	case st == programme.Bounced:
		return nil
	case st == programme.Stopped:
		return []string{"resume"}
	case w.live && w.pair.State == programme.PairPaused:
		return []string{"resume", "rematch", "stop"}
	case w.live:
		return []string{"pause", "rematch", "stop"}
	case st == programme.Invited || st == programme.Declined:
		return []string{"stop"}
	case st == programme.Paused:
		return []string{"resume", "stop"}
	}
	return []string{"pause", "stop"}
}

type personalPage struct {
	Heading, Personal string
	Purpose, Dates    string
	Status            string
	Partner           *programme.Participant
	PartnerLine       string
	Next              string
	Guides            []programme.Resource
	Language          string
	Goal, GoalLine    string
	Reflections       []reflectionLine
	Actions           []actionLink
	Join              string
	W                 pageWords
}

type reflectionLine struct{ Date, Text string }

type actionLink struct{ Label, URL string }

// personal shows a person's own page. A GET changes nothing.
func (s *Server) personal(w http.ResponseWriter, r *http.Request) {
	x, ok := s.verifyLink(w, r, token.PurposePage)
	if !ok {
		return
	}
	ctx := r.Context()
	at, err := s.whereIs(ctx, x)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l := x.lang
	d := pageWords{Programme: x.prog.Name}
	p := personalPage{W: d}
	say := func(key string, data pageWords) string {
		if err != nil {
			return ""
		}
		var out string
		out, err = saySafe(l, key, data)
		return out
	}
	texts, err := mail.ProgrammeTexts(x.prog, l)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Heading = say("personal.heading", d)
	p.Personal = say("personal.personal", d)
	p.Purpose = texts.PurposeStatement
	dd := d
	dd.Date = l.LongDate(x.prog.Start())
	dd.Name = l.LongDate(x.prog.End())
	p.Dates = say("personal.dates", dd)

	if at.live {
		partner, perr := s.Store.GetParticipant(ctx, x.prog.ID, at.pair.Other(x.person.ID))
		if perr == nil {
			p.Partner = &partner
			pd := d
			pd.Partner = partner.Greeting()
			p.PartnerLine = say("personal.partner_line", pd)
		} else if !errors.Is(perr, store.ErrNotFound) {
			s.serverError(w, r, perr)
			return
		}
	}
	p.Status = say(statusKey(x.person, at), d)
	p.Next = say("personal.next_none", d)
	switch {
	case at.live && at.pair.State == programme.PairPaused && !at.pair.PausedUntil.IsZero():
		nd := d
		nd.Date = l.LongDate(at.pair.PausedUntil.In(x.person.Loc()))
		p.Next = say("personal.next_paused", nd)
	case at.live:
		due, derr := s.Store.GetDue(ctx, x.prog.ID, at.pair.ID, x.person.Role)
		if derr == nil {
			nd := d
			nd.Date = l.LongDate(due.Due.In(x.person.Loc()))
			p.Next = say("personal.next", nd)
		} else if !errors.Is(derr, store.ErrNotFound) {
			s.serverError(w, r, derr)
			return
		}
	}
	// The guides for their role: every resource but the other role's guide.
	other := "/guides/junior"
	if x.person.Role == programme.Junior {
		other = "/guides/senior"
	}
	for _, res := range texts.Resources {
		if res.URL == other {
			continue
		}
		if strings.HasPrefix(res.URL, "/guides/") && !strings.Contains(res.URL, "?") {
			res.URL += "?lang=" + string(l)
		}
		p.Guides = append(p.Guides, res)
	}
	// The page is in the person's language, so its text names it.
	p.Language = say("personal.language", d)

	if at.pair.ID != "" {
		g, gerr := s.Store.GetGoal(ctx, x.prog.ID, x.person.ID, at.pair.ID)
		switch {
		case gerr == nil:
			p.Goal = g.Text
			if g.Progress > 0 {
				gd := d
				gd.N = g.Progress
				p.GoalLine = say("personal.goal_progress", gd)
			}
		case !errors.Is(gerr, store.ErrNotFound):
			s.serverError(w, r, gerr)
			return
		}
		rs, rerr := s.Store.ListReplies(ctx, x.prog.ID, x.person.ID)
		if rerr != nil {
			s.serverError(w, r, rerr)
			return
		}
		for _, ref := range mail.Reflections(rs, at.pair.ID) {
			p.Reflections = append(p.Reflections, reflectionLine{Date: l.LongDate(ref.At.In(x.person.Loc())), Text: ref.Text})
		}
	}
	base := oneclick.PagePath + x.tok + "/"
	for _, a := range at.allowed(x) {
		p.Actions = append(p.Actions, actionLink{Label: say("personal."+a+"_link", d), URL: base + a})
	}
	if !at.live && (x.person.Status == programme.Invited || x.person.Status == programme.Declined) {
		// Joining is the welcome's answer: its page, as the welcome's link.
		ref := token.Ref{ProgrammeID: x.prog.ID, ParticipantID: x.person.ID, Kind: token.KindWelcome, Cycle: x.person.WelcomeRound}
		if p.Join, err = (oneclick.Links{Signer: s.Signer}).Answer(ref, x.prog, oneclick.Join); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "personal", view{Title: p.Heading, Lang: l, Data: p})
}

// statusKey is the message that says where a person is.
func statusKey(x programme.Participant, at where) string {
	switch {
	case x.Status == programme.Stopped:
		return "personal.status_stopped"
	case x.Status == programme.Bounced:
		return "personal.status_bounced"
	case at.live && at.pair.State == programme.PairPaused:
		return "personal.status_pair_paused"
	case at.live:
		return "personal.status_paired"
	case x.Status == programme.Invited:
		return "personal.status_invited"
	case x.Status == programme.Declined:
		return "personal.status_declined"
	case x.Status == programme.Paused:
		return "personal.status_paused"
	}
	return "personal.status_waiting"
}

// personalAction is the change one of the page's buttons names, if the
// person can make it now; otherwise it answers and returns false.
func (s *Server) personalAction(w http.ResponseWriter, r *http.Request) (linked, where, string, bool) {
	x, ok := s.verifyLink(w, r, token.PurposePage)
	if !ok {
		return x, where{}, "", false
	}
	action := r.PathValue("action")
	if _, known := personalActions[action]; !known {
		s.linkMessage(w, r, http.StatusNotFound, x.lang, pageWords{}, "link.invalid_heading", "link.invalid_body")
		return x, where{}, "", false
	}
	at, err := s.whereIs(r.Context(), x)
	if err != nil {
		s.serverError(w, r, err)
		return x, at, "", false
	}
	if !slices.Contains(at.allowed(x), action) {
		// Already done (a second tab, an old page): nothing to confirm.
		s.personalDone(w, r, x, http.StatusConflict, "personal.nothing_heading", "personal.nothing_body")
		return x, at, "", false
	}
	return x, at, action, true
}

// personalConfirm asks before a change: a GET changes nothing.
func (s *Server) personalConfirm(w http.ResponseWriter, r *http.Request) {
	x, at, action, ok := s.personalAction(w, r)
	if !ok {
		return
	}
	d := pageWords{Programme: x.prog.Name}
	if at.live {
		if partner, err := s.Store.GetParticipant(r.Context(), x.prog.ID, at.pair.Other(x.person.ID)); err == nil {
			d.Partner = partner.Greeting()
		}
	}
	var err error
	say := func(key string) string {
		if err != nil {
			return ""
		}
		var out string
		out, err = saySafe(x.lang, key, d)
		return out
	}
	body := "personal." + action + "_body"
	if action == "pause" && !at.live {
		// Without a pair, a pause holds off matching rather than check-ins.
		body += "_alone"
	}
	page := confirmPage{Heading: say("personal." + action + "_heading"), Body: say(body),
		Button: say("personal." + action + "_button"), Back: say("personal.back"), BackURL: oneclick.PagePath + x.tok,
		Action: oneclick.PagePath + x.tok + "/" + action}
	page.Nonce, page.Seal = s.newSeal(x.tok, action)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "confirm", view{Title: page.Heading, Lang: x.lang, Data: page})
}

type confirmPage struct {
	Heading, Body, Button string
	Back, BackURL         string
	Action, Nonce, Seal   string
}

// personalChange makes a confirmed change as the reply command of the
// same name would (inbound.Handler.Answer), about the person's live pair.
func (s *Server) personalChange(w http.ResponseWriter, r *http.Request) {
	x, at, action, ok := s.personalAction(w, r)
	if !ok || !s.sealed(w, r, x, action) {
		return
	}
	// As a reply to a note that asks nothing, about the pair now live.
	ref := token.Ref{ProgrammeID: x.prog.ID, ParticipantID: x.person.ID, Kind: token.KindAck}
	if at.live {
		ref.PairID = at.pair.ID
		if action == "resume" {
			// The stall count starts again from the latest check-in, as
			// when a pause ends on its own.
			loc := x.person.Loc()
			if at.pair.SeniorID != x.person.ID {
				if senior, err := s.Store.GetParticipant(r.Context(), x.prog.ID, at.pair.SeniorID); err == nil {
					loc = senior.Loc()
				}
			}
			ref.Cycle = min(schedule.NewPlan(x.prog, at.pair).LatestDue(loc, s.Clock.Now()), 255)
		}
	}
	click := inbound.Click{Ref: ref, Answer: replies.Answer{Commands: []replies.Instruction{{Command: personalActions[action]}}},
		Submission: submission(x, action, r)}
	res, err := s.Answers.Answer(r.Context(), click)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if res.Outcome == inbound.Dropped {
		s.linkMessage(w, r, http.StatusGone, x.lang, pageWords{}, "link.gone_heading", "link.gone_body")
		return
	}
	doneBody := "personal." + action + "_done_body"
	if action == "pause" && !at.live {
		doneBody += "_alone"
	}
	s.personalDone(w, r, x, http.StatusOK, "personal."+action+"_done_heading", doneBody)
}

// personalDone says what happened, with the way back to the page.
func (s *Server) personalDone(w http.ResponseWriter, r *http.Request, x linked, status int, heading, body string) {
	d := pageWords{Programme: x.prog.Name}
	h, err := saySafe(x.lang, heading, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := saySafe(x.lang, body, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	back, err := saySafe(x.lang, "personal.back", d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "message", view{Title: h, Lang: x.lang, Data: messageData{Heading: h, Paragraphs: []string{b},
		Link: &messageLink{URL: oneclick.PagePath + x.tok, Text: back}}})
}
