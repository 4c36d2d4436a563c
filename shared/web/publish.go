package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/anonymise"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Publishing a consented story beyond the coordinators: a coordinator
// prepares an anonymised text of it, everyone the story is about is asked
// by email with that exact text, and only once they all agree does it
// open later cohorts' welcome emails and the printable page. A NO at any
// time, or the story's consent ending, withdraws it for good.

// PublicationStore is what publishing stories needs from the table.
type PublicationStore interface {
	ListPublications(ctx context.Context, programmeID string) ([]store.Publication, error)
	GetPublication(ctx context.Context, programmeID, id string) (store.Publication, error)
	PreparePublication(ctx context.Context, p store.Publication, at time.Time) (store.Publication, bool, error)
	PublishedStories(ctx context.Context, limit int) ([]store.Publication, error)
}

// MaxPublicationLen bounds a text to publish: a story, not an article.
const MaxPublicationLen = 3000

// ActStoryPrepared is the audit trail's entry for a text sent to be agreed
// to: whose story and which version, never the words.
const ActStoryPrepared = "story prepared for publication"

func (s *Server) publishRoutes() {
	s.handle("GET /programmes/{id}/stories/{story}/publish", ProgrammeEdit, s.publishForm)
	s.handle("POST /programmes/{id}/stories/{story}/publish", ProgrammeEdit, s.preparePublication)
	// Published stories are for everyone who joins later: any account may
	// print them. They name nobody and no programme.
	s.handle("GET /stories/published", SignedIn, s.publishedStories)
}

// addPublishPages parses the publication form (with the programme's
// navigation) and the printable page.
func (ps *pages) addPublishPages(funcs template.FuncMap) error {
	for name, paths := range map[string][]string{
		"publish":   {"templates/layout.html", "templates/parts.html", "templates/health_parts.html", "templates/publish.html"},
		"published": {"templates/layout.html", "templates/parts.html", "templates/published.html"},
	} {
		t, err := template.New(name).Funcs(funcs).Funcs(template.FuncMap{
			"day":      func(t time.Time) string { return t.Format("2 Jan 2006") },
			"roleName": roleName,
		}).ParseFS(files, paths...)
		if err != nil {
			return fmt.Errorf("parse page %s: %w", name, err)
		}
		ps.t[name] = t
	}
	return nil
}

// storyToPublish is a shown story, found by its publication's id, with its
// teller and (from a pairing) partner, and its publication if prepared.
type storyToPublish struct {
	Story       store.Story
	Teller      programme.Participant
	Partner     *programme.Participant
	Publication *store.Publication
}

// Asked are the people asked to agree, teller first.
func (st storyToPublish) Asked() []programme.Participant {
	out := []programme.Participant{st.Teller}
	if st.Partner != nil {
		out = append(out, *st.Partner)
	}
	return out
}

// loadStoryToPublish finds the story of the path's {story}: only one the
// coordinators may read now (its consents standing, its people enrolled).
func (s *Server) loadStoryToPublish(w http.ResponseWriter, r *http.Request, p programme.Programme) (storyToPublish, bool) {
	ctx := r.Context()
	id := r.PathValue("story")
	var out storyToPublish
	if !ids.Valid(id) {
		s.notFound(w, r, "Story")
		return out, false
	}
	all, err := s.Store.ListStories(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return out, false
	}
	found := false
	for _, st := range all {
		if st.Shown() && store.PublicationID(st.ParticipantID, st.Key) == id {
			out.Story, found = st, true
		}
	}
	if !found {
		s.notFound(w, r, "Story")
		return out, false
	}
	people := map[string]programme.Participant{}
	for _, pid := range []string{out.Story.ParticipantID, out.Story.PartnerID} {
		if pid == "" {
			continue
		}
		x, err := s.Store.GetParticipant(ctx, p.ID, pid)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, "Story")
			return out, false
		}
		if err != nil {
			s.serverError(w, r, err)
			return out, false
		}
		people[pid] = x
	}
	out.Teller = people[out.Story.ParticipantID]
	if x, ok := people[out.Story.PartnerID]; ok {
		out.Partner = &x
	}
	pub, err := s.Store.GetPublication(ctx, p.ID, id)
	switch {
	case err == nil:
		out.Publication = &pub
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return out, false
	}
	return out, true
}

// standIns is how the story's people are anonymised: in the language the
// story is written in (else its teller's), the partner first, as a story's
// teller names their partner more often than themselves.
func standIns(p programme.Programme, st storyToPublish) ([]anonymise.Person, anonymise.Words, error) {
	l := lang.Tag(replies.Understand(st.Story.Text, replies.Options{Context: replies.CheckIn}).Language)
	if !l.Valid() {
		l = st.Teller.EmailLanguage(p)
	}
	words, err := mail.StandInsFor(l)
	if err != nil {
		return nil, anonymise.Words{}, err
	}
	var people []anonymise.Person
	if st.Partner != nil {
		people = append(people, words.For(*st.Partner))
	}
	return append(people, words.For(st.Teller)), words.Details, nil
}

type publishData struct {
	HealthNav
	storyToPublish
	ID      string
	Text    string
	Version int
	// Remaining are the names and details still in Text.
	Remaining []string
	AsWritten bool
}

func (s *Server) publishForm(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	st, ok := s.loadStoryToPublish(w, r, p)
	if !ok {
		return
	}
	people, words, err := standIns(p, st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := publishData{storyToPublish: st, ID: r.PathValue("id")}
	if st.Publication != nil {
		d.Text, d.Version = st.Publication.Text, st.Publication.Version
	} else {
		d.Text = anonymise.Text(st.Story.Text, people, words)
	}
	d.Remaining = anonymise.Remaining(d.Text, people, words)
	s.renderPublish(w, r, http.StatusOK, p, d, nil)
}

func (s *Server) renderPublish(w http.ResponseWriter, r *http.Request, status int, p programme.Programme, d publishData, errs programme.FieldErrors) {
	d.HealthNav, d.ID = HealthNav{Programme: p, Current: "stories", Edit: true}, store.PublicationID(d.Story.ParticipantID, d.Story.Key)
	s.render(w, r, status, "publish", view{Title: "Prepare a story to publish · " + p.Name, Errors: errs, Data: d})
}

// preparePublication records the text and asks everyone the story is
// about. The same text sent again asks nobody twice.
func (s *Server) preparePublication(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	st, ok := s.loadStoryToPublish(w, r, p)
	if !ok {
		return
	}
	ctx := r.Context()
	people, words, err := standIns(p, st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := publishData{storyToPublish: st, Text: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")),
		AsWritten: r.PostFormValue("as_written") == "yes"}
	d.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	d.Remaining = anonymise.Remaining(d.Text, people, words)
	errs := programme.FieldErrors{}
	current := 0
	if st.Publication != nil {
		current = st.Publication.Version
		if st.Publication.Withdrawn() {
			s.message(w, r, http.StatusConflict, messageData{
				Heading:    "This story will not be published",
				Paragraphs: []string{"Someone it asked said no, or consent to the story ended. Nobody is asked about it again, and nothing was changed."},
				Link:       &messageLink{URL: "/programmes/" + p.ID + "/stories", Text: "Back to the stories"},
			})
			return
		}
	}
	switch n := utf8.RuneCountInString(d.Text); {
	case n == 0:
		errs.Add("text", "Write the text to publish.")
	case n > MaxPublicationLen:
		errs.Add("text", fmt.Sprintf("Keep the text under %d characters; it has %d.", MaxPublicationLen, n))
	case len(d.Remaining) > 0 && !d.AsWritten:
		errs.Add("text", fmt.Sprintf("The text still names %s. Replace them, or tick the box below to ask with the text as written.", strings.Join(d.Remaining, ", ")))
	}
	if d.Version != current {
		errs.Add("text", "Someone else changed the text since you opened this page: it now shows their version. Check it, and send it again if it should be asked about.")
		if st.Publication != nil {
			d.Text, d.Version = st.Publication.Text, st.Publication.Version
			d.Remaining = anonymise.Remaining(d.Text, people, words)
		}
	}
	// Everyone asked must be reachable, or it could never be agreed to.
	if len(errs) == 0 {
		for _, x := range st.Asked() {
			sup, err := s.Store.Suppressions(ctx, []string{x.Email})
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			if _, suppressed := sup[x.Email]; suppressed || !x.Status.Mailable() || x.MailProblem != "" {
				errs.Add("text", fmt.Sprintf("No email can reach %s (%s), so they cannot be asked and the story cannot be published.", x.Name, unreachableWhy(x, suppressed)))
			}
		}
	}
	if len(errs) > 0 {
		s.renderPublish(w, r, http.StatusUnprocessableEntity, p, d, errs)
		return
	}
	prep := store.Publication{ProgrammeID: p.ID, ID: store.PublicationID(st.Story.ParticipantID, st.Story.Key), AuthorID: st.Story.ParticipantID,
		StoryKey: st.Story.Key, PairID: st.Story.PairID, PartnerID: st.Story.PartnerID, Text: d.Text}
	pub, changed, err := s.Store.PreparePublication(ctx, prep, s.Clock.Now())
	switch {
	case errors.Is(err, store.ErrConflict):
		errs.Add("text", "Someone else changed the text at the same moment. Reload the page to see their version.")
		s.renderPublish(w, r, http.StatusConflict, p, d, errs)
		return
	case errors.Is(err, store.ErrTooManyVersions):
		errs.Add("text", fmt.Sprintf("This story's text has been sent to be agreed to %d times, the most Upward keeps apart.", store.MaxPublicationVersion))
		s.renderPublish(w, r, http.StatusConflict, p, d, errs)
		return
	case errors.Is(err, store.ErrPublicationWithdrawn):
		s.message(w, r, http.StatusConflict, messageData{Heading: "This story will not be published",
			Paragraphs: []string{"Someone it asked said no, or consent to the story ended. Nobody is asked about it again, and nothing was changed."}})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	// Queued again when nothing changed too, in case an earlier attempt
	// stopped between storing and queueing: the send ledger keeps each
	// question to one email.
	var jobs []sendqueue.Job
	for _, who := range pub.Asked() {
		jobs = append(jobs, sendqueue.PublicationAsk{ProgrammeID: p.ID, ParticipantID: who, Publication: pub.ID, Version: pub.Version})
	}
	if err := s.Queue.Enqueue(ctx, jobs...); err != nil {
		s.serverError(w, r, err)
		return
	}
	code := "publication-unchanged"
	if changed {
		code = "publication-asked-" + strconv.Itoa(len(jobs))
		sess, _ := s.session(r)
		s.Log.Info("story prepared for publication", "programme", p.ID, "publication", pub.ID, "version", pub.Version, "coordinator", sess.Email)
		// Whose story and which version, never the words.
		s.audit(r, ActStoryPrepared, p.ID, s.personRef(p.ID, st.Story.ParticipantID), fmt.Sprintf("version %d, %d asked", pub.Version, len(jobs)))
	}
	s.redirectWith(w, r, "/programmes/"+p.ID+"/stories", code, noticeArgs{Person: st.Story.ParticipantID})
}

type publishedData struct {
	Stories []store.Publication
}

// publishedStories is the printable page of the stories published now,
// across programmes, newest first: their texts only.
func (s *Server) publishedStories(w http.ResponseWriter, r *http.Request) {
	list, err := s.Store.PublishedStories(r.Context(), 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "published", view{Title: "Published stories", Data: publishedData{Stories: list}})
}

// exportPublication is a person's part in a story's publication: what
// they were asked and answered. The text is the teller's (their story,
// anonymised); a partner's export says which story, as for their consent.
type exportPublication struct {
	StoryKey      string    `json:"story_key"`
	Role          string    `json:"role"`
	Text          string    `json:"text,omitempty"`
	Version       int       `json:"version"`
	PreparedAt    time.Time `json:"prepared_at"`
	AgreedVersion int       `json:"agreed_version,omitempty"`
	AgreedAt      time.Time `json:"agreed_at,omitzero"`
	RefusedAt     time.Time `json:"refused_at,omitzero"`
	PublishedAt   time.Time `json:"published_at,omitzero"`
	WithdrawnAt   time.Time `json:"withdrawn_at,omitzero"`
	PublishedNow  bool      `json:"published_now"`
}

// exportPublications lists the publications a person is asked about.
func (s *Server) exportPublications(ctx context.Context, programmeID, participantID string) ([]exportPublication, error) {
	all, err := s.Store.ListPublications(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	out := []exportPublication{}
	for _, p := range all {
		// Whether the other person agreed is theirs: not in this export.
		e := exportPublication{StoryKey: p.StoryKey, Version: p.Version, PreparedAt: p.PreparedAt, PublishedAt: p.PublishedAt, WithdrawnAt: p.WithdrawnAt,
			PublishedNow: p.Published()}
		switch participantID {
		case p.AuthorID:
			e.Role, e.Text, e.AgreedVersion, e.AgreedAt, e.RefusedAt = "teller", p.Text, p.AuthorAgreed, p.AuthorAgreedAt, p.AuthorRefusedAt
		case p.PartnerID:
			e.Role, e.AgreedVersion, e.AgreedAt, e.RefusedAt = "partner", p.PartnerAgreed, p.PartnerAgreedAt, p.PartnerRefusedAt
		default:
			continue
		}
		out = append(out, e)
	}
	return out, nil
}
