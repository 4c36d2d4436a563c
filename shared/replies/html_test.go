package replies

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const htmlQuote = `<div>Did you meet since the last check-in? Reply YES or NO.</div><div>How valuable was it, from 1 to 5?</div>`

func TestTrimQuotedHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain paragraphs", `<p>Yes, we met.</p><p>It was great.</p>`, "Yes, we met.\n\nIt was great."},
		{"divs and breaks", `<div>Yes</div><div>4</div><div><br></div><div>Thanks</div>`, "Yes\n4\n\nThanks"},
		{"entities and nbsp", `<div>Yes&nbsp;&ndash; 4 &amp; more&#33;</div>`, "Yes – 4 & more!"},
		{"script style head", `<html><head><title>x</title><style>p{color:red}</style></head><body><script>alert(1)</script><p>Yes</p></body></html>`, "Yes"},
		{"hidden preheader", `<div style="display: none">Preview text</div><div>Yes</div>`, "Yes"},
		{"gmail quote", `<div dir="ltr">Yes</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Di., 3. März 2026 um 09:14 Uhr schrieb Upward &lt;r@u.example&gt;:<br></div><blockquote class="gmail_quote">` + htmlQuote + `</blockquote></div>`, "Yes"},
		{"gmail attribution in an unknown language", `<div>Tak</div><div class="gmail_quote"><div class="gmail_attr">wt., 3 mar 2026 o 09:14 Upward napisał(a):</div><blockquote class="gmail_quote">` + htmlQuote + `</blockquote></div>`, "Tak"},
		{"gmail inline", `<div class="gmail_quote"><div class="gmail_attr">On Tue, Upward wrote:</div><blockquote class="gmail_quote"><div>Did you meet?</div></blockquote><div>Yes</div><blockquote class="gmail_quote"><div>Rate 1-5</div></blockquote><div>4</div></div>`, "Yes\n\n4"},
		{"gmail signature", `<div dir="ltr">Yes<br clear="all"><br><span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Ann<br>CFO</div></div>`, "Yes"},
		{"gmail indent is not a quote", `<div>We met.</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>Agenda: tools</div></blockquote>`, "We met.\nAgenda: tools"},
		{"apple cite", `Yes<div><br><blockquote type="cite"><div>On 3 Mar 2026, at 09:14, Upward &lt;r@u.example&gt; wrote:</div><br>` + htmlQuote + `</blockquote></div>`, "Yes"},
		{"apple attribution outside", `<div>Yes</div><div><br><div>On 3 Mar 2026, at 09:14, Upward &lt;r@u.example&gt; wrote:</div><br><blockquote type="cite">` + htmlQuote + `</blockquote></div>`, "Yes"},
		{"outlook web", `<div class="elementToProof">Yes – 4</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Upward<br><b>Sent:</b> Tuesday</div>` + htmlQuote, "Yes – 4"},
		{"outlook reply of a reply", `<div>Yes</div><hr><div id="x_divRplyFwdMsg"><b>From:</b> Upward</div>` + htmlQuote, "Yes"},
		{"outlook desktop border block", `<p class="MsoNormal">Yes<o:p></o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> Upward &lt;r@u.example&gt;<br><b>Sent:</b> Tuesday, March 3, 2026 9:14 AM<br><b>To:</b> Bob<br><b>Subject:</b> Check-in</p></div>` + htmlQuote, "Yes"},
		{"outlook signature div", `<div>Yes</div><div id="Signature"><div>Sarah O'Neill</div></div>`, "Yes"},
		{"outlook mobile signature", `<div>Yes</div><div id="ms-outlook-mobile-signature">Get <a href="x">Outlook for iOS</a></div>`, "Yes"},
		{"thunderbird", `<p>Yes</p><div class="moz-signature">-- <br>Ann</div><div class="moz-cite-prefix">On 03/03/2026 09:14, Upward wrote:<br></div><blockquote type="cite">` + htmlQuote + `</blockquote>`, "Yes"},
		{"thunderbird forward", `<p>FYI</p><div class="moz-forward-container">-------- Forwarded Message --------` + htmlQuote + `</div>`, "FYI"},
		{"yahoo", `<div>Yes! 5</div><div id="yahoo_quoted_1" class="yahoo_quoted"><div>On Tuesday, Upward wrote:</div>` + htmlQuote + `</div>`, "Yes! 5"},
		{"proton", `<div>Yes, 3</div><div class="protonmail_signature_block">Sent with Proton Mail</div><div class="protonmail_quote">On Tuesday, Upward wrote:<br><blockquote class="protonmail_quote" type="cite">` + htmlQuote + `</blockquote></div>`, "Yes, 3"},
		{"unclosed paragraphs", `<p>Yes<p>4<p>Thanks`, "Yes\n\n4\n\nThanks"},
		{"stray end tags", `</div></blockquote></p>Yes</span>`, "Yes"},
		{"unclosed quote at end", `Yes<blockquote type="cite">quoted`, "Yes"},
		{"emoji image", `<div>Yes <img alt="👍" src="x.png"></div>`, "Yes 👍"},
		{"table cells", `<table><tr><td>Met?</td><td>Yes</td></tr></table>`, "Met? Yes"},
		{"pre keeps lines", "<pre>Yes\n  4</pre>", "Yes\n  4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, TrimQuotedHTML(tt.in)); diff != "" {
				t.Errorf("TrimQuotedHTML(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestHTMLToTextFull checks the untrimmed conversion keeps quotes as ">"
// lines and signatures, for Message.Text of HTML-only mail.
func TestHTMLToTextFull(t *testing.T) {
	in := `<div>Yes</div><div class="gmail_signature">Ann</div><div id="appendonsend"></div><blockquote type="cite"><div>Q1</div><blockquote><div>Q2</div></blockquote></blockquote>`
	want := "Yes\nAnn\n> Q1\n> Q2"
	if diff := cmp.Diff(want, htmlToText(in, htmlFull)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestHTMLToTextPathological: inputs that make tree builders or careless
// converters slow or deep; BenchmarkHTMLToTextPathological shows they stay
// linear.
func TestHTMLToTextPathological(t *testing.T) {
	for _, p := range pathologicalHTML(20000) {
		t.Run(p.name, func(t *testing.T) {
			got := htmlToText(p.in, htmlReply)
			if !strings.HasPrefix(got, p.wantPrefix) || len(got) > 2*len(p.in) {
				t.Errorf("got %d bytes starting %.60q, want prefix %q and at most %d bytes", len(got), got, p.wantPrefix, 2*len(p.in))
			}
		})
	}
}

type pathologicalDoc struct{ name, in, wantPrefix string }

func pathologicalHTML(n int) []pathologicalDoc {
	rep := strings.Repeat
	return []pathologicalDoc{
		{"deep divs", "Yes" + rep("<div>", n) + "x" + rep("</div>", n), "Yes\nx"},
		{"deep blockquotes", "Yes" + rep("<blockquote>", n) + rep("x<p>", n), "Yes"},
		{"unclosed formatting", "Yes " + rep("<b><i><u>", n) + "x", "Yes x"},
		{"many end tags", "Yes" + rep("</div>", n), "Yes"},
		{"huge attribute", `<div class="` + rep("a", 50*n) + `">Yes</div>`, "Yes"},
		{"many attributes", "<div " + rep(`a="b" `, n) + ">Yes</div>", "Yes"},
		{"comment soup", rep("<!--", n) + "Yes", ""},
		{"nested tables", rep("<table><tr><td>", n) + "Yes", "Yes"},
	}
}
