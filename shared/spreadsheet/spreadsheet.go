// Package spreadsheet writes CSV files that spreadsheet programs open as
// data: no cell a coordinator opens can run as a formula, whatever a name
// or a free-text answer holds and whichever separator the reader's locale
// uses (a comma, or a semicolon where the comma is the decimal mark, or a
// tab or a bar when a person picks one on import).
package spreadsheet

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// separators are those a spreadsheet may split a line on.
const separators = ",;\t|"

// triggers start a formula (= + - @), or let a cell that starts with them
// be read as one once the spreadsheet trims it (tab, carriage return).
const triggers = "=+-@\t\r"

// Cell defuses a value: a leading formula character, after any spaces,
// gets a single quote in front, which spreadsheets read as "this is text";
// so does one that follows a separator, in case a reader splits the cell
// there against the quoting. A plain number (-3, +1.5) is left alone: it
// is read as a number, which runs nothing.
func Cell(s string) string {
	if s == "" || isNumber(s) {
		return s
	}
	var b strings.Builder
	start := true // at the start of the cell or of a piece a separator begins
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start && c != ' ' && strings.IndexByte(triggers, c) >= 0 {
			b.WriteByte('\'')
		}
		b.WriteByte(c)
		switch {
		case strings.IndexByte(separators, c) >= 0:
			start = true
		case c != ' ':
			start = false
		}
	}
	return b.String()
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXpP_") && !strings.EqualFold(strings.TrimLeft(s, "+-"), "inf") &&
		!strings.EqualFold(strings.TrimLeft(s, "+-"), "infinity") && !strings.EqualFold(strings.TrimLeft(s, "+-"), "nan")
}

// Writer writes rows of cells as CSV (RFC 4180), each cell defused with
// Cell. A cell holding any separator, a quote, a line break or edge spaces
// is quoted, so every reader keeps it one cell.
type Writer struct {
	w *bufio.Writer
	// UseCRLF ends lines with \r\n, as spreadsheets on Windows expect.
	UseCRLF bool
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Write writes one row.
func (w *Writer) Write(row []string) error {
	for i, cell := range row {
		if i > 0 {
			w.w.WriteByte(',')
		}
		cell = Cell(cell)
		if !needsQuotes(cell) {
			w.w.WriteString(cell)
			continue
		}
		// Line breaks inside a cell are kept as the file's own; a lone
		// carriage return means nothing in a cell and is dropped.
		cell = strings.ReplaceAll(strings.ReplaceAll(cell, "\r\n", "\n"), "\r", "")
		if w.UseCRLF {
			cell = strings.ReplaceAll(cell, "\n", "\r\n")
		}
		w.w.WriteByte('"')
		w.w.WriteString(strings.ReplaceAll(cell, `"`, `""`))
		w.w.WriteByte('"')
	}
	if w.UseCRLF {
		_, err := w.w.WriteString("\r\n")
		return err
	}
	return w.w.WriteByte('\n')
}

func needsQuotes(s string) bool {
	return strings.ContainsAny(s, separators+"\"\r\n") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ")
}

// Flush writes what is buffered and reports any error of the writes.
func (w *Writer) Flush() error { return w.w.Flush() }
