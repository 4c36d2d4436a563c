package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// answerEmail is what an answer page knows of the email its link came in.
type answerEmail struct {
	linked
	choice oneclick.Choice
	// pair and role are the pairing the email is about (zero for the
	// welcome); partner its other person, when still known.
	pair    programme.Pair
	role    programme.Role
	partner programme.Participant
	goal    store.Goal
	hasGoal bool
	ask     oneclick.Questions
	// publication is the story a publication question quotes: its link's
	// pair slot names it, and its cycle the version quoted.
	publication store.Publication
}

// answerEmailOf verifies an answer link and reads what its page shows.
func (s *Server) answerEmailOf(w http.ResponseWriter, r *http.Request) (answerEmail, bool) {
	x, ok := s.verifyLink(w, r, token.PurposeAnswer)
	if !ok {
		return answerEmail{}, false
	}
	e := answerEmail{linked: x, choice: oneclick.Choice(x.link.Answer), role: x.person.Role}
	if !oneclick.Offers(x.link.Kind, e.choice) {
		// Signed by Upward, but no email offers this: not a link to follow.
		s.linkMessage(w, r, http.StatusBadRequest, x.lang, pageWords{}, "link.invalid_heading", "link.invalid_body")
		return e, false
	}
	ctx := r.Context()
	if x.link.Kind == token.KindPublication {
		pub, err := s.Store.GetPublication(ctx, x.prog.ID, x.link.PairID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return e, false
		}
		// A withdrawn story, or a text edited since this email quoted it,
		// can no longer be agreed to here, as a reply to it would change
		// nothing either.
		if err != nil || pub.Version != x.link.Cycle || !pub.WithdrawnAt.IsZero() {
			s.linkMessage(w, r, http.StatusGone, x.lang, pageWords{}, "link.publication_gone_heading", "link.publication_gone_body")
			return e, false
		}
		e.publication = pub
		e.ask = oneclick.Ask(x.link.Kind, e.choice, false)
		return e, true
	}
	if x.link.PairID != "" {
		p, err := s.Store.GetPair(ctx, x.prog.ID, x.link.PairID)
		if errors.Is(err, store.ErrNotFound) {
			s.linkMessage(w, r, http.StatusGone, x.lang, pageWords{}, "link.gone_heading", "link.gone_body")
			return e, false
		}
		if err != nil {
			s.serverError(w, r, err)
			return e, false
		}
		e.pair = p
		if partner, err := s.Store.GetParticipant(ctx, x.prog.ID, p.Other(x.person.ID)); err == nil {
			e.partner = partner
		}
		if g, err := s.Store.GetGoal(ctx, x.prog.ID, x.person.ID, p.ID); err == nil {
			e.goal, e.hasGoal = g, true
		} else if !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return e, false
		}
	}
	e.ask = oneclick.Ask(x.link.Kind, e.choice, e.hasGoal)
	return e, true
}

// words is the page's message data.
func (e answerEmail) words() pageWords {
	return pageWords{Programme: e.prog.Name, Partner: e.partner.Greeting()}
}

// answerPage is what the answer template shows.
type answerPage struct {
	Heading, Lead string
	// Quote is the words the email quoted (a partner's, or one's goal),
	// after QuoteLabel.
	QuoteLabel, Quote string
	Purpose           string
	Confidentiality   string
	// TopicsLegend asks for the welcome's topics; ConsentHint says what a
	// consent's answer does.
	TopicsLegend, ConsentHint string
	Q                         oneclick.Questions
	// The form as it opens: the link's answer chosen, the rest as already
	// recorded.
	Met, Consent, Join string // "yes", "no" or ""
	Rating, Progress   int
	Topics             []topicChoice
	Words              string
	// WordsLabel and WordsHint frame the text box.
	WordsLabel, WordsHint string
	// CommandBody says what the button does when the page confirms a
	// command; Button is its label.
	CommandBody, Button string
	Error               string
	Action, Nonce, Seal string
	PageURL             string
	W                   pageWords
	Scale               []int
}

type topicChoice struct {
	Index   int
	Name    string
	Checked bool
}

// answerForm shows the page an answer link opens: the email's question
// with the link's answer chosen, its other questions, and one button.
// Nothing changes until it is pressed.
func (s *Server) answerForm(w http.ResponseWriter, r *http.Request) {
	e, ok := s.answerEmailOf(w, r)
	if !ok {
		return
	}
	form := e.choice.Chosen(e.link.Kind)
	// The rest as already recorded: a second link from the same email
	// opens with the first answer kept.
	if e.pair.ID != "" && (e.ask.Met || e.ask.Rating) {
		a, err := s.Store.GetAnswer(r.Context(), e.prog.ID, e.pair.ID, e.link.Cycle, e.role)
		switch {
		case err == nil:
			if form.YesNo == nil {
				form.YesNo = a.Met
			}
			if form.Rating == 0 && a.Rating != nil {
				form.Rating = *a.Rating
			}
		case !errors.Is(err, store.ErrNotFound):
			s.serverError(w, r, err)
			return
		}
	}
	if e.ask.Progress {
		form.Progress = e.goal.Progress
	}
	if e.ask.Topics {
		form.Topics = e.person.Topics
	}
	s.showAnswer(w, r, e, form, http.StatusOK, "")
}

// showAnswer renders the answer page with form filled in, and an error
// when the form came back without an answer.
func (s *Server) showAnswer(w http.ResponseWriter, r *http.Request, e answerEmail, form oneclick.Form, status int, errKey string) {
	l := e.lang
	d := e.words()
	p := answerPage{Q: e.ask, Rating: form.Rating, Progress: form.Progress, Words: form.Words, W: d, Scale: []int{1, 2, 3, 4, 5},
		Action: oneclick.AnswerPath + e.tok}
	p.Nonce, p.Seal = s.newSeal(e.tok, "answer")
	var err error
	say := func(key string) string {
		if err != nil || key == "" {
			return ""
		}
		var out string
		out, err = saySafe(l, key, d)
		return out
	}
	kind := e.link.Kind
	p.Heading = say("answer.heading_" + kind.String())
	p.Lead = say("answer.lead")
	p.Button = say("answer.confirm")
	switch kind {
	case token.KindWelcome:
		p.Lead = say("answer.lead_welcome")
		texts, terr := mail.ProgrammeTexts(e.prog, l)
		if terr != nil {
			s.serverError(w, r, terr)
			return
		}
		p.Purpose, p.Confidentiality = texts.PurposeStatement, texts.Confidentiality
		p.TopicsLegend = say("answer.topics_" + string(e.role))
		for i, name := range texts.Topics {
			checked := i < len(e.prog.Topics) && slices.ContainsFunc(form.Topics, func(t string) bool { return strings.EqualFold(t, e.prog.Topics[i]) })
			p.Topics = append(p.Topics, topicChoice{Index: i, Name: name, Checked: checked})
		}
	case token.KindRecognition:
		p.ConsentHint = say("answer.consent_hint_recognition")
		if e.role == programme.Senior {
			p.Heading = say("answer.heading_recognition_senior")
			p.ConsentHint = say("answer.consent_hint_recognition_senior")
		}
		if a, aerr := s.Store.GetApplied(r.Context(), e.prog.ID, e.pair.ID); aerr == nil {
			p.QuoteLabel, p.Quote = say("answer.quote_applied"), a.Text
		}
	case token.KindStoryConsent:
		p.ConsentHint = say("answer.consent_hint_story")
		stories, serr := s.Store.ListStories(r.Context(), e.prog.ID)
		if serr != nil {
			s.serverError(w, r, serr)
			return
		}
		for _, st := range stories {
			if st.PairID == e.pair.ID && st.PartnerID == e.person.ID && st.WithdrawnAt.IsZero() {
				p.QuoteLabel, p.Quote = say("answer.quote_story"), st.Text
			}
		}
	case token.KindPublication:
		p.ConsentHint = say("answer.consent_hint_publication")
		p.QuoteLabel, p.Quote = say("answer.quote_publication"), e.publication.Text
	case token.KindGoal:
		p.WordsLabel = say("answer.words_goal_" + string(e.role))
	case token.KindNudge:
		if e.ask.Command != "" {
			p.Heading = say("answer." + string(e.ask.Command) + "_heading")
			p.CommandBody = say("answer." + string(e.ask.Command) + "_body")
			p.Button = say("answer." + string(e.ask.Command) + "_button")
		}
	case token.KindMidpoint:
		p.WordsLabel = say("answer.words_midpoint")
	case token.KindClosing:
		p.WordsLabel = say("answer.words_" + map[programme.Role]string{programme.Senior: "applied", programme.Junior: "benefit"}[e.role])
	case token.KindCheckIn:
		p.WordsLabel = say("answer.words_reflect")
		q, ok, qerr := mail.AskedQuestion(e.person, e.pair.ID, e.link.Cycle, l)
		if qerr != nil {
			s.serverError(w, r, qerr)
			return
		}
		if ok {
			p.WordsHint = q
		}
	}
	if e.ask.Progress {
		p.QuoteLabel, p.Quote = say("answer.quote_goal"), e.goal.Text
	}
	yesNo := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "yes"
		}
		return "no"
	}
	if e.ask.Consent {
		p.Consent = yesNo(form.YesNo)
	} else {
		p.Met = yesNo(form.YesNo)
	}
	p.Join = yesNo(form.Join)
	p.Error = say(errKey)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.PageURL, err = s.pageLink(e.linked, e.pair.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "answer", view{Title: p.Heading, Lang: l, Data: p})
}

// saySafe is say for pages whose data may lack a partner's name (their
// data erased): the message is still whole.
func saySafe(l lang.Tag, key string, d pageWords) (string, error) {
	if d.Partner == "" {
		d.Partner = "—"
	}
	return say(l, key, d)
}

// answer records the answer a page confirms, as the reply saying the same
// would be recorded (inbound.Handler.Answer), and thanks the person.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	e, ok := s.answerEmailOf(w, r)
	if !ok || !s.sealed(w, r, e.linked, "answer") {
		return
	}
	form, errKey := s.readAnswerForm(r, e)
	if errKey != "" {
		s.showAnswer(w, r, e, form, http.StatusUnprocessableEntity, errKey)
		return
	}
	res, err := s.Answers.Answer(r.Context(), inbound.Click{Ref: e.link.Ref, Answer: form.Answer(), Submission: submission(e.linked, "answer", r)})
	if errors.Is(err, inbound.ErrEmptyAnswer) {
		s.showAnswer(w, r, e, form, http.StatusUnprocessableEntity, "answer.error_nothing")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if res.Outcome == inbound.Dropped {
		s.linkMessage(w, r, http.StatusGone, e.lang, pageWords{}, "link.gone_heading", "link.gone_body")
		return
	}
	s.answered(w, r, e, form)
}

// readAnswerForm reads a page's form as its questions allow; a value no
// page offers is no answer. errKey says what is missing, if anything.
func (s *Server) readAnswerForm(r *http.Request, e answerEmail) (oneclick.Form, string) {
	f := oneclick.Form{Command: e.ask.Command}
	yesNo := func(v string) *bool {
		switch v {
		case "yes":
			b := true
			return &b
		case "no":
			b := false
			return &b
		}
		return nil
	}
	scale := func(v string) int {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return 0
		}
		return n
	}
	q := e.ask
	switch {
	case q.Met:
		f.YesNo = yesNo(r.PostForm.Get("met"))
	case q.Consent:
		f.YesNo = yesNo(r.PostForm.Get("consent"))
	}
	if q.Rating {
		f.Rating = scale(r.PostForm.Get("rating"))
	}
	if q.Progress {
		f.Progress = scale(r.PostForm.Get("progress"))
	}
	if q.Join {
		f.Join = yesNo(r.PostForm.Get("join"))
	}
	if q.Topics {
		for i, topic := range e.prog.Topics {
			if slices.Contains(r.PostForm["topic"], strconv.Itoa(i)) {
				f.Topics = append(f.Topics, topic)
			}
		}
	}
	if q.Words {
		f.Words = strings.TrimSpace(r.PostForm.Get("words"))
		if utf8.RuneCountInString(f.Words) > maxWords {
			return f, "answer.error_long"
		}
	}
	a := f.Answer()
	switch {
	case q.WordsRequired && f.Words == "":
		return f, "answer.error_words"
	case q.Join && f.Join == nil:
		return f, "answer.error_nothing"
	case !a.Understood() && a.FreeText == "":
		return f, "answer.error_nothing"
	}
	return f, ""
}

// doneData is the thank-you page after an answer.
type doneData struct {
	Heading string
	Lines   []string
	Again   string
	PageURL string
	W       pageWords
}

// answered thanks the person and says what was recorded.
func (s *Server) answered(w http.ResponseWriter, r *http.Request, e answerEmail, f oneclick.Form) {
	d := e.words()
	var err error
	say := func(key string, data pageWords) string {
		if err != nil {
			return ""
		}
		var out string
		out, err = saySafe(e.lang, key, data)
		return out
	}
	p := doneData{Heading: say("answer.done_heading", d), Again: say("answer.done_again", d), W: d}
	switch {
	case f.Command != "":
		p.Lines = append(p.Lines, say("answer.done_"+string(f.Command), d))
	case f.Join != nil && *f.Join:
		p.Lines = append(p.Lines, say("answer.done_join", d))
	case f.Join != nil:
		p.Lines = append(p.Lines, say("answer.done_decline", d))
	case e.ask.Consent && *f.YesNo:
		p.Lines = append(p.Lines, say("answer.done_consent_yes", d))
	case e.ask.Consent:
		p.Lines = append(p.Lines, say("answer.done_consent_no", d))
	}
	if e.ask.Met && f.YesNo != nil {
		key := "answer.done_met_no"
		if *f.YesNo {
			key = "answer.done_met_yes"
		}
		p.Lines = append(p.Lines, say(key, d))
	}
	if f.Rating > 0 {
		rd := d
		rd.N = f.Rating
		p.Lines = append(p.Lines, say("answer.done_rating", rd))
	}
	if f.Progress > 0 {
		pd := d
		pd.N = f.Progress
		p.Lines = append(p.Lines, say("answer.done_progress", pd))
	}
	if f.Words != "" {
		p.Lines = append(p.Lines, say("answer.done_words", d))
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if p.PageURL, err = s.pageLink(e.linked, e.pair.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "answered", view{Title: p.Heading, Lang: e.lang, Data: p})
}
