package replies

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// charsetReader converts from a named charset to UTF-8 for RFC 2047 words.
// WHATWG labels come first because mail clients label Windows-1252 text as
// ISO-8859-1 just as browsers' authors do.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	enc, err := lookupCharset(charset)
	if err != nil {
		return nil, err
	}
	return enc.NewDecoder().Reader(r), nil
}

func lookupCharset(name string) (encoding.Encoding, error) {
	name = strings.ToLower(strings.Trim(strings.TrimSpace(name), `"'`))
	if enc, err := htmlindex.Get(name); err == nil {
		return enc, nil
	}
	if enc, err := ianaindex.MIME.Encoding(name); err == nil && enc != nil {
		return enc, nil
	}
	return nil, fmt.Errorf("unknown charset %q", name)
}

// decodeWindows1252 reads s as Windows-1252, which maps every byte.
func decodeWindows1252(s string) string {
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}
