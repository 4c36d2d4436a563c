package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
)

// notices are the only messages a page shows from its URL: a link carries
// a code and the ids the message names, never words, so nobody can make
// the site say something by sending a coordinator a link. Placeholders:
// {person} (participant p), {pair} (the names of pair), {senior} and
// {junior} (participants by the addresses se and je), {account} (an
// existing account a), {n0} {n1} {n2} (numbers in n), {me} (the signed-in
// address), {state} (pair's state).
var notices = map[string]string{
	"created":                "The programme is created. Enrol people next: upload your HR system's export or add them one by one.",
	"saved":                  "The settings are saved.",
	"enrolled":               "{person} is enrolled; their welcome email is on its way.",
	"updated-person":         "{person} was already enrolled; their details are updated.",
	"imported":               "Imported {n0} people: {n1} new (welcome emails on their way), {n2} already enrolled and updated.",
	"status":                 "{person} is now {status}.",
	"welcome-resent":         "The welcome email is on its way to {person} again.",
	"bulk-opted-in":          "Marked as opted in: {n0}. Left as they were: {n1} (already opted in or further, or no longer receiving email).",
	"bulk-welcome":           "Welcome email sent again: {n0}. Left out: {n1} (opted in already, or no longer receiving email).",
	"erased":                 "Their data is erased. Anonymous answers remain in the programme's figures.",
	"locked":                 "{senior} and {junior} are locked: re-solving keeps them together.",
	"unlocked":               "{senior} and {junior} are no longer locked.",
	"forbidden":              "{senior} and {junior} are struck out: no proposal of this programme will pair them. Re-solve to replace the pair.",
	"allowed":                "{senior} and {junior} may be paired again from the next re-solve on.",
	"paired-by-hand":         "{senior} and {junior} are paired in this new proposal; the rest was solved again around them. Approve it to introduce them.",
	"approved":               "Round {n0} approved: {n1} pairs started and their introductions are on their way.",
	"already-approved":       "Round {n0} was already approved; nothing was sent twice.",
	"pair-pause":             "{pair} are paused: check-ins are held until you resume them (the closing survey still goes out).",
	"pair-resume":            "{pair} are active again: check-ins resume from the next one.",
	"pair-end":               "{pair} have ended: no more check-ins go to them.",
	"pair-rematch":           "{pair} have ended for a rematch: both are told, kindly, and wait for a new partner.",
	"pair-handled":           "{pair} are off the attention list.",
	"pair-carry-on":          "{pair} are off the attention list and carry on as a pair.",
	"pair-not-listed":        "Nothing changed: {pair} were not on the attention list.",
	"pair-already":           "Nothing changed: {pair} were already {state}.",
	"note-sent":              "Your note to {person} is on its way. Their reply comes to {me}.",
	"note-again":             "Your note to {person} was already sent; it is not sent twice.",
	"orgchart":               "The org chart now has {n0} reporting lines; every proposal from now on uses it.",
	"invited":                "{account} is invited: the invitation email with their sign-in link is on its way.",
	"account-saved":          "The account of {account} is saved. If a right was taken away, their sessions have ended.",
	"account-removed":        "The account is removed and its sessions have ended.",
	"digest-on":              "Your weekly digest is on.",
	"digest-off":             "Your weekly digest is off.",
	"reply-released":         "The reply is recorded as {person}'s, and answered as any reply would be.",
	"reply-already-released": "Nothing changed: that reply of {person}'s was already released.",
	"address-added":          "The reply's address is now also {person}'s: their replies from it are recorded. Release this reply too if it should count.",
	"address-already":        "Nothing changed: that address is already {person}'s.",
	// Publishing a story (publish.go): who is asked.
	"publication-asked-1":   "{person} is asked by email whether the text may be published, exactly as you wrote it. It is published once they agree.",
	"publication-asked-2":   "{person} and their partner are asked by email whether the text may be published, exactly as you wrote it. It is published once both agree.",
	"publication-unchanged": "Nothing changed: that text was already sent to be agreed to, and nobody is asked twice.",
}

// noticeArgs are what a notice names.
type noticeArgs struct {
	Person, Pair, Senior, Junior, Account string
	N                                     []int
	// Guard is what the reorganisation check after the change found
	// (guardOutcome.param), added to any notice.
	Guard string
}

// noticeURL is path with a notice: its code and what it names.
func noticeURL(path, code string, a noticeArgs) string {
	q := url.Values{"notice": {code}}
	for k, v := range map[string]string{"p": a.Person, "pair": a.Pair, "se": a.Senior, "je": a.Junior, "a": a.Account, "g": a.Guard} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(a.N) > 0 {
		ns := make([]string, len(a.N))
		for i, n := range a.N {
			ns[i] = strconv.Itoa(n)
		}
		q.Set("n", strings.Join(ns, "."))
	}
	frag := ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	return path + "?" + q.Encode() + frag
}

// redirectNotice sends the browser to path, showing notice code there.
func (s *Server) redirectNotice(w http.ResponseWriter, r *http.Request, path, code, account string) {
	http.Redirect(w, r, noticeURL(path, code, noticeArgs{Account: account}), http.StatusSeeOther)
}

func (s *Server) redirectWith(w http.ResponseWriter, r *http.Request, path, code string, a noticeArgs) {
	http.Redirect(w, r, noticeURL(path, code, a), http.StatusSeeOther)
}

// notice is the message a page's URL asks for, its names looked up: ""
// for an unknown code or anything that names what does not exist.
func (s *Server) notice(r *http.Request) string {
	q := r.URL.Query()
	text, ok := notices[q.Get("notice")]
	if !ok {
		return ""
	}
	ctx := r.Context()
	progID := r.PathValue("id")
	failed := false
	person := func(id string) programme.Participant {
		if !ids.Valid(id) || !ids.Valid(progID) {
			failed = true
			return programme.Participant{}
		}
		x, err := s.Store.GetParticipant(ctx, progID, id)
		if err != nil {
			failed = true
		}
		return x
	}
	var people map[string]string
	byEmail := func(email string) string {
		if people == nil {
			people = map[string]string{}
			if list, err := s.Store.ListParticipants(ctx, progID); err == nil && ids.Valid(progID) {
				for _, x := range list {
					people[strings.ToLower(x.Email)] = x.Name
				}
			}
		}
		n, ok := people[strings.ToLower(email)]
		if !ok {
			failed = true
		}
		return n
	}
	repl := func(ph string, value func() string) {
		if strings.Contains(text, ph) {
			text = strings.ReplaceAll(text, ph, value())
		}
	}
	repl("{person}", func() string { return person(q.Get("p")).Name })
	repl("{status}", func() string { return strings.ToLower(person(q.Get("p")).Status.Label()) })
	repl("{senior}", func() string { return byEmail(q.Get("se")) })
	repl("{junior}", func() string { return byEmail(q.Get("je")) })
	repl("{pair}", func() string {
		id := q.Get("pair")
		if !ids.Valid(id) || !ids.Valid(progID) {
			failed = true
			return ""
		}
		p, err := s.Store.GetProgramme(ctx, progID)
		if err != nil {
			failed = true
			return ""
		}
		pair, err := s.Store.GetPair(ctx, progID, id)
		if err != nil {
			failed = true
			return ""
		}
		return s.pairNames(r, p, pair)
	})
	repl("{state}", func() string {
		pair, err := s.Store.GetPair(ctx, progID, q.Get("pair"))
		if err != nil {
			failed = true
		}
		return string(pair.State)
	})
	repl("{account}", func() string {
		a, err := s.Store.GetAccount(ctx, q.Get("a"))
		if err != nil {
			failed = true
		}
		return a.Email
	})
	repl("{me}", func() string { return s.account(r).Email })
	ns := strings.Split(q.Get("n"), ".")
	for i := 0; i < 3; i++ {
		repl("{n"+strconv.Itoa(i)+"}", func() string {
			if i >= len(ns) {
				failed = true
				return ""
			}
			n, err := strconv.Atoi(ns[i])
			if err != nil || n < 0 {
				failed = true
			}
			return strconv.Itoa(n)
		})
	}
	extra, ok := guardText(q.Get("g"))
	if failed || !ok {
		return ""
	}
	return text + extra
}
