package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/store"
)

// Matches is the review of proposed matches; *review.Service implements it.
type Matches interface {
	Propose(ctx context.Context, programmeID, id, by string) (store.Proposal, bool, error)
	Load(ctx context.Context, programmeID, id string) (store.Proposal, *matching.Result, error)
	Stalled(p store.Proposal) bool
	Lock(ctx context.Context, programmeID, id string, pair store.EmailPair, lock bool) error
	Forbid(ctx context.Context, programmeID, id string, pair store.EmailPair, by string) error
	Allow(ctx context.Context, programmeID string, pair store.EmailPair) error
	Resolve(ctx context.Context, programmeID, fromID, newID, by string, extra ...store.EmailPair) (store.Proposal, bool, error)
	PairByHand(ctx context.Context, prog programme.Programme, id, newID string, pair store.EmailPair, by string) (store.Proposal, bool, error)
	BeginApprove(ctx context.Context, programmeID, id, by string) (store.Proposal, error)
}

var _ Matches = (*review.Service)(nil)

// ProposalStarter starts a stored proposal's run: review.InProcess,
// review.LambdaInvoke, or review.BySize choosing between them. A nil done
// channel means the run is elsewhere and there is nothing to wait for.
type ProposalStarter interface {
	Start(ctx context.Context, job review.Job) (done <-chan struct{}, err error)
}

// reviewPageSize bounds the rows of each list on one review page, so a
// 5,000-pair proposal is a page a phone can open.
const reviewPageSize = 200

func (s *Server) reviewRoutes() {
	s.handle("POST /programmes/{id}/proposals", ProgrammeEdit, s.propose)
	s.handle("GET /programmes/{id}/proposals/{pid}", ProgrammeEdit, s.showProposal)
	s.handle("POST /programmes/{id}/proposals/{pid}/lock", ProgrammeEdit, s.lockPair)
	s.handle("POST /programmes/{id}/proposals/{pid}/forbid", ProgrammeEdit, s.forbidPair)
	s.handle("POST /programmes/{id}/proposals/{pid}/allow", ProgrammeEdit, s.allowPair)
	s.handle("POST /programmes/{id}/proposals/{pid}/resolve", ProgrammeEdit, s.resolve)
	s.handle("POST /programmes/{id}/proposals/{pid}/pair", ProgrammeEdit, s.pairByHand)
	s.handle("POST /programmes/{id}/proposals/{pid}/approve", ProgrammeEdit, s.approve)
	s.handle("GET /orgchart", Admin, s.showOrgChart)
	s.handle("POST /orgchart", Admin, s.uploadOrgChart)
	s.handle("GET /orgchart/example.csv", Admin, s.orgChartExample)
	s.handle("GET /orgchart/uploads/{id}", Admin, s.showOrgUpload)
}

func proposalPath(programmeID, id string) string {
	return "/programmes/" + programmeID + "/proposals/" + id
}

func (s *Server) coordinatorEmail(r *http.Request) string {
	sess, _ := s.session(r)
	return sess.Email
}

// newFormID reads the id a form carries for what it creates, so posting
// the same form twice names the same proposal.
func newFormID(r *http.Request) (string, bool) {
	id := r.PostFormValue("new_id")
	return id, ids.Valid(id)
}

func (s *Server) propose(w http.ResponseWriter, r *http.Request) {
	prog, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	id, ok := newFormID(r)
	if !ok {
		s.badForm(w, r, "/programmes/"+prog.ID)
		return
	}
	p, created, err := s.Matches.Propose(r.Context(), prog.ID, id, s.coordinatorEmail(r))
	var pr *review.Problem
	if errors.As(err, &pr) {
		s.programmePage(w, r, http.StatusUnprocessableEntity, prog, view{Errors: programme.FieldErrors{"propose": pr.Msg}}, programme.Participant{}, nil)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if created {
		s.audit(r, ActPropose, prog.ID, p.ID, fmt.Sprintf("%d seniors, %d juniors", p.Seniors, p.Juniors))
	}
	s.startAndShow(w, r, p, created)
}

// startAndShow starts a new proposal's run, waits a little for an
// in-process one (a small programme is done before the page would
// refresh), and shows the proposal: its review, or its progress.
func (s *Server) startAndShow(w http.ResponseWriter, r *http.Request, p store.Proposal, created bool) {
	if created {
		done, err := s.Proposals.Start(r.Context(), review.Job{ProgrammeID: p.ProgrammeID, ProposalID: p.ID, Cells: p.Seniors * p.Juniors})
		if err != nil {
			s.Log.Error("proposal not started", "proposal", p.ID, "err", err)
			if ferr := s.Store.FailProposal(r.Context(), p.ProgrammeID, p.ID, "The matching could not be started: "+err.Error(), s.Clock.Now()); ferr != nil {
				s.serverError(w, r, errors.Join(err, ferr))
				return
			}
		} else if done != nil {
			t := time.NewTimer(s.cfg.ProposalWait)
			select {
			case <-done:
			case <-t.C:
			case <-r.Context().Done():
			}
			t.Stop()
		}
	}
	http.Redirect(w, r, proposalPath(p.ProgrammeID, p.ID), http.StatusSeeOther)
}

// startAndShowWith is startAndShow with a notice on the proposal's page.
func (s *Server) startAndShowWith(w http.ResponseWriter, r *http.Request, p store.Proposal, created bool, code string, a noticeArgs) {
	s.startAndShow(&noticeRedirect{ResponseWriter: w, code: code, args: a}, r, p, created)
}

// noticeRedirect adds a notice to the redirect a handler answers with.
type noticeRedirect struct {
	http.ResponseWriter
	code string
	args noticeArgs
}

func (n *noticeRedirect) WriteHeader(status int) {
	if loc := n.Header().Get("Location"); status == http.StatusSeeOther && loc != "" && !strings.Contains(loc, "?") {
		n.Header().Set("Location", noticeURL(loc, n.code, n.args))
	}
	n.ResponseWriter.WriteHeader(status)
}

// badForm answers a form whose hidden fields were tampered with or lost.
func (s *Server) badForm(w http.ResponseWriter, r *http.Request, back string) {
	s.message(w, r, http.StatusBadRequest, messageData{
		Heading:    "Nothing was changed",
		Paragraphs: []string{"The form was incomplete. Go back, reload the page and try again."},
		Link:       &messageLink{URL: back, Text: "Back"},
	})
}

type personView struct {
	Email, Name, Title, Department string
}

func (p personView) Label() string {
	if p.Name == "" {
		return p.Email
	}
	return p.Name
}

type pairRow struct {
	Senior, Junior personView
	Score          float64
	Reason         string
	Locked         bool // kept by the matcher because it was locked
	LockPending    bool // locked since, kept by the next re-solve
	StruckOut      bool
}

type unmatchedRow struct {
	Person personView
	Role   programme.Role
	Reason string
}

type neverRow struct {
	Senior, Junior personView
	AddedBy        string
	AddedAt        time.Time
}

type pager struct {
	Param      string
	Page, Last int
	From, To   int
	Total      int
	Base       string // the page's path with the other list's page
}

func (p pager) PrevURL() string { return p.url(p.Page - 1) }
func (p pager) NextURL() string { return p.url(p.Page + 1) }
func (p pager) url(n int) string {
	sep := "?"
	if strings.Contains(p.Base, "?") {
		sep = "&"
	}
	return p.Base + sep + p.Param + "=" + strconv.Itoa(n)
}

func paginate(total int, r *http.Request, param string) pager {
	n, _ := strconv.Atoi(r.URL.Query().Get(param))
	last := max(1, (total+reviewPageSize-1)/reviewPageSize)
	n = min(max(n, 1), last)
	from := (n - 1) * reviewPageSize
	return pager{Param: param, Page: n, Last: last, From: from, To: min(total, from+reviewPageSize), Total: total}
}

// fitWord says how well a pair fits, in words, against the best score one
// pair can reach: the numbers stay one click away for those who want them.
func fitWord(score, best float64) string {
	switch {
	case best > 0 && score >= best*2/3:
		return "Strong"
	case best > 0 && score >= best/3:
		return "Good"
	}
	return "Possible"
}

// fitCounts count a proposal's pairs by fit.
type fitCounts struct{ Strong, Good, Possible int }

type reviewData struct {
	Fits      fitCounts
	Programme programme.Programme
	Proposal  store.Proposal
	Status    store.ProposalStatus // as shown: a stalled run shows as failed
	Reason    string               // why it failed
	Stage     string
	Percent   int
	Pairs     []pairRow
	Unmatched []unmatchedRow
	// Steps say what the coordinator can do for the unmatched, by kind.
	Steps     []nextStep
	PairPager pager
	UnPager   pager
	Warnings  []string
	Never     []neverRow
	// The pair-by-hand form's choices and what was chosen.
	FreeSeniors, FreeJuniors     []personView
	PairedSeniors, PairedJuniors []personView
	HandSenior, HandJunior       string
	Locks                        int
	NewID                        string
	// Approving is true while the approved pairs are being started;
	// Started once the approval has said how many are (Proposal.Done of
	// Proposal.Total, Percent).
	Approving, Started bool
}

func (s *Server) loadProposal(w http.ResponseWriter, r *http.Request) (programme.Programme, store.Proposal, *matching.Result, bool) {
	prog, ok := s.loadProgramme(w, r)
	if !ok {
		return prog, store.Proposal{}, nil, false
	}
	pid := r.PathValue("pid")
	if !ids.Valid(pid) {
		s.notFound(w, r, "Proposal")
		return prog, store.Proposal{}, nil, false
	}
	p, res, err := s.Matches.Load(r.Context(), prog.ID, pid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Proposal")
		return prog, p, nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return prog, p, nil, false
	}
	return prog, p, res, true
}

func (s *Server) showProposal(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	s.proposalPage(w, r, http.StatusOK, prog, p, res, view{Notice: s.notice(r)}, "", "")
}

var stageWords = map[string]string{
	"waiting": "Waiting to start",
	"loading": "Loading the people, the org chart and earlier pairs",
	"scoring": "Scoring every possible pair",
	"solving": "Finding the best pairing",
	"saving":  "Saving the result",
}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request, status int, prog programme.Programme, p store.Proposal, res *matching.Result, v view, handSenior, handJunior string) {
	d := reviewData{Programme: prog, Proposal: p, Status: p.Status, Reason: p.Error, Locks: len(p.Locks), NewID: ids.New(),
		HandSenior: handSenior, HandJunior: handJunior}
	v.Title = "Matches for " + prog.Name
	stalled := s.Matches.Stalled(p)
	if stalled && p.Status == store.ProposalRunning {
		d.Status, d.Reason = store.ProposalFailed, "The run stopped without finishing (out of time or memory, or a restart). Try again."
	}
	if p.Status == store.ProposalApproving && !stalled {
		// Starting the pairs: come back when they are.
		v.Refresh = 2
		d.Approving = true
		if p.Stage == review.StageStarting && p.Total > 0 {
			d.Percent = min(100, p.Done*100/p.Total)
			d.Started = true
		}
	}
	if d.Status == store.ProposalRunning {
		v.Refresh = 2
		d.Stage = stageWords[p.Stage]
		if d.Stage == "" {
			d.Stage = "Working"
		}
		if p.Total > 0 {
			d.Percent = min(100, p.Done*100/p.Total)
		}
		v.Data = d
		s.render(w, r, status, "review", v)
		return
	}
	if res != nil {
		if err := s.fillReview(r, &d, res); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	v.Data = d
	s.render(w, r, status, "review", v)
}

// fillReview joins the result with the people's names and the never-pair
// list, one page of each list at a time.
func (s *Server) fillReview(r *http.Request, d *reviewData, res *matching.Result) error {
	ctx := r.Context()
	people, err := s.Store.ListParticipants(ctx, d.Programme.ID)
	if err != nil {
		return err
	}
	byEmail := make(map[string]personView, len(people))
	for _, x := range people {
		byEmail[x.Email] = personView{Email: x.Email, Name: x.Name, Title: x.Title, Department: x.Department}
	}
	who := func(email string) personView {
		if p, ok := byEmail[email]; ok {
			return p
		}
		return personView{Email: email}
	}
	never, err := s.Store.ListNeverPairs(ctx, d.Programme.ID)
	if err != nil {
		return err
	}
	struck := map[store.EmailPair]bool{}
	for _, n := range never {
		struck[n.EmailPair] = true
		d.Never = append(d.Never, neverRow{Senior: who(n.Senior), Junior: who(n.Junior), AddedBy: n.AddedBy, AddedAt: n.AddedAt})
	}
	locked := map[store.EmailPair]bool{}
	for _, l := range d.Proposal.Locks {
		locked[l] = true
	}
	base := proposalPath(d.Programme.ID, d.Proposal.ID)
	d.PairPager = paginate(len(res.Pairs), r, "pairs_page")
	d.UnPager = paginate(len(res.Unmatched), r, "unmatched_page")
	d.PairPager.Base = base + "?unmatched_page=" + strconv.Itoa(d.UnPager.Page)
	d.UnPager.Base = base + "?pairs_page=" + strconv.Itoa(d.PairPager.Page)
	for _, x := range res.Pairs[d.PairPager.From:d.PairPager.To] {
		k := store.EmailPair{Senior: x.Senior, Junior: x.Junior}
		reason := strings.TrimPrefix(x.Reason, "Locked by the coordinator. ")
		d.Pairs = append(d.Pairs, pairRow{Senior: who(x.Senior), Junior: who(x.Junior), Score: x.Score, Reason: reason,
			Locked: x.Locked, LockPending: locked[k] && !x.Locked, StruckOut: struck[k]})
	}
	for _, u := range res.Unmatched[d.UnPager.From:d.UnPager.To] {
		d.Unmatched = append(d.Unmatched, unmatchedRow{Person: who(u.Email), Role: u.Role, Reason: u.Reason})
	}
	for _, u := range res.Unmatched {
		if u.Role == programme.Senior {
			d.FreeSeniors = append(d.FreeSeniors, who(u.Email))
		} else {
			d.FreeJuniors = append(d.FreeJuniors, who(u.Email))
		}
	}
	for _, x := range res.Pairs {
		switch fitWord(x.Score, d.Proposal.MaxScore) {
		case "Strong":
			d.Fits.Strong++
		case "Good":
			d.Fits.Good++
		default:
			d.Fits.Possible++
		}
		d.PairedSeniors = append(d.PairedSeniors, who(x.Senior))
		d.PairedJuniors = append(d.PairedJuniors, who(x.Junior))
	}
	d.Steps = nextSteps(d.Programme, res.Unmatched, len(d.Never) > 0)
	d.Warnings = res.Warnings
	return nil
}

func formPair(r *http.Request) store.EmailPair {
	return store.NewEmailPair(r.PostFormValue("senior"), r.PostFormValue("junior"))
}

// reviewProblem shows a refused change on the review page, next to its
// form when it has one, and changes nothing.
func (s *Server) reviewProblem(w http.ResponseWriter, r *http.Request, prog programme.Programme, p store.Proposal, res *matching.Result, err error, handSenior, handJunior string) {
	var pr *review.Problem
	if !errors.As(err, &pr) {
		s.serverError(w, r, err)
		return
	}
	field := pr.Field
	if field == "" {
		field = "review"
	}
	status := http.StatusUnprocessableEntity
	if errors.Is(err, review.ErrChanged) || errors.Is(err, review.ErrSuperseded) || errors.Is(err, review.ErrNotReady) {
		status = http.StatusConflict
	}
	// Show the proposal as it is now, not as it was read before the change.
	if cur, curRes, lerr := s.Matches.Load(r.Context(), prog.ID, p.ID); lerr == nil {
		p, res = cur, curRes
	}
	s.proposalPage(w, r, status, prog, p, res, view{Errors: programme.FieldErrors{field: pr.Msg}}, handSenior, handJunior)
}

func (s *Server) backToReview(w http.ResponseWriter, r *http.Request, p store.Proposal, code string, pair store.EmailPair) {
	s.redirectWith(w, r, proposalPath(p.ProgrammeID, p.ID), code, noticeArgs{Senior: pair.Senior, Junior: pair.Junior})
}

// pairSubject names a pair in the audit trail by its people's ids.
func (s *Server) pairSubject(r *http.Request, programmeID string, pair store.EmailPair) string {
	people, err := s.Store.ListParticipants(r.Context(), programmeID)
	if err != nil {
		return ""
	}
	var sid, jid string
	for _, x := range people {
		switch x.Email {
		case pair.Senior:
			sid = x.ID
		case pair.Junior:
			jid = x.ID
		}
	}
	return s.personRef(programmeID, sid) + " and " + s.personRef(programmeID, jid)
}

func (s *Server) lockPair(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	pair := formPair(r)
	lock := r.PostFormValue("action") != "unlock"
	if err := s.Matches.Lock(r.Context(), prog.ID, p.ID, pair, lock); err != nil {
		s.reviewProblem(w, r, prog, p, res, err, "", "")
		return
	}
	code, act := "locked", ActLock
	if !lock {
		code, act = "unlocked", ActUnlock
	}
	s.audit(r, act, prog.ID, s.pairSubject(r, prog.ID, pair), "proposal "+p.ID)
	s.backToReview(w, r, p, code, pair)
}

func (s *Server) forbidPair(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	pair := formPair(r)
	if err := s.Matches.Forbid(r.Context(), prog.ID, p.ID, pair, s.coordinatorEmail(r)); err != nil {
		s.reviewProblem(w, r, prog, p, res, err, "", "")
		return
	}
	s.audit(r, ActForbid, prog.ID, s.pairSubject(r, prog.ID, pair), "proposal "+p.ID)
	s.backToReview(w, r, p, "forbidden", pair)
}

func (s *Server) allowPair(w http.ResponseWriter, r *http.Request) {
	prog, p, _, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	pair := formPair(r)
	if pair.Senior == "" || pair.Junior == "" {
		s.badForm(w, r, proposalPath(prog.ID, p.ID))
		return
	}
	if err := s.Matches.Allow(r.Context(), prog.ID, pair); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActAllow, prog.ID, s.pairSubject(r, prog.ID, pair), "")
	s.backToReview(w, r, p, "allowed", pair)
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	newID, ok := newFormID(r)
	if !ok {
		s.badForm(w, r, proposalPath(prog.ID, p.ID))
		return
	}
	child, created, err := s.Matches.Resolve(r.Context(), prog.ID, p.ID, newID, s.coordinatorEmail(r))
	if err != nil {
		s.reviewProblem(w, r, prog, p, res, err, "", "")
		return
	}
	if created {
		s.audit(r, ActResolve, prog.ID, child.ID, "from proposal "+p.ID)
	}
	s.startAndShow(w, r, child, created)
}

func (s *Server) pairByHand(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	newID, ok := newFormID(r)
	if !ok {
		s.badForm(w, r, proposalPath(prog.ID, p.ID))
		return
	}
	pair := formPair(r)
	if pair.Senior == "" || pair.Junior == "" {
		s.reviewProblem(w, r, prog, p, res, &review.Problem{Kind: review.ErrBadPair, Field: "hand", Msg: "Choose a senior and a junior to pair."}, pair.Senior, pair.Junior)
		return
	}
	child, created, err := s.Matches.PairByHand(r.Context(), prog, p.ID, newID, pair, s.coordinatorEmail(r))
	if err != nil {
		s.reviewProblem(w, r, prog, p, res, err, pair.Senior, pair.Junior)
		return
	}
	if created {
		s.audit(r, ActPairByHand, prog.ID, s.pairSubject(r, prog.ID, pair), "proposal "+child.ID)
	}
	s.startAndShowWith(w, r, child, created, "paired-by-hand", noticeArgs{Senior: pair.Senior, Junior: pair.Junior})
}

// approve records the approval, then starts the pairs where a run of its
// size runs (in-process, or the match function for large ones), and shows
// the programme's pairs once they are started, or the approval's progress.
func (s *Server) approve(w http.ResponseWriter, r *http.Request) {
	prog, p, res, ok := s.loadProposal(w, r)
	if !ok {
		return
	}
	p, err := s.Matches.BeginApprove(r.Context(), prog.ID, p.ID, s.coordinatorEmail(r))
	if err != nil {
		s.reviewProblem(w, r, prog, p, res, err, "", "")
		return
	}
	if p.Status != store.ProposalApproved {
		s.audit(r, ActApprove, prog.ID, p.ID, fmt.Sprintf("%d pairs", p.Pairs))
	}
	if p.Status == store.ProposalApproved {
		s.redirectWith(w, r, "/programmes/"+prog.ID+"#pairs", "already-approved", noticeArgs{N: []int{p.Round}})
		return
	}
	done, err := s.Proposals.Start(r.Context(), review.Job{ProgrammeID: prog.ID, ProposalID: p.ID, Action: review.ActionApprove, Cells: p.Pairs * review.ApproveCellsPerPair})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if done != nil {
		t := time.NewTimer(s.cfg.ProposalWait)
		select {
		case <-done:
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	cur, _, err := s.Matches.Load(r.Context(), prog.ID, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if cur.Status != store.ProposalApproved {
		http.Redirect(w, r, proposalPath(prog.ID, p.ID), http.StatusSeeOther)
		return
	}
	s.redirectWith(w, r, "/programmes/"+prog.ID+"#pairs", "approved", noticeArgs{N: []int{cur.Round, cur.Pairs}})
}
