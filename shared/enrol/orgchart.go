package enrol

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/programme"
)

// The org chart CSV: who reports to whom across the organisation,
// including people who are not enrolled, so a reporting line that runs
// through a manager outside the programme still keeps a senior and their
// indirect report apart. Other columns (name, title …) are ignored, so an
// HRIS export can be uploaded as it is.
//
// The limits fit an organisation of 500,000 people: its HRIS export with a
// dozen columns besides the two read here is well under 100 MB. A file that
// large reaches S3 straight from the browser (a presigned POST) and is
// parsed by the orgchart function, streaming; only the fallback upload
// through the web function is held to the Function URL's 6 MB request.
const (
	OrgMaxBytes = 100 << 20
	OrgMaxRows  = 500_000
)

// ErrOrgTooLarge is returned for org charts over OrgMaxBytes.
var ErrOrgTooLarge = fmt.Errorf("the file is larger than %d MB: %w", OrgMaxBytes>>20, ErrTooLarge)

// OrgColumns documents the org chart's columns for its upload page.
var OrgColumns = []Column{
	{"employee_email", true, "Work email of the employee.", "ana.silva@example.org"},
	{"manager_email", true, "Work email of their manager; empty for the top of the organisation. A person with two managers has two rows.", "rui.lopes@example.org"},
}

// OrgRow is one reporting line read from the file.
type OrgRow struct {
	Line     int
	Employee string
	Manager  string // empty at the top of the chart
}

var orgAliases = map[string]string{
	"email": "employee_email", "employee": "employee_email", "work_email": "employee_email", "employee_e_mail": "employee_email",
	"manager_email": "manager_email", // normalizeHeader's aliases already map manager → manager_email
}

// ParseOrgChart reads a whole org chart CSV. It returns the rows only when
// every row is valid; otherwise Errors lists each problem by line and
// column, so an upload is all or nothing.
//
// It reads as it parses, never holding the file itself in memory: an org
// chart of OrgMaxRows rows arrives straight from S3 (a GetObject body) and
// only the rows it keeps take room.
func ParseOrgChart(r io.Reader) ([]OrgRow, error) {
	return ParseOrgChartProgress(r, 0, nil)
}

// ParseOrgChartProgress is ParseOrgChart that calls progress with the
// number of lines read every `every` lines, so a long parse can say how
// far it has got.
func ParseOrgChartProgress(r io.Reader, every int, progress func(lines int)) ([]OrgRow, error) {
	counted := &countingReader{r: io.LimitReader(r, OrgMaxBytes+1)}
	br := bufio.NewReaderSize(counted, 64<<10)
	rows, err := parseOrgChart(br, every, progress)
	if counted.n > OrgMaxBytes {
		// Whatever the parse made of a truncated file, the file is too big.
		return nil, ErrOrgTooLarge
	}
	return rows, err
}

// countingReader counts the bytes read, so a file over the limit is told
// apart from one whose last line is broken.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// streamReader is newReader for a file read as it is parsed: the checks on
// the start of the file (UTF-16, the byte order mark, emptiness, the
// delimiter) look at its first bytes, and the UTF-8 check runs per record.
func streamReader(br *bufio.Reader) (*csv.Reader, error) {
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, Errors{{Msg: "The file is saved as UTF-16. Save it as \"CSV UTF-8\" and upload it again."}}
	}
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		_, _ = br.Discard(3)
		head = head[3:]
	}
	if len(head) < br.Size() && len(bytes.TrimSpace(head)) == 0 {
		return nil, Errors{{Msg: "The file is empty."}}
	}
	cr := csv.NewReader(br)
	cr.Comma = detectDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr, nil
}

func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

// notUTF8 is the error for a record that is not UTF-8 text, or nil.
func notUTF8(rec []string, line int) error {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return Errors{{Line: line, Msg: "this line is not UTF-8 text. Save the file as \"CSV UTF-8\" and upload it again."}}
		}
	}
	return nil
}

func parseOrgChart(br *bufio.Reader, every int, progress func(lines int)) ([]OrgRow, error) {
	cr, err := streamReader(br)
	if err != nil {
		return nil, err
	}
	header, err := cr.Read()
	if err != nil && !errors.Is(err, io.EOF) && !isParseError(err) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if err != nil {
		return nil, Errors{csvError(err)}
	}
	if err := notUTF8(header, 1); err != nil {
		return nil, err
	}
	col := map[string]int{}
	var errs Errors
	for i, h := range header {
		name := normalizeHeader(h)
		if a, ok := orgAliases[name]; ok {
			name = a
		}
		if name != "employee_email" && name != "manager_email" {
			continue
		}
		if _, dup := col[name]; dup {
			errs = append(errs, RowError{Line: 1, Column: strings.TrimSpace(h), Msg: fmt.Sprintf("column %s appears twice", name)})
		}
		col[name] = i
	}
	for _, c := range OrgColumns {
		if _, ok := col[c.Name]; !ok {
			errs = append(errs, RowError{Line: 1, Column: c.Name, Msg: fmt.Sprintf("required column %s is missing", c.Name)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var rows []OrgRow
	seen := map[[2]string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !isParseError(err) {
				// The body stopped arriving (a network error reading S3):
				// not the file's fault, and worth reading again.
				return nil, fmt.Errorf("read upload: %w", err)
			}
			errs = append(errs, csvError(err))
			break // encoding/csv cannot resynchronise after a broken quote
		}
		line, _ := cr.FieldPos(0)
		if progress != nil && every > 0 && line%every == 0 {
			progress(line)
		}
		if err := notUTF8(rec, line); err != nil {
			return nil, err
		}
		if blank(rec) {
			continue
		}
		if len(rows)+len(errs) >= OrgMaxRows {
			return nil, Errors{{Msg: fmt.Sprintf("The file has more than %d rows; write to the people who run Upward.", OrgMaxRows)}}
		}
		field := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := OrgRow{Line: line}
		bad := false
		if e, err := programme.NormalizeEmail(field("employee_email")); err != nil {
			errs = append(errs, RowError{Line: line, Column: "employee_email", Msg: "employee email " + err.Error()})
			bad = true
		} else {
			row.Employee = e
		}
		if m := field("manager_email"); m != "" {
			if e, err := programme.NormalizeEmail(m); err != nil {
				errs = append(errs, RowError{Line: line, Column: "manager_email", Msg: "manager email " + err.Error()})
				bad = true
			} else {
				row.Manager = e
			}
		}
		if bad {
			continue
		}
		if row.Manager == row.Employee {
			errs = append(errs, RowError{Line: line, Column: "manager_email", Msg: row.Employee + " cannot be their own manager"})
			continue
		}
		k := [2]string{row.Employee, row.Manager}
		if first, dup := seen[k]; dup {
			errs = append(errs, RowError{Line: line, Msg: fmt.Sprintf("repeats line %d", first)})
			continue
		}
		seen[k] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, Errors{{Msg: "The file has a header but no rows."}}
	}
	return rows, nil
}

// OrgExampleCSV is a small org chart to start from.
func OrgExampleCSV() string {
	return "employee_email,manager_email\n" +
		"ceo@example.org,\n" +
		"joao.costa@example.org,ceo@example.org\n" +
		"rui.lopes@example.org,joao.costa@example.org\n" +
		"ana.silva@example.org,rui.lopes@example.org\n"
}
