// Package replies turns one raw inbound email into what Upward records: who
// sent it, whether a person wrote it (or an auto-responder, or a mail server
// reporting a bounce), the words the person wrote without the quoted thread
// or their signature, and the answers and commands in those words.
//
// It is pure Go with no AWS: the inbound Lambda handler calls
//
//	msg, err := replies.Parse(raw, replies.DefaultLimits)
//	text := msg.TrimmedText()
//	answer := replies.Understand(text, replies.Options{Context: replies.CheckIn})
//
// and records the result.
package replies

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
)

// Kind says who wrote a message: a person, an auto-responder or a mail server.
type Kind string

const (
	KindReply     Kind = "reply"
	KindAutoReply Kind = "auto_reply"
	KindBounce    Kind = "bounce"
)

// Limits bound the work Parse does on one message, so a hostile or broken
// message costs bounded time and memory inside a Lambda's budget.
type Limits struct {
	// MaxMessageBytes rejects larger raw messages outright (SES accepts up
	// to 40 MB; nobody types a check-in answer that long).
	MaxMessageBytes int
	// MaxHeaderBytes bounds the top-level header block.
	MaxHeaderBytes int
	// MaxMultiparts bounds how many multipart containers a message may
	// declare; enmime nests a reader per level and has no limit of its own.
	MaxMultiparts int
	// MaxParts bounds how many MIME parts a message may have; enmime
	// allocates a buffer for each.
	MaxParts int
	// MaxTextBytes bounds the decoded body text kept for trimming. What a
	// person writes comes first; a longer body is cut at this size.
	MaxTextBytes int
}

// DefaultLimits suit a Lambda function with 256 MB of memory.
var DefaultLimits = Limits{
	MaxMessageBytes: 10 << 20,
	MaxHeaderBytes:  256 << 10,
	MaxMultiparts:   64,
	MaxParts:        1000,
	MaxTextBytes:    1 << 20,
}

func (l Limits) withDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultLimits.MaxMessageBytes
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultLimits.MaxHeaderBytes
	}
	if l.MaxMultiparts <= 0 {
		l.MaxMultiparts = DefaultLimits.MaxMultiparts
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultLimits.MaxParts
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = DefaultLimits.MaxTextBytes
	}
	return l
}

// Errors Parse returns, wrapped with detail; test them with errors.Is.
var (
	ErrTooLarge       = errors.New("message too large")
	ErrHeaderTooLarge = errors.New("message header too large")
	ErrTooComplex     = errors.New("message has too many MIME parts")
	ErrMalformed      = errors.New("malformed message")
	ErrNoSender       = errors.New("message has no sender address")
)

// Message is one parsed inbound email.
type Message struct {
	From     string // the sender's address, as written
	FromName string // the sender's display name, decoded
	// SenderProblem says why the From header cannot be trusted to name one
	// author: it holds several addresses, or a Sender header names someone
	// else. "" when neither; inbound quarantines such mail.
	SenderProblem string

	To          []string // addresses only
	Cc          []string
	DeliveredTo []string // every Delivered-To header, in order

	// ReturnPath is the envelope sender the receiving server recorded;
	// NullReturnPath is true for "<>", which mail servers use for bounces.
	ReturnPath     string
	NullReturnPath bool

	MessageID  string   // without angle brackets
	InReplyTo  string   // the first message ID in In-Reply-To, without brackets
	References []string // without brackets, oldest first, at most maxReferences
	Subject    string   // decoded
	Date       time.Time

	// Text is the body as plain text: the text/plain part, or the HTML
	// converted when there is none (TextFromHTML is then true). HTML is the
	// first HTML body part, if any.
	Text         string
	HTML         string
	TextFromHTML bool

	Kind       Kind
	KindReason string  // why Kind was chosen, for logs ("Auto-Submitted: auto-replied")
	Bounce     *Bounce // set when Kind is KindBounce

	header  map[string][]string // raw top-level header, for classification
	reports []reportPart        // machine-readable report parts (delivery-status)
}

// maxReferences keeps a thread's References bounded; the root (Upward's own
// message) comes first, so the first ones are the ones worth keeping.
const maxReferences = 100

type reportPart struct {
	contentType string
	content     []byte
}

// Parse reads one raw RFC 5322 message. It rejects messages beyond lim
// (zero fields take DefaultLimits) and messages without a sender address.
func Parse(raw []byte, lim Limits) (*Message, error) {
	lim = lim.withDefaults()
	if len(raw) > lim.MaxMessageBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), lim.MaxMessageBytes)
	}
	if err := precheck(raw, lim); err != nil {
		return nil, err
	}
	parser := enmime.NewParser(
		enmime.SkipMalformedParts(true),
		enmime.MaxStoredPartErrors(8),
		// We choose the body and convert HTML ourselves (quotes and
		// signatures are removed before conversion).
		enmime.DisableTextConversion(true),
		// A declared charset is right far more often than a guess from a
		// short reply; undeclared 8-bit text is repaired in decodeText.
		enmime.DisableCharacterDetection(true),
		enmime.SetReadPartErrorPolicy(keepPartialText),
		enmime.MultipartWOBoundaryAsSinglePart(true),
	)
	root, err := parser.ReadParts(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}

	m := &Message{header: root.Header}
	if err := m.readHeader(); err != nil {
		return nil, err
	}
	var b bodyParts
	b.collect(root, 0)
	m.reports = b.reports
	m.Text = limitText(normaliseText(b.text.String()), lim.MaxTextBytes)
	m.HTML = limitText(b.html, lim.MaxMessageBytes)
	if strings.TrimSpace(m.Text) == "" && m.HTML != "" {
		m.Text = limitText(normaliseText(htmlToText(m.HTML, htmlFull)), lim.MaxTextBytes)
		m.TextFromHTML = true
	}
	classify(m)
	return m, nil
}

// keepPartialText keeps what could be decoded of a broken text part
// (corrupt base64, a quoted-printable line longer than the decoder's
// buffer) rather than rejecting the whole message: the person's words come
// first and are usually intact.
func keepPartialText(p *enmime.Part, err error) bool {
	return p.ContentType == "" || p.ContentType == "text/plain" || p.ContentType == "text/html"
}

// TrimmedText is what the person wrote: the quoted thread and their
// signature removed. Plain text is preferred; HTML-only mail has its quote
// containers removed before it is converted.
func (m *Message) TrimmedText() string {
	if m.TextFromHTML {
		return TrimQuotedHTML(m.HTML)
	}
	return TrimQuoted(m.Text)
}

// Header returns the first value of a top-level header, RFC 2047 decoded.
func (m *Message) Header(name string) string {
	return decodeHeader(first(m.header, name))
}

// precheck rejects what would make enmime's work unbounded before it
// starts: an endless header block, deep or numerous multipart nesting (each
// level adds a reader every byte passes through) and floods of tiny parts
// (each costs a buffer).
func precheck(raw []byte, lim Limits) error {
	end := headerEnd(raw)
	if end < 0 {
		end = len(raw)
	}
	if end > lim.MaxHeaderBytes {
		return fmt.Errorf("%w: more than %d bytes", ErrHeaderTooLarge, lim.MaxHeaderBytes)
	}
	boundaries := boundaryParams(raw, lim.MaxMultiparts+1)
	if len(boundaries) > lim.MaxMultiparts {
		return fmt.Errorf("%w: more than %d multipart boundaries", ErrTooComplex, lim.MaxMultiparts)
	}
	if n := countDelimiterLines(raw, boundaries, lim.MaxParts+1); n > lim.MaxParts {
		return fmt.Errorf("%w: more than %d parts", ErrTooComplex, lim.MaxParts)
	}
	return nil
}

// headerEnd returns the offset of the blank line ending the header block,
// or -1.
func headerEnd(raw []byte) int {
	a := bytes.Index(raw, []byte("\n\n"))
	b := bytes.Index(raw, []byte("\n\r\n"))
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	default:
		return min(a, b)
	}
}

// boundaryParams returns the values of "boundary=" parameters (any case),
// stopping at stop of them. Every multipart container needs one, so their
// number bounds the tree; text that merely mentions the word only lowers the
// ceiling a little.
func boundaryParams(raw []byte, stop int) [][]byte {
	var out [][]byte
	for i := 0; i < len(raw) && len(out) < stop; {
		j := bytes.Index(raw[i:], []byte("oundary"))
		if j < 0 {
			break
		}
		k := i + j
		i = k + len("oundary")
		if k == 0 || (raw[k-1]|0x20) != 'b' {
			continue
		}
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t') {
			i++
		}
		if i >= len(raw) || raw[i] != '=' {
			continue
		}
		i++
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t') {
			i++
		}
		quoted := i < len(raw) && raw[i] == '"'
		if quoted {
			i++
		}
		v := i
		for i < len(raw) && i-v < 200 && raw[i] != '\r' && raw[i] != '\n' &&
			((quoted && raw[i] != '"') || (!quoted && raw[i] != ';' && raw[i] != ' ' && raw[i] != '\t')) {
			i++
		}
		out = append(out, raw[v:i])
	}
	return out
}

// countDelimiterLines counts lines that open or close a part of one of the
// declared boundaries, stopping at stop.
func countDelimiterLines(raw []byte, boundaries [][]byte, stop int) int {
	if len(boundaries) == 0 {
		return 0
	}
	n := 0
	for i := 0; i < len(raw) && n < stop; {
		j := bytes.Index(raw[i:], []byte("\n--"))
		if j < 0 {
			break
		}
		i += j + 3
		for _, b := range boundaries {
			if len(b) > 0 && bytes.HasPrefix(raw[i:], b) {
				n++
				break
			}
		}
	}
	return n
}

func (m *Message) readHeader() error {
	h := m.header
	rawFrom := first(h, "From")
	from := headerAddresses(rawFrom)
	if len(from) > 0 {
		m.From, m.FromName = from[0].Address, from[0].Name
	}
	sender := headerAddresses(first(h, "Sender"))
	switch {
	case m.From == "" && len(sender) > 0:
		m.From, m.FromName = sender[0].Address, sender[0].Name
	case len(from) > 1:
		m.SenderProblem = fmt.Sprintf("the From header names %d addresses", len(from))
	case len(sender) > 0 && !strings.EqualFold(sender[0].Address, m.From):
		m.SenderProblem = fmt.Sprintf("the Sender header (%s) disagrees with From (%s)", sender[0].Address, m.From)
	}
	if m.From == "" {
		return fmt.Errorf("%w (From: %.80q)", ErrNoSender, decodeHeader(rawFrom))
	}
	m.To = addresses(decodeHeader(strings.Join(all(h, "To"), ", ")))
	m.Cc = addresses(decodeHeader(strings.Join(all(h, "Cc"), ", ")))
	for _, v := range all(h, "Delivered-To") {
		m.DeliveredTo = append(m.DeliveredTo, addresses(decodeHeader(v))...)
	}
	if rp := all(h, "Return-Path"); len(rp) > 0 {
		v := strings.TrimSpace(rp[0]) // the topmost, written by the final hop
		if strings.Trim(v, "<> \t") == "" {
			m.NullReturnPath = true
		} else {
			m.ReturnPath = strings.Trim(v, "<> \t")
		}
	}
	m.MessageID = firstID(first(h, "Message-Id"))
	m.InReplyTo = firstID(first(h, "In-Reply-To"))
	m.References = messageIDs(first(h, "References"), maxReferences)
	m.Subject = strings.TrimSpace(collapseSpace(decodeHeader(first(h, "Subject"))))
	if d := first(h, "Date"); d != "" {
		if t, err := mail.ParseDate(strings.TrimSpace(d)); err == nil {
			m.Date = t
		}
	}
	return nil
}

// first returns the first value of a header, whatever the case its name
// was written in.
func first(h map[string][]string, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}

// all returns every value of a header, whatever the case of its name.
func all(h map[string][]string, name string) []string {
	var out []string
	for k, v := range h {
		if strings.EqualFold(k, name) {
			out = append(out, v...)
		}
	}
	return out
}

// maxAddressHeader bounds what goes to the address parser; real recipient
// lists are far shorter and net/mail's cost grows with nesting of comments.
const maxAddressHeader = 16 << 10

// addresses parses an address list leniently and returns the addresses.
func addresses(list string) []string {
	list = strings.TrimSpace(list)
	if list == "" {
		return nil
	}
	if len(list) > maxAddressHeader {
		list = list[:maxAddressHeader]
	}
	var out []string
	if parsed, err := enmime.ParseAddressList(list); err == nil {
		for _, a := range parsed {
			if a.Address != "" {
				out = append(out, a.Address)
			}
		}
		return out
	}
	// Unparseable lists still name addresses; take what looks like one.
	for _, a := range addrSpec.FindAllString(list, 100) {
		out = append(out, strings.Trim(a, "<>"))
	}
	return out
}

var addrSpec = mustPattern(`[^\s<>"(),;:@]+@[^\s<>"(),;:@]+\.[^\s<>"(),;:@]+`)

// headerAddresses parses an address header as RFC 5322 does: encoded
// words are decoded only inside display names, never before the address is
// found, so "=?utf-8?q?jun@example.org?= <attacker@evil.example>" is
// attacker@evil.example. Raw 8-bit headers are read as UTF-8 or
// Windows-1252 first. A header the parser rejects still yields the
// addresses written in it, undecoded.
func headerAddresses(v string) []*mail.Address {
	v = strings.TrimSpace(toUTF8(v))
	if v == "" {
		return nil
	}
	if len(v) > maxAddressHeader {
		v = v[:maxAddressHeader]
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if list, err := p.ParseList(v); err == nil && len(list) > 0 {
		return list
	}
	// Lenient: the addresses in angle brackets are the addresses; bare
	// ones count only when there are none.
	var out []*mail.Address
	for _, a := range angleAddr.FindAllStringSubmatch(v, 10) {
		out = append(out, &mail.Address{Address: a[1]})
	}
	if out != nil {
		return out
	}
	for _, a := range addrSpec.FindAllString(v, 10) {
		out = append(out, &mail.Address{Address: strings.Trim(a, "<>")})
	}
	return out
}

var angleAddr = mustPattern(`<([^\s<>"(),;:@]+@[^\s<>"(),;:@]+\.[^\s<>"(),;:@]+)>`)

// Counted repetitions are kept small throughout: RE2 expands them into
// that many instructions, and the lines here are already bounded.
var msgID = mustPattern(`<[^<>\s]+>`)

func firstID(v string) string {
	if ids := messageIDs(v, 1); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// messageIDs returns the bracketed IDs in v, or v itself when someone wrote
// a bare ID.
func messageIDs(v string, limit int) []string {
	var out []string
	for _, id := range msgID.FindAllString(v, limit) {
		if len(id) <= 1000 {
			out = append(out, id[1:len(id)-1])
		}
	}
	if out == nil {
		if v = strings.TrimSpace(v); v != "" && !strings.ContainsAny(v, " \t<>") && len(v) <= 998 {
			out = []string{v}
		}
	}
	return out
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// decodeHeader decodes RFC 2047 encoded words and repairs raw 8-bit
// headers, which some clients still send in Latin-1.
func decodeHeader(v string) string {
	if strings.Contains(v, "=?") {
		if d, err := wordDecoder.DecodeHeader(v); err == nil {
			v = d
		}
	}
	return toUTF8(v)
}

// toUTF8 returns s unchanged when it is valid UTF-8 and otherwise reads it
// as Windows-1252, the charset undeclared 8-bit mail almost always is.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return decodeWindows1252(s)
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normaliseText makes line ends "\n" and drops a byte order mark.
func normaliseText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// limitText cuts s to at most n bytes at a rune boundary.
func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
