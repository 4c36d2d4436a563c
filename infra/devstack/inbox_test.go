package devstack_test

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"
)

// TestARepliesSentOverSMTPIsRecorded answers a real check-in email, from
// the SES viewer, through the local SMTP server.
func TestAReplySentOverSMTPIsRecorded(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pairs := w.approve(t, [2]string{"joao@example.org", "ana@example.org"})
	w.liveUntil(t, time.Date(2027, 1, 19, 0, 0, 0, 0, time.UTC), nil)
	checkins, err := emailsWith(w, "ana@example.org", "Check-in:")
	if err != nil || len(checkins) != 1 {
		t.Fatalf("check-ins to Ana = %d (%v)", len(checkins), err)
	}
	replyTo := checkins[0].ReplyTo[0]
	msg := fmt.Sprintf("From: Ana <ana@example.org>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <ana-1@example.org>\r\n\r\nYes! 5, we met over lunch.\r\n\r\nOn Mon, 18 Jan 2027, Bridges wrote:\r\n> Did you meet?\r\n", replyTo, checkins[0].Subject)
	if err := smtp.SendMail(w.st.SMTPAddr, nil, "ana@example.org", []string{replyTo}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	answers, err := w.st.Store.ListAnswers(ctx, w.prog.ID)
	if err != nil || len(answers) != 1 || !*answers[0].Met || *answers[0].Rating != 5 {
		t.Fatalf("answers = %+v (%v), want Ana's yes and 5", answers, err)
	}
	pair, _ := w.st.Store.GetPair(ctx, w.prog.ID, pairs[0].ID)
	if pair.LastMetCycle != 1 {
		t.Errorf("pair's last meeting = cycle %d, want 1", pair.LastMetCycle)
	}
	// Mail for another domain is refused at RCPT, as SES's receipt rule would.
	err = smtp.SendMail(w.st.SMTPAddr, nil, "ana@example.org", []string{"someone@elsewhere.example"}, []byte(msg))
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Errorf("mail for another domain: %v, want refused with 550", err)
	}
}

func emailsWith(w *world, addr, subjectPrefix string) ([]localEmail, error) {
	all, err := allEmails(w)
	if err != nil {
		return nil, err
	}
	var out []localEmail
	for _, e := range all {
		if e.SentTo(addr) && strings.HasPrefix(e.Subject, subjectPrefix) {
			out = append(out, e)
		}
	}
	return out, nil
}
