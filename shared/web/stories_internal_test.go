package web

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestSharedStoriesAreOnlyThoseWithConsent(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2027, 3, d, 9, 0, 0, 0, time.UTC) }
	people := []programme.Participant{{ID: "a", Name: "Ana", Role: programme.Junior}, {ID: "b", Name: "Bo", Role: programme.Senior}}
	all := []store.Story{
		{ParticipantID: "a", Key: "1", Text: "older", At: day(1), Consent: true},
		{ParticipantID: "b", Key: "2", Text: "newer", At: day(3), Consent: true},
		{ParticipantID: "a", Key: "3", Text: "withdrawn", At: day(2), Consent: false, WithdrawnAt: day(4)},
		{ParticipantID: "b", Key: "4", Text: "consent flag left on, but withdrawn", At: day(2), Consent: true, WithdrawnAt: day(4)},
		{ParticipantID: "erased-1", Key: "5", Text: "teller erased", At: day(5), Consent: true},
	}
	var got []string
	for _, st := range sharedStories(all, people) {
		got = append(got, st.Name+": "+st.Text)
	}
	if diff := cmp.Diff([]string{"Bo: newer", "Ana: older"}, got); diff != "" {
		t.Errorf("shared stories (-want +got):\n%s", diff)
	}
}
