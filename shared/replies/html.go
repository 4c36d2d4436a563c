package replies

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlMode says what an HTML conversion is for.
type htmlMode int

const (
	// htmlFull renders the whole document (Message.Text of HTML-only mail).
	htmlFull htmlMode = iota
	// htmlReply renders what the person wrote: signature elements are
	// dropped, attributions become markAttribution lines, and the
	// conversion stops at the containers clients put around a quoted
	// message (markCut).
	htmlReply
)

// Marker lines htmlToText leaves for TrimQuoted. They are Unicode
// private-use characters, which mail text does not contain.
const (
	markCut         = "\uE000" // the rest is a quoted message
	markAttribution = "\uE001" // an attribution ("On … wrote:") stood here
)

// maxHTMLStack bounds the open-element stack; deeper elements are rendered
// but not tracked.
const maxHTMLStack = 4096

// maxHTMLToken bounds one token (a tag with its attributes, or a run of
// text); the tokenizer stops at a larger one.
const maxHTMLToken = 1 << 20

type openElement struct {
	tag    atom.Atom
	quote  bool // a quoting blockquote or quote container: its lines get "> "
	skip   bool // content not rendered (script, style, signature, hidden)
	pre    bool
	marker bool // an attribution element: its text is replaced by a marker
}

// htmlToText renders HTML as plain text. Block elements become line breaks
// and quoting blockquotes become "> " lines, so the same rules trim HTML and
// plain replies and inline answers between quotes survive. It streams tokens
// with a stack of its own, linear in the input, instead of building a tree.
func htmlToText(src string, mode htmlMode) string {
	z := html.NewTokenizer(strings.NewReader(src))
	z.SetMaxBuf(maxHTMLToken)
	w := &textWriter{}
	w.out.Grow(len(src) / 3)
	var (
		stack   []openElement
		open    = map[atom.Atom]int{}
		skip    int
		quote   int
		pre     int
		markers int
	)
	push := func(e openElement) {
		if len(stack) >= maxHTMLStack {
			return
		}
		stack = append(stack, e)
		open[e.tag]++
		if e.skip {
			skip++
		}
		if e.quote {
			w.breakLine()
			quote++
		}
		if e.pre {
			pre++
		}
		if e.marker {
			markers++
		}
	}
	pop := func() openElement {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		open[e.tag]--
		if e.skip {
			skip--
		}
		if e.quote {
			w.breakLine()
			quote--
		}
		if e.pre {
			pre--
		}
		if e.marker {
			markers--
			if markers == 0 {
				w.markerLine(markAttribution, quote)
			}
		}
		blockBreak(w, e.tag)
		return e
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF, or a token beyond maxHTMLToken: keep what was rendered.
			return w.String()
		case html.TextToken:
			if skip > 0 || markers > 0 {
				continue
			}
			w.text(string(z.Text()), quote, pre > 0)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := atom.Lookup(name)
			var a attrs
			if hasAttr {
				a = readAttrs(z)
			}
			if mode == htmlReply && skip == 0 && isCutElement(tag, a) {
				w.markerLine(markCut, quote)
				return w.String()
			}
			switch tag {
			case atom.Br:
				if skip == 0 {
					w.newline(quote)
				}
				continue
			case atom.Hr:
				if skip == 0 {
					w.breakLine()
				}
				continue
			case atom.Img:
				// Emoji (Gmail sends them as images) keep their meaning.
				if alt := a.alt; skip == 0 && markers == 0 && alt != "" && utf8.RuneCountInString(alt) <= 4 {
					w.text(alt, quote, false)
				}
				continue
			}
			if tag == 0 || tt == html.SelfClosingTagToken || isVoid(tag) {
				continue
			}
			e := openElement{tag: tag}
			switch tag {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript, atom.Svg, atom.Object:
				e.skip = true
			case atom.Pre:
				e.pre = true
			case atom.Blockquote:
				e.quote = !isIndentBlockquote(a)
			}
			if a.hidden() {
				e.skip = true
			}
			if mode == htmlReply {
				switch {
				case isSignatureElement(a):
					e.skip = true
				case isAttributionElement(a):
					e.marker = true
				case isQuoteContainer(a):
					e.quote = true
				}
			}
			// Unclosed paragraphs and list items close themselves.
			if (tag == atom.P || tag == atom.Li || tag == atom.Tr || tag == atom.Td || tag == atom.Option) &&
				len(stack) > 0 && stack[len(stack)-1].tag == tag {
				pop()
			}
			blockBreak(w, tag)
			push(e)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			if tag == atom.Br && skip == 0 {
				w.newline(quote) // "</br>" is written by some editors
				continue
			}
			if tag == 0 || open[tag] == 0 {
				continue
			}
			// Pop up to and including the matching element: each element
			// is popped once, so this stays linear overall.
			for len(stack) > 0 {
				if pop().tag == tag {
					break
				}
			}
		}
	}
}

// blockBreak ends the current line at a block element's edges.
func blockBreak(w *textWriter, tag atom.Atom) {
	switch tag {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Ul, atom.Ol, atom.Pre:
		w.paragraph()
	case atom.Div, atom.Li, atom.Tr, atom.Dt, atom.Dd, atom.Dl, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Address, atom.Aside, atom.Main, atom.Nav, atom.Center, atom.Form, atom.Fieldset,
		atom.Figure, atom.Figcaption, atom.Body, atom.Html, atom.Caption:
		w.breakLine()
	case atom.Td, atom.Th:
		w.space()
	}
}

func isVoid(tag atom.Atom) bool {
	switch tag {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link,
		atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param:
		return true
	}
	return false
}

// attrs holds the attributes that tell a quote or signature apart.
type attrs struct {
	id, class, style, typ, alt string
}

func readAttrs(z *html.Tokenizer) attrs {
	var a attrs
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "id":
			a.id = strings.ToLower(string(v))
		case "class":
			a.class = strings.ToLower(string(v))
		case "style":
			a.style = strings.ToLower(string(v))
		case "type":
			a.typ = strings.ToLower(string(v))
		case "alt":
			a.alt = string(v)
		}
		if !more {
			return a
		}
	}
}

func (a attrs) hidden() bool {
	s := strings.ReplaceAll(a.style, " ", "")
	return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
}

func (a attrs) hasClass(name string) bool {
	for _, c := range strings.Fields(a.class) {
		if c == name {
			return true
		}
	}
	return false
}

// idIs matches an id with or without the "x_" prefix Outlook adds when a
// message is quoted again.
func (a attrs) idIs(name string) bool {
	id := a.id
	for strings.HasPrefix(id, "x_") {
		id = id[2:]
	}
	return id == name
}

// isCutElement marks where clients start the quoted message without
// nesting it: Outlook puts the original after these as siblings.
func isCutElement(tag atom.Atom, a attrs) bool {
	if a.id == "" && a.class == "" {
		return false
	}
	switch {
	case a.idIs("divrplyfwdmsg"), a.idIs("appendonsend"), a.idIs("olk_src_body_section"),
		a.idIs("mail-editor-reference-message-container"), a.idIs("reply-intro"):
		return true
	case tag == atom.Hr && a.idIs("stopspelling"): // Hotmail, older Outlook.com
		return true
	case a.hasClass("outlookmessageheader"), a.hasClass("mail-editor-reference-message-container"),
		a.hasClass("zmail_extra"), a.hasClass("moz-forward-container"), a.hasClass("gmail_forward"):
		return true
	}
	return false
}

// isAttributionElement marks the line a client writes above a quote
// ("On … wrote:"), whatever its language.
func isAttributionElement(a attrs) bool {
	return a.hasClass("gmail_attr") || a.hasClass("moz-cite-prefix") || a.hasClass("protonmail_quote_header") ||
		a.hasClass("yahoo_quoted_header") || a.hasClass("zmail_extra_hr")
}

// isQuoteContainer marks elements that hold the quoted message itself.
// Gmail's div.gmail_quote is not one: a person answering inline types
// inside it, between its blockquotes.
func isQuoteContainer(a attrs) bool {
	for _, c := range strings.Fields(a.class) {
		switch c {
		case "yahoo_quoted", "protonmail_quote", "tutanota_quote", "quote", "quoted", "blockquote",
			"gmail_quote_container_quoted":
			return true
		}
	}
	return false
}

// isSignatureElement marks signature blocks (Gmail's gmail_signature,
// Thunderbird's moz-signature, Outlook's #Signature and the mobile
// "Get Outlook for iOS" block, Proton's signature block).
func isSignatureElement(a attrs) bool {
	return strings.Contains(a.class, "signature") || strings.Contains(a.id, "signature")
}

// isIndentBlockquote tells Gmail's "indent" button, a blockquote with no
// border, from a quote.
func isIndentBlockquote(a attrs) bool {
	if a.typ == "cite" || strings.Contains(a.class, "quote") {
		return false
	}
	s := strings.ReplaceAll(a.style, " ", "")
	return strings.Contains(s, "border:none") || strings.Contains(s, "border:0")
}

// textWriter builds plain text line by line, prefixing lines inside
// quoting blockquotes with "> " per level.
type textWriter struct {
	out       strings.Builder
	line      strings.Builder
	lineDepth int
	spaceDue  bool // a space is due before the next word
	blank     bool // a blank line is due before the next line
}

func (w *textWriter) text(s string, depth int, pre bool) {
	if pre {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.newline(depth)
			}
			w.words(strings.ReplaceAll(part, "\u00a0", " "), depth, true)
		}
		return
	}
	w.words(s, depth, false)
}

func (w *textWriter) words(s string, depth int, keepSpaces bool) {
	if keepSpaces {
		if s != "" {
			w.startLine(depth)
			w.line.WriteString(s)
		}
		return
	}
	start := -1
	for i, r := range s {
		if isHTMLSpace(r) {
			if start >= 0 {
				w.word(s[start:i], depth)
				start = -1
			}
			w.spaceDue = w.line.Len() > 0
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		w.word(s[start:], depth)
	}
}

func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\u00a0', '\u200b', '\ufeff':
		return true
	}
	return false
}

func (w *textWriter) word(s string, depth int) {
	w.startLine(depth)
	if w.spaceDue && w.line.Len() > 0 {
		w.line.WriteByte(' ')
	}
	w.spaceDue = false
	w.line.WriteString(s)
}

// startLine opens a line at the given quote depth if none is open.
func (w *textWriter) startLine(depth int) {
	if w.line.Len() > 0 {
		return
	}
	if w.blank && w.out.Len() > 0 {
		w.out.WriteString(quotePrefix(w.lineDepthFor(depth)))
		w.out.WriteByte('\n')
	}
	w.blank = false
	w.lineDepth = depth
}

// lineDepthFor keeps a blank line between two quoted lines quoted.
func (w *textWriter) lineDepthFor(depth int) int { return min(depth, w.lineDepth) }

func (w *textWriter) flush() {
	if w.line.Len() == 0 {
		return
	}
	w.out.WriteString(quotePrefix(w.lineDepth))
	w.out.WriteString(strings.TrimRight(w.line.String(), " "))
	w.out.WriteByte('\n')
	w.line.Reset()
	w.spaceDue = false
}

// newline ends the current line; a <br> on an empty line is a blank line.
func (w *textWriter) newline(depth int) {
	if w.line.Len() == 0 {
		w.blank = true
		return
	}
	w.flush()
}

func (w *textWriter) breakLine() { w.flush(); w.spaceDue = false }

func (w *textWriter) paragraph() {
	w.flush()
	w.blank = true
}

func (w *textWriter) space() {
	if w.line.Len() > 0 {
		w.spaceDue = true
	}
}

func (w *textWriter) markerLine(mark string, depth int) {
	w.flush()
	w.out.WriteString(quotePrefix(depth))
	w.out.WriteString(mark)
	w.out.WriteByte('\n')
	w.blank = false
}

// maxQuotePrefix caps the "> " written per line: one level tells a quote,
// and nested blockquotes must not multiply the output (a line of text
// costs at least "x<p>" of input, so the output stays under twice it).
const maxQuotePrefix = 1

func quotePrefix(depth int) string {
	return strings.Repeat("> ", min(depth, maxQuotePrefix))
}

func (w *textWriter) String() string {
	w.flush()
	return strings.TrimRight(w.out.String(), "\n")
}
