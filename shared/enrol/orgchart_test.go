package enrol

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestParseOrgChart(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []OrgRow
		wantErrs Errors
	}{
		{name: "commas", in: "employee_email,manager_email\nana@example.org,rui@example.org\nrui@example.org,\n",
			want: []OrgRow{{Line: 2, Employee: "ana@example.org", Manager: "rui@example.org"}, {Line: 3, Employee: "rui@example.org"}}},
		{name: "byte order mark, semicolons and other columns", in: "\xEF\xBB\xBFname;email;manager\nAna;ANA@example.org;rui@example.org\n",
			want: []OrgRow{{Line: 2, Employee: "ana@example.org", Manager: "rui@example.org"}}},
		{name: "blank lines are skipped", in: "employee_email,manager_email\n\n,\nana@example.org,rui@example.org\n",
			want: []OrgRow{{Line: 4, Employee: "ana@example.org", Manager: "rui@example.org"}}},
		{name: "UTF-16", in: "\xFF\xFEe\x00", wantErrs: Errors{{Msg: "The file is saved as UTF-16. Save it as \"CSV UTF-8\" and upload it again."}}},
		{name: "empty", in: " \n\n", wantErrs: Errors{{Msg: "The file is empty."}}},
		{name: "not UTF-8 on line 3", in: "employee_email,manager_email\nana@example.org,\nbad\xff@example.org,\n",
			wantErrs: Errors{{Line: 3, Msg: "this line is not UTF-8 text. Save the file as \"CSV UTF-8\" and upload it again."}}},
		{name: "missing column", in: "employee_email\nana@example.org\n",
			wantErrs: Errors{{Line: 1, Column: "manager_email", Msg: "required column manager_email is missing"}}},
		{name: "every bad row", in: "employee_email,manager_email\nnot-an-address,\nana@example.org,ana@example.org\nrui@example.org,\nrui@example.org,\n",
			wantErrs: Errors{
				{Line: 2, Column: "employee_email", Msg: "employee email " + mustNormErr(t, "not-an-address")},
				{Line: 3, Column: "manager_email", Msg: "ana@example.org cannot be their own manager"},
				{Line: 5, Msg: "repeats line 4"},
			}},
		{name: "header only", in: "employee_email,manager_email\n", wantErrs: Errors{{Msg: "The file has a header but no rows."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte per read: the parse must not depend on how the body
			// arrives (an S3 body comes in pieces).
			got, err := ParseOrgChart(iotest.OneByteReader(strings.NewReader(tt.in)))
			var errs Errors
			errors.As(err, &errs)
			if tt.wantErrs == nil && err != nil {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tt.wantErrs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func mustNormErr(t *testing.T, addr string) string {
	t.Helper()
	_, err := ParseOrgChart(strings.NewReader("employee_email,manager_email\n" + addr + ",\n"))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("%q: err = %v", addr, err)
	}
	return strings.TrimPrefix(errs[0].Msg, "employee email ")
}

// A file over the limit is refused as too large, not as the broken last
// line its truncation leaves, and without being read into memory.
func TestParseOrgChartRejectsOversizedFile(t *testing.T) {
	// Rows long enough that the file reaches the byte limit before the
	// row limit.
	row := "someone@example.org,manager@example.org," + strings.Repeat("x", 300) + "\n"
	big := io.MultiReader(strings.NewReader("employee_email,manager_email,notes\n"),
		io.LimitReader(repeatReader(row), OrgMaxBytes))
	_, err := ParseOrgChart(big)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

type repeatReader string

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}

// Progress is reported by line of the file, every so many lines.
func TestParseOrgChartReportsProgress(t *testing.T) {
	in := "employee_email,manager_email\na@example.org,\nb@example.org,a@example.org\nc@example.org,a@example.org\nd@example.org,a@example.org\n"
	var got []int
	rows, err := ParseOrgChartProgress(strings.NewReader(in), 2, func(n int) { got = append(got, n) })
	if err != nil || len(rows) != 4 {
		t.Fatalf("rows = %d, err = %v", len(rows), err)
	}
	if diff := cmp.Diff([]int{2, 4}, got); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

// A body that stops arriving is an error to retry, not a problem with the
// file's rows.
func TestParseOrgChartTellsAReadErrorFromABadFile(t *testing.T) {
	for _, at := range []int{10, 60} { // in the header, in the rows
		in := "employee_email,manager_email\nana@example.org,rui@example.org\nrui@example.org,\n"
		r := io.MultiReader(strings.NewReader(in[:at]), iotest.ErrReader(errors.New("connection reset")))
		_, err := ParseOrgChart(r)
		var errs Errors
		if err == nil || errors.As(err, &errs) || !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("cut at %d: err = %v, want the read error, not row errors", at, err)
		}
	}
}
