package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

func TestProgrammeFormTakesLanguageAndTranslations(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	ctx := context.Background()

	page := s.get(t, c, "/programmes/new", http.StatusOK)
	for _, want := range []string{`<select id="language" name="language"`, `<option value="nl" >Dutch (Nederlands)</option>`,
		`<details class="section" id="section-languages">`, `name="tr_fr_topics"`, `<summary>One cohort, or rounds that go on (rolling, rotation)</summary>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the new programme form lacks %s", want)
		}
	}
	if strings.Contains(page, `name="tr_en_topics"`) {
		t.Error("the form offers a translation into the programme's own language")
	}

	// A French translation with one topic too few: a clear message, in the
	// languages section opened, and nothing saved.
	form := programmeForm(csrf, "Ponts", "2027-01-04", "2027-06-30")
	form.Set("language", "en")
	form.Set("tr_fr_purpose", "Aider nos dirigeants à comprendre.")
	form.Set("tr_fr_topics", "Outils d'IA")
	bad, _ := s.post(t, c, "/programmes", form, http.StatusUnprocessableEntity)
	for _, want := range []string{"French: list the same 2 topics as the programme, in the same order", `id="section-languages" open`, `id="translation_fr" open`} {
		if !strings.Contains(bad, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if list, _ := s.store.ListProgrammes(ctx); len(list) != 0 {
		t.Fatalf("a refused form saved %d programmes", len(list))
	}
	form.Set("tr_fr_topics", "Outils d'IA\nTravail hybride")
	form.Set("tr_fr_resources", "Guide | /guides/senior\nnoline")
	bad, _ = s.post(t, c, "/programmes", form, http.StatusUnprocessableEntity)
	if !strings.Contains(bad, "French, resources: Line 2: write a title, a vertical bar (|), then the link.") {
		t.Error("a translated resource without a link is not reported")
	}
	form.Del("tr_fr_resources")
	form.Set("language", "de")
	form.Set("tr_de_confidentiality", "")
	_, resp := s.post(t, c, "/programmes", form, http.StatusSeeOther)
	id := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/programmes/")
	p, err := s.store.GetProgramme(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Language != lang.DE {
		t.Errorf("language = %q, want de", p.Language)
	}
	fr := p.Translations[lang.FR]
	if fr.PurposeStatement != "Aider nos dirigeants à comprendre." || strings.Join(fr.Topics, "|") != "Outils d'IA|Travail hybride" {
		t.Errorf("French texts = %+v", fr)
	}
	if len(p.Translations) != 1 {
		t.Errorf("translations = %v, want French only (the empty ones are dropped)", p.Translations)
	}
	edit := s.get(t, c, "/programmes/"+id+"/edit", http.StatusOK)
	if !strings.Contains(edit, `<details class="translation" id="translation_fr" open><summary>French (Français): translated</summary>`) ||
		!strings.Contains(edit, "Travail hybride") || !strings.Contains(edit, `name="tr_en_topics"`) {
		t.Error("the edit form does not show the saved translation, or no English translation for a German programme")
	}
}

func TestThePurposeStatementFollowsThePurposeUntilEdited(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	ctx := context.Background()
	// The form was shown for generational insight with its statement; the
	// coordinator chose digital transformation and left the statement.
	form := programmeForm(csrf, "Follows", "2027-01-04", "2027-06-30")
	form.Set("purpose_was", string(programme.PurposeGenerational))
	form.Set("purpose_statement", programme.PurposeGenerational.DefaultStatement())
	form.Set("purpose", string(programme.PurposeDigital))
	_, resp := s.post(t, c, "/programmes", form, http.StatusSeeOther)
	id := strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/programmes/")
	p, _ := s.store.GetProgramme(ctx, id)
	if p.PurposeStatement != programme.PurposeDigital.DefaultStatement() {
		t.Errorf("statement = %q, want the digital transformation one", p.PurposeStatement)
	}
	// Edited words stay, whatever the purpose.
	form = programmeForm(csrf, "Own words", "2027-01-04", "2027-06-30")
	form.Set("purpose_was", string(programme.PurposeGenerational))
	form.Set("purpose_statement", "Our own reasons.")
	form.Set("purpose", string(programme.PurposeInclusion))
	_, resp = s.post(t, c, "/programmes", form, http.StatusSeeOther)
	id = strings.TrimPrefix(strings.Split(resp.Header.Get("Location"), "?")[0], "/programmes/")
	if p, _ := s.store.GetProgramme(ctx, id); p.PurposeStatement != "Our own reasons." {
		t.Errorf("an edited statement became %q", p.PurposeStatement)
	}
}

func TestAddOnePersonWithLanguageAndPreferredName(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Languages")
	page := s.get(t, c, "/programmes/"+id, http.StatusOK)
	if !strings.Contains(page, `<select id="language" name="language"`) || !strings.Contains(page, `id="preferred_name"`) {
		t.Fatal("the add form lacks language or preferred name")
	}
	form := map[string][]string{"csrf": {csrf}, "email": {"jo@example.org"}, "name": {"Johanna Berg"}, "role": {"junior"}, "language": {"xx"}, "preferred_name": {"Jo"}}
	bad, _ := s.post(t, c, "/programmes/"+id+"/participants", form, http.StatusUnprocessableEntity)
	if !strings.Contains(bad, "Choose one of the languages listed") {
		t.Error("an unknown language is not reported")
	}
	if people, _ := s.store.ListParticipants(context.Background(), id); len(people) != 0 {
		t.Fatal("a refused form enrolled someone")
	}
	form["language"] = []string{"nl"}
	s.post(t, c, "/programmes/"+id+"/participants", form, http.StatusSeeOther)
	people, _ := s.store.ListParticipants(context.Background(), id)
	if len(people) != 1 || people[0].Language != lang.NL || people[0].PreferredName != "Jo" {
		t.Fatalf("enrolled %+v", people)
	}
}
