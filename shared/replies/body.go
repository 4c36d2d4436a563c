package replies

import (
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// bodyParts gathers the readable body of a message from its MIME tree.
type bodyParts struct {
	text    strings.Builder
	html    string
	reports []reportPart
}

// maxBodyDepth bounds the walk; precheck already bounds nesting, this keeps
// the walk safe on its own.
const maxBodyDepth = 100

// collect walks p: for multipart/alternative it keeps the plain text of the
// first alternative that has some, for every other multipart it keeps the
// text of each inline part in order (Apple Mail splits a body around inline
// images), and it sets aside delivery-status reports for bounce handling.
// Attachments and attached messages are skipped.
func (b *bodyParts) collect(p *enmime.Part, depth int) {
	if p == nil || depth > maxBodyDepth {
		return
	}
	ct := strings.ToLower(p.ContentType)
	switch {
	case strings.HasPrefix(ct, "multipart/alternative"):
		var chosen bool
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			var alt bodyParts
			alt.collect(c, depth+1)
			if !chosen && strings.TrimSpace(alt.text.String()) != "" {
				b.appendText(alt.text.String())
				chosen = true
			}
			if b.html == "" {
				b.html = alt.html
			}
			b.reports = append(b.reports, alt.reports...)
		}
	case strings.HasPrefix(ct, "multipart/"):
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			b.collect(c, depth+1)
		}
	case ct == "message/delivery-status" || ct == "message/global-delivery-status":
		b.reports = append(b.reports, reportPart{contentType: ct, content: p.Content})
	case isAttachment(p):
		// Not part of what the person wrote.
	case ct == "text/plain" || ct == "":
		b.appendText(partText(p))
	case ct == "text/html":
		if b.html == "" {
			b.html = toUTF8(string(p.Content))
		}
	}
}

func (b *bodyParts) appendText(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if b.text.Len() > 0 {
		b.text.WriteString("\n\n")
	}
	b.text.WriteString(s)
}

func isAttachment(p *enmime.Part) bool {
	return strings.EqualFold(p.Disposition, "attachment") || p.FileName != ""
}

// partText returns a text/plain part as UTF-8, undoing format=flowed.
func partText(p *enmime.Part) string {
	s := normaliseText(toUTF8(string(p.Content)))
	ctype := strings.ToLower(p.Header.Get("Content-Type"))
	if strings.Contains(ctype, "format=flowed") || strings.Contains(ctype, `format="flowed"`) {
		s = unflow(s, strings.Contains(ctype, "delsp=yes") || strings.Contains(ctype, `delsp="yes"`))
	}
	return s
}

// unflow joins the soft line breaks of RFC 3676 format=flowed text, so that
// a wrapped quote header or sentence is one line again. Quote depth is kept:
// a flowed line only joins the next line of the same depth.
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var out strings.Builder
	out.Grow(len(s))
	var cur strings.Builder
	curDepth, open := 0, false
	flush := func() {
		if !open {
			return
		}
		out.WriteString(strings.Repeat(">", curDepth))
		if curDepth > 0 {
			out.WriteByte(' ')
		}
		out.WriteString(cur.String())
		out.WriteByte('\n')
		cur.Reset()
		open = false
	}
	for _, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := line[depth:]
		content = strings.TrimPrefix(content, " ") // space-stuffing
		if open && depth != curDepth {
			flush()
		}
		curDepth = depth
		open = true
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if soft && delsp {
			content = content[:len(content)-1]
		}
		cur.WriteString(content)
		if !soft {
			flush()
		}
	}
	flush()
	return strings.TrimSuffix(out.String(), "\n")
}
