package mail

import (
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/token"
)

// clickLinks are an email's one-click answers (shared/oneclick): each
// opens a page with that answer chosen and a button to confirm it. Only
// those the email offers are set; an email that asks nothing has none.
type clickLinks struct {
	// Yes and No: did you meet, or, to a question of consent, yes and no.
	Yes, No string
	// Rate are 1 to 5, in order.
	Rate []rateLink
	// Join and Decline answer the welcome.
	Join, Decline string
	// Met, Pause and Rematch are the nudge's answers.
	Met, Pause, Rematch string
	// Write opens the goal question's page, with nothing chosen.
	Write string
}

type rateLink struct {
	N   int
	URL string
}

// clicks makes the one-click links of the email ref names.
func (d *Deliverer) clicks(ref token.Ref, p programme.Programme) (clickLinks, error) {
	links := oneclick.Links{Signer: d.signer, BaseURL: d.settings.BaseURL}
	var err error
	out := offered(ref.Kind, func(c oneclick.Choice) string {
		if err != nil {
			return ""
		}
		var u string
		u, err = links.Answer(ref, p, c)
		return u
	})
	return out, err
}

// offered are the links an email of kind offers, each made by link.
func offered(kind token.Kind, link func(oneclick.Choice) string) clickLinks {
	var out clickLinks
	offer := func(c oneclick.Choice) string {
		if !oneclick.Offers(kind, c) {
			return ""
		}
		return link(c)
	}
	if kind == token.KindNudge {
		out.Met, out.Pause, out.Rematch = offer(oneclick.Yes), offer(oneclick.Pause), offer(oneclick.Rematch)
	} else {
		out.Yes, out.No = offer(oneclick.Yes), offer(oneclick.No)
	}
	for n := 1; n <= 5; n++ {
		if u := offer(oneclick.Rate(n)); u != "" {
			out.Rate = append(out.Rate, rateLink{N: n, URL: u})
		}
	}
	out.Join, out.Decline = offer(oneclick.Join), offer(oneclick.Decline)
	out.Write = offer(oneclick.None)
	return out
}

// pageURL is the link to a person's own page, for the footer of every
// email they receive.
func (d *Deliverer) pageURL(p programme.Programme, personID, pairID string) (string, error) {
	return oneclick.Links{Signer: d.signer, BaseURL: d.settings.BaseURL}.Page(p, personID, pairID)
}
