package web

import (
	"net/http"
	"sort"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// sharedStory is a story a participant shared and has not taken back,
// with its publication beyond the coordinators, if one was prepared.
type sharedStory struct {
	store.Story
	Name string
	Role programme.Role
	// PublicationID names the story in its publication's pages.
	PublicationID string
	Publication   *store.Publication
}

// sharedStories are the stories coordinators may read: shared by replying
// STORY, consent standing, newest first. A story withdrawn by STORY
// WITHDRAW, or whose teller was erased, is never shown.
func sharedStories(all []store.Story, people []programme.Participant) []sharedStory {
	byID := map[string]programme.Participant{}
	for _, x := range people {
		byID[x.ID] = x
	}
	var out []sharedStory
	for _, st := range all {
		x, known := byID[st.ParticipantID]
		if !st.Shown() || !known {
			continue
		}
		out = append(out, sharedStory{Story: st, Name: x.Name, Role: x.Role, PublicationID: store.PublicationID(st.ParticipantID, st.Key)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

type storiesData struct {
	HealthNav
	Stories []sharedStory
}

func (s *Server) stories(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	all, err := s.Store.ListStories(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	people, err := s.Store.ListParticipants(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	stories := sharedStories(all, people)
	pubs, err := s.Store.ListPublications(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for i := range stories {
		for _, pub := range pubs {
			if pub.ID == stories[i].PublicationID {
				stories[i].Publication = &pub
			}
		}
	}
	s.render(w, r, http.StatusOK, "stories", view{Title: "Success stories · " + p.Name, Notice: s.notice(r),
		Data: storiesData{HealthNav{Programme: p, Current: "stories", Edit: s.canEdit(r, p.ID)}, stories}})
}
