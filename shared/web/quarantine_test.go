package web_test

import (
	"bytes"
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
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/web"
)

// withReleases lets the site release quarantined replies kept in a bucket
// of the S3 emulator, as the web function does with the inbound bucket.
func withReleases(client *s3.Client, bucket string) siteOption {
	return func(t *testing.T, sys *stacktest.System, d *web.Deps) {
		h, err := inbound.New(sys.Store, sys.Queue, sys.Signer, sys.Clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
		if err != nil {
			t.Fatal(err)
		}
		d.Replies = inbound.Releaser{Handler: h, Raw: inbound.Bucket{Client: client, Name: bucket}}
	}
}

var quarantineFormRE = regexp.MustCompile(`action="/programmes/[^/"]+/quarantine/(release|address)"><input type="hidden" name="csrf" value="[^"]*"><input type="hidden" name="message" value="([^"]+)">`)

// Releasing a quarantined reply and adding its sender's address are in the
// audit trail: who did it, when, and whose reply it was by the trail's
// keyed reference — never the reply's words or the address it came from.
// Pressing either button again changes nothing and records nothing.
func TestQuarantineActionsAreAudited(t *testing.T) {
	t.Parallel()
	client, bucket := stacktest.Bucket(t)
	s := newSite(t, withReleases(client, bucket))
	f := followProgramme(t, s, 1)
	jun := f.juniors[0]
	ctx := context.Background()

	// Two replies to the junior's check-in from an address that is not
	// theirs, kept in the bucket as SES's receipt rule keeps them.
	other := "quill-home-" + ids.New()[:6] + "@home.example"
	words := map[string]string{"YES 4\r\nMarzipan dirigibles over the atrium.": "", "YES 5\r\nTangerine semaphore at lunch.": ""}
	h, err := inbound.New(s.store, s.queue, s.signer, s.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	for text := range words {
		addr, _ := s.signer.ReplyAddress(token.Ref{ProgrammeID: f.id, ParticipantID: jun.ID, PairID: f.pairs[0].ID, Kind: token.KindCheckIn, Cycle: 1}, "upward.test")
		key := "inbound/" + ids.New()
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@home.example>\r\nSubject: Re\r\n\r\n%s\r\n", other, addr, ids.New(), text)
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(raw))}); err != nil {
			t.Fatal(err)
		}
		res, err := h.Handle(ctx, inbound.Message{ID: key, Raw: []byte(raw), Location: "s3://" + bucket + "/" + key, ReceivedAt: s.clock.Now()})
		if err != nil || res.Outcome != inbound.Quarantined {
			t.Fatalf("reply from another address: %+v %v", res, err)
		}
		words[text] = key
	}
	s.queue.Drain()

	// The buttons as the attention list offers them.
	base := "/programmes/" + f.id
	forms := quarantineFormRE.FindAllStringSubmatch(s.get(t, f.c, base+"/attention", http.StatusOK), -1)
	if len(forms) != 4 {
		t.Fatalf("the attention list offers %d quarantine buttons, want release and add-address for each of 2 replies", len(forms))
	}
	release, address := forms[0][2], ""
	for _, m := range forms {
		if m[1] == "address" && m[2] != release {
			address = m[2]
		}
	}
	if forms[0][1] != "release" || address == "" {
		t.Fatalf("unexpected buttons: %q", forms)
	}
	press := func(action, message, wantNotice string) {
		t.Helper()
		_, resp := s.post(t, f.c, base+"/quarantine/"+action, url.Values{"csrf": {f.csrf}, "message": {message}}, http.StatusSeeOther)
		if n := s.noticeAt(t, f.c, resp); !strings.Contains(n, wantNotice) {
			t.Errorf("%s: notice %q, want it to contain %q", action, n, wantNotice)
		}
	}
	press("release", release, "The reply is recorded as "+jun.Name+"'s")
	press("address", address, "The reply's address is now also "+jun.Name+"'s")
	// Again: nothing changes, so nothing more is recorded.
	press("release", release, "Nothing changed")
	press("address", address, "Nothing changed")

	// The release did what it says (so its entry is about a real change).
	if answers, _ := s.store.ListAnswers(ctx, f.id); len(answers) != 1 || answers[0].ParticipantID != jun.ID {
		t.Fatalf("after the release, answers = %+v", answers)
	}

	entries, _, err := s.store.ListAudit(ctx, store.AuditQuery{ProgrammeID: f.id})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]store.AuditEntry{}
	for _, e := range entries {
		got[e.Action] = append(got[e.Action], e)
	}
	var subjects []string
	for _, action := range []string{web.ActReplyReleased, web.ActAddressAdded} {
		es := got[action]
		if len(es) != 1 {
			t.Fatalf("%q entries = %d, want 1 (%+v)", action, len(es), entries)
		}
		e := es[0]
		if e.Actor != s.coord || e.ActorRole != store.RoleAdministrator || !e.At.Equal(s.clock.Now()) {
			t.Errorf("%q: by %s (%s) at %s, want %s (administrator) at %s", action, e.Actor, e.ActorRole, e.At, s.coord, s.clock.Now())
		}
		if !strings.HasPrefix(e.Subject, "person ") {
			t.Errorf("%q names its subject as %q, not by the trail's person reference", action, e.Subject)
		}
		subjects = append(subjects, e.Subject)
		if !contains(web.AuditActions, action) {
			t.Errorf("%q cannot be chosen in the trail's filter", action)
		}
	}
	if subjects[0] != subjects[1] {
		t.Errorf("the two entries name different people: %q and %q", subjects[0], subjects[1])
	}
	if e := got[web.ActReplyReleased][0]; e.Detail != "outcome: recorded" {
		t.Errorf("the release's detail is %q, want what the handler made of it", e.Detail)
	}

	// No personal data in the trail: not the reply's words, not the
	// address it came from, not the participant's id, address or name.
	trail, _ := json.Marshal(entries)
	for _, private := range []string{"Marzipan", "Tangerine", other, "home.example", jun.ID, jun.Email, jun.Name} {
		if strings.Contains(string(trail), private) {
			t.Errorf("the audit trail holds %q", private)
		}
	}
	// The administrator's page turns the reference back into the name.
	// (The filter's options name every action: only the table counts.)
	page := s.get(t, f.c, base+"/audit?"+url.Values{"action": {web.ActAddressAdded}}.Encode(), http.StatusOK)
	table := text(regexp.MustCompile(`(?s)<table id="audit".*?</table>`).FindString(page))
	if !strings.Contains(table, web.ActAddressAdded) || !strings.Contains(table, jun.Name) || strings.Contains(table, web.ActReplyReleased) {
		t.Errorf("the trail filtered to %q:\n%s", web.ActAddressAdded, table)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
