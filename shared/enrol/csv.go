package enrol

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

// Limits on one upload.
const (
	MaxBytes = 5 << 20
	MaxRows  = 20000
)

// RowError is one problem in the file. Line counts from 1 with the header
// on line 1, as a spreadsheet shows it; Line 0 means the whole file.
type RowError struct {
	Line   int
	Column string
	Msg    string
}

func (e RowError) Error() string {
	switch {
	case e.Line == 0:
		return e.Msg
	case e.Column == "":
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Msg)
}

// Errors is every problem found in a file.
type Errors []RowError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, x := range e {
		parts[i] = x.Error()
	}
	return strings.Join(parts, "; ")
}

// ErrTooLarge is returned for files over MaxBytes.
var ErrTooLarge = fmt.Errorf("the file is larger than %d MB; split it into smaller files", MaxBytes>>20)

// Row is one person read from the file, with the line it came from.
type Row struct {
	Line        int
	Participant programme.Participant
}

// Parse reads a whole enrolment CSV. It returns the rows only if every row
// is valid; otherwise it returns Errors listing each problem.
func Parse(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	return ParseBytes(data)
}

// ParseBytes is Parse on data already in memory.
func ParseBytes(data []byte) ([]Row, error) {
	cr, err := newReader(data)
	if err != nil {
		return nil, err
	}

	header, err := cr.Read()
	if err != nil {
		return nil, Errors{csvError(err)}
	}
	cols, errs := readHeader(header)
	if len(errs) > 0 {
		return nil, errs
	}

	var rows []Row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(err))
			// encoding/csv cannot resynchronise after a broken quote.
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rows)+len(errs) >= MaxRows {
			return nil, Errors{{Msg: fmt.Sprintf("The file has more than %d people; split it into smaller files.", MaxRows)}}
		}
		if len(rec) != len(header) {
			errs = append(errs, RowError{Line: line, Msg: fmt.Sprintf("has %d fields but the header has %d; check for a stray %q or a missing quote", len(rec), len(header), string(cr.Comma))})
			continue
		}
		p, rowErrs := readRow(cols, rec, line)
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		if first, dup := seen[p.Email]; dup {
			errs = append(errs, RowError{Line: line, Column: "email", Msg: fmt.Sprintf("%s is already on line %d", p.Email, first)})
			continue
		}
		seen[p.Email] = line
		rows = append(rows, Row{Line: line, Participant: p})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, Errors{{Msg: "The file has a header but no people."}}
	}
	return rows, nil
}

// newReader checks that an upload is UTF-8 text (with or without a BOM,
// not UTF-16, not empty) and reads it with the delimiter its header uses.
func newReader(data []byte) (*csv.Reader, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, Errors{{Msg: "The file is saved as UTF-16. Save it as \"CSV UTF-8\" and upload it again."}}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Errors{{Msg: "The file is empty."}}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, Errors{{Line: line, Msg: "this line is not UTF-8 text. Save the file as \"CSV UTF-8\" and upload it again."}}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectDelimiter(data)
	cr.FieldsPerRecord = -1
	return cr, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// detectDelimiter picks ',' or ';' (what European spreadsheets export) or a
// tab by counting them in the header line outside quotes.
func detectDelimiter(data []byte) rune {
	counts := map[rune]int{}
	inQuote := false
	for _, r := range string(data) {
		if r == '"' {
			inQuote = !inQuote
		}
		if !inQuote && (r == '\n' || r == '\r') {
			break
		}
		if !inQuote && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func csvError(err error) RowError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			msg = "a quote (\") is not closed or stands inside an unquoted field"
		}
		return RowError{Line: pe.StartLine, Msg: msg}
	}
	return RowError{Msg: "The file could not be read as CSV: " + err.Error()}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// readHeader maps each column to its meaning and reports unknown, duplicate
// and missing columns.
func readHeader(header []string) ([]string, Errors) {
	var errs Errors
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := normalizeHeader(h)
		cols[i] = name
		switch {
		case name == "":
			errs = append(errs, RowError{Line: 1, Column: strconv.Itoa(i + 1), Msg: "the header is empty; name the column or delete it"})
			continue
		case knownColumn(name):
		case strings.HasPrefix(name, DiversityPrefix) && len(name) > len(DiversityPrefix),
			strings.HasPrefix(name, AttrPrefix) && len(name) > len(AttrPrefix):
		default:
			msg := fmt.Sprintf("unknown column %q", strings.TrimSpace(h))
			if s := suggest(name); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += fmt.Sprintf("; rename it to %s%s to keep it as an extra attribute, or delete it", AttrPrefix, name)
			}
			errs = append(errs, RowError{Line: 1, Column: strings.TrimSpace(h), Msg: msg})
			continue
		}
		if seen[name] {
			errs = append(errs, RowError{Line: 1, Column: strings.TrimSpace(h), Msg: fmt.Sprintf("column %s appears twice", name)})
		}
		seen[name] = true
	}
	for _, c := range Columns {
		if c.Required && !seen[c.Name] {
			errs = append(errs, RowError{Line: 1, Column: c.Name, Msg: fmt.Sprintf("required column %s is missing", c.Name)})
		}
	}
	return cols, errs
}

func readRow(cols, rec []string, line int) (programme.Participant, Errors) {
	var p programme.Participant
	var errs Errors
	bad := func(col, msg string) { errs = append(errs, RowError{Line: line, Column: col, Msg: msg}) }
	for i, name := range cols {
		v := strings.TrimSpace(rec[i])
		switch name {
		case "email":
			p.Email = v
		case "name":
			p.Name = v
		case "preferred_name":
			p.PreferredName = v
		case "language":
			p.Language = lang.Tag(v)
		case "role":
			r, ok := programme.ParseRole(v)
			if !ok {
				if v == "" {
					bad(name, "role is empty; write senior or junior")
				} else {
					bad(name, fmt.Sprintf("%q is not a role; write senior or junior", v))
				}
			}
			p.Role = r
		case "title":
			p.Title = v
		case "department":
			p.Department = v
		case "division":
			p.Division = v
		case "location":
			p.Location = v
		case "manager_email":
			p.ManagerEmail = v
		case "time_zone":
			p.TimeZone = v
		case "languages":
			langs, err := programme.SplitLanguages(v)
			if err != nil {
				bad(name, err.Error())
			}
			p.Languages = langs
		case "level":
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					bad(name, fmt.Sprintf("%q is not a whole number", v))
				}
				p.Level = n
			}
		case "capacity":
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					bad(name, fmt.Sprintf("%q is not a whole number from 1 to %d", v, programme.MaxCapacity))
				}
				p.Capacity = n
			}
		case "topics":
			p.Topics = splitList(v)
		default:
			if v == "" {
				continue
			}
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[name] = v
		}
	}
	if p.Role == programme.Senior && p.Capacity > 0 {
		bad("capacity", "capacity applies to juniors only; leave it empty for seniors")
	}
	fe := p.Validate()
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "role" && hasColumnError(errs, "role") {
			continue
		}
		bad(k, lowerFirst(strings.TrimSuffix(fe[k], ".")))
	}
	sort.SliceStable(errs, func(i, j int) bool { return colIndex(cols, errs[i].Column) < colIndex(cols, errs[j].Column) })
	return p, errs
}

func hasColumnError(errs Errors, col string) bool {
	for _, e := range errs {
		if e.Column == col {
			return true
		}
	}
	return false
}

func colIndex(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return len(cols)
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, "|") {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}
