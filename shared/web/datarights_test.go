package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/token"
)

// seedHistory gives a pair a history: replies with text, an answer, a
// story, a thank-you, and a quarantined message sent to the junior's
// reply address by someone else.
func seedHistory(t *testing.T, s *site, progID string, sen, jun programme.Participant, pair programme.Pair) {
	t.Helper()
	h, err := inbound.New(s.store, s.queue, s.signer, s.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	send := func(from programme.Participant, kind token.Kind, cycle int, sender, body string) inbound.Result {
		addr, _ := s.signer.ReplyAddress(token.Ref{ProgrammeID: progID, ParticipantID: from.ID, PairID: pair.ID, Kind: kind, Cycle: cycle}, "upward.test")
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\n%s\r\n", sender, addr, ids.New(), body)
		res, err := h.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: []byte(raw)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, r := range []inbound.Result{
		send(jun, token.KindCheckIn, 1, jun.Email, "Yes 5. Jun told me about the reorganisation rumours."),
		send(sen, token.KindCheckIn, 1, sen.Email, "Yes 4"),
		send(jun, token.KindGoal, 0, jun.Email, "Zebedee wants to master board papers.\r\nSHARE GOAL"),
		send(jun, token.KindCheckIn, 2, jun.Email, "STORY Jun rebuilt our onboarding checklist."),
		// The story is from their pairing: shown once the senior agrees.
		send(sen, token.KindStoryConsent, 0, sen.Email, "YES"),
		// What the senior applied goes to the junior, and to the junior's
		// manager once the junior agrees too.
		send(sen, token.KindClosing, 3, sen.Email, "YES 5\r\nTHANKS Jun, thank you for everything.\r\nCopper lanterns now light my team meetings.\r\nSHARE MANAGER"),
		send(jun, token.KindRecognition, 0, jun.Email, "Yes"),
	} {
		if r.Outcome != inbound.Recorded {
			t.Fatalf("seed reply: %+v", r)
		}
	}
	if r := send(jun, token.KindCheckIn, 2, "impostor@example.org", "yes"); r.Outcome != inbound.Quarantined {
		t.Fatalf("impostor: %+v", r)
	}
	s.queue.Drain()
}

// scanFor lists every item of the table that mentions any needle: the test
// may Scan, the application never does.
func scanFor(t *testing.T, s *site, needles ...string) []string {
	t.Helper()
	db := stacktest.DynamoDB(t)
	var hits []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(s.store.Table())})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			b, _ := json.Marshal(item)
			text := strings.ToLower(string(b))
			for _, n := range needles {
				if strings.Contains(text, strings.ToLower(n)) {
					hits = append(hits, n+" in "+string(b))
				}
			}
		}
	}
	return hits
}

func TestEraseLeavesNoPersonalDataAndFiguresStillAddUp(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Erasure")
	tag := ids.New()[:6]
	senEmail, junEmail := "sen-"+tag+"@example.org", "zebedee-"+tag+"@example.org"
	upload(t, s, c, csrf, id, "two.csv", []byte("email,name,role,department\n"+senEmail+",Sen Senior,senior,Board\n"+junEmail+",Zebedee Quill,junior,Finance\n"), http.StatusSeeOther)
	ctx := context.Background()
	prog, _ := s.store.GetProgramme(ctx, id)
	var sen, jun programme.Participant
	people, _ := s.store.ListParticipants(ctx, id)
	for _, p := range people {
		if p.Role == programme.Senior {
			sen = p
		} else {
			jun = p
		}
	}
	pairs, err := schedule.Approve(ctx, s.store, s.queue, prog, []programme.Pair{{SeniorID: sen.ID, JuniorID: jun.ID}}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	seedHistory(t, s, id, sen, jun, pairs[0])
	before, _ := s.store.ListAnswers(ctx, id)
	// Zebedee's story, published with both their consents.
	publish(t, s, storyOf(t, s, id), "Quokka ledger: a junior mentor rebuilt our onboarding checklist.", jun.ID, sen.ID)

	// Export first: everything about Zebedee, including their words.
	resp, err := c.Get(s.URL + "/programmes/" + id + "/participants/" + jun.ID + "/export.json")
	if err != nil {
		t.Fatal(err)
	}
	export := body(t, resp)
	for _, want := range []string{junEmail, "Zebedee Quill", "reorganisation rumours", "rebuilt our onboarding", `"role": "junior"`,
		"master board papers", `"junior_consent_at"`, `"publications"`, "Quokka ledger", `"role": "teller"`, `"agreed_version": 1`} {
		if !strings.Contains(export, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	if strings.Contains(export, senEmail) || strings.Contains(export, "Copper lanterns") {
		t.Error("the export contains the partner's address or words")
	}
	// The partner's export has their answer about the publication, not
	// the teller's words.
	resp, err = c.Get(s.URL + "/programmes/" + id + "/participants/" + sen.ID + "/export.json")
	if err != nil {
		t.Fatal(err)
	}
	if partner := body(t, resp); !strings.Contains(partner, `"role": "partner"`) || !strings.Contains(partner, `"agreed_version": 1`) || strings.Contains(partner, "Quokka") {
		t.Errorf("the partner's export of the publication:\n%s", partner)
	}
	// One naming style, and no time that was never set.
	if k := regexp.MustCompile(`"[A-Za-z_]*[A-Z][A-Za-z_]*":`).FindString(export); k != "" {
		t.Errorf("the export has a key not in snake_case: %s", k)
	}
	if strings.Contains(export, "0001-01-01") {
		t.Error("the export writes a time that was never set as year 1")
	}

	// The senior's own reply ("THANKS Jun, …") is the senior's data and
	// stays; the forwarded thank-you addressed to Zebedee goes.
	needles := []string{junEmail, "Zebedee", jun.ID, "reorganisation rumours", "onboarding checklist", `"to_id"`, "master board papers", "Quokka ledger"}
	if hits := scanFor(t, s, needles...); len(hits) == 0 {
		t.Fatal("the seeded data is not in the table: the scan would prove nothing")
	}
	page := s.get(t, c, "/programmes/"+id+"/participants/"+jun.ID+"/erase", http.StatusOK)
	if !strings.Contains(page, "cannot be undone") {
		t.Error("no warning before erasing")
	}
	s.post(t, c, "/programmes/"+id+"/participants/"+jun.ID+"/erase", url.Values{"csrf": {csrf}}, http.StatusSeeOther)
	if hits := scanFor(t, s, needles...); len(hits) > 0 {
		t.Errorf("personal data left after erasure:\n%s", strings.Join(hits, "\n"))
	}

	if page := s.get(t, c, "/stories/published", http.StatusOK); strings.Contains(page, "Quokka") {
		t.Error("the story of an erased person is still on the printable page")
	}
	after, _ := s.store.ListAnswers(ctx, id)
	if len(after) != len(before) {
		t.Errorf("answers: %d before erasure, %d after; anonymous figures must stay", len(before), len(after))
	}
	respondents := map[string]bool{}
	for _, a := range after {
		respondents[a.ParticipantID] = true
	}
	if len(respondents) != 2 {
		t.Errorf("distinct respondents after erasure = %d, want still 2", len(respondents))
	}
	pair, _ := s.store.GetPair(ctx, id, pairs[0].ID)
	if pair.State != programme.PairStopped || !pair.Attention {
		t.Errorf("the erased person's pair is %s (attention %v), want stopped and flagged", pair.State, pair.Attention)
	}
	// Erasing twice, or erasing someone unknown, is a clear 404.
	s.post(t, c, "/programmes/"+id+"/participants/"+jun.ID+"/erase", url.Values{"csrf": {csrf}}, http.StatusNotFound)
	// The senior's data is untouched.
	if x, err := s.store.GetParticipant(ctx, id, sen.ID); err != nil || x.Email != senEmail {
		t.Errorf("the partner was affected: %v %v", x, err)
	}
}
