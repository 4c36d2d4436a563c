package devstack_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// BenchmarkProposeThroughTheWeb times what a coordinator waits for: from
// pressing "Propose matches" to the review page showing the pairs, on the
// local stack (dynalite, the run in-process, progress pages refreshing),
// for programmes of n seniors and n juniors with an org chart.
func BenchmarkProposeThroughTheWeb(b *testing.B) {
	for _, n := range []int{500, 2000} {
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) {
			st, err := devstack.Start(context.Background(), devstack.Options{Coordinators: []string{coordinator}})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(st.Close)
			prog := benchProgramme(b, st, n)
			c, csrf := signInHTTP(b, st)
			b.ResetTimer()
			for b.Loop() {
				resp, err := c.PostForm(st.WebURL+"/programmes/"+prog+"/proposals", url.Values{"csrf": {csrf}, "new_id": {ids.New()}})
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				page := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || page == "" {
					b.Fatalf("propose = %d", resp.StatusCode)
				}
				for {
					body := get(b, c, st.WebURL+page, http.StatusOK)
					if strings.Contains(body, `id="pair-list"`) {
						break
					}
					if !strings.Contains(body, `http-equiv="refresh"`) {
						b.Fatalf("the proposal neither shows pairs nor progress:\n%s", body)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
	}
}

// benchProgramme enrols n seniors and n juniors, opted in, with
// departments, divisions, locations, levels and an org chart in which
// each junior reports, through a manager who is not enrolled, to a senior.
func benchProgramme(b *testing.B, st *devstack.Stack, n int) string {
	b.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(uint64(n), 7))
	p := programme.New(st.Now())
	p.ID, p.Name, p.CreatedAt = ids.New(), "Bench", st.Now()
	if err := st.Store.CreateProgramme(ctx, p); err != nil {
		b.Fatal(err)
	}
	var people []programme.Participant
	var org []store.OrgLine
	for i := range n {
		s := fmt.Sprintf("senior%d@x.org", i)
		org = append(org, store.OrgLine{Employee: fmt.Sprintf("manager%d@x.org", i), Manager: s})
		people = append(people, programme.Participant{Email: s, Name: s, Role: programme.Senior, Level: 8 + r.IntN(4),
			Department: fmt.Sprintf("Dept %d", r.IntN(25)), Division: fmt.Sprintf("Div %d", r.IntN(5)), Location: fmt.Sprintf("City %d", r.IntN(8))})
		people = append(people, programme.Participant{Email: fmt.Sprintf("junior%d@x.org", i), Name: "junior", Role: programme.Junior, Level: 1 + r.IntN(4),
			ManagerEmail: fmt.Sprintf("manager%d@x.org", r.IntN(n)),
			Department:   fmt.Sprintf("Dept %d", r.IntN(25)), Division: fmt.Sprintf("Div %d", r.IntN(5)), Location: fmt.Sprintf("City %d", r.IntN(8))})
	}
	if _, err := st.Store.ReplaceOrgChart(ctx, org, store.OrgChart{Filename: "org.csv"}); err != nil {
		b.Fatal(err)
	}
	res, err := st.Store.Enrol(ctx, p.ID, people, st.Now())
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if _, err := st.Store.SetStatus(ctx, p.ID, id, programme.OptedIn, "bench", st.Now()); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for _, x := range res.Created {
		work <- x.ID
	}
	close(work)
	wg.Wait()
	st.Queue.Drain() // the welcome emails
	return p.ID
}
