package devstack

import "testing"

func TestSafeBackStaysOnThisSite(t *testing.T) {
	tests := []struct{ back, want string }{
		{"/programmes/abc", "/programmes/abc"},
		{"/programmes/abc/attention", "/programmes/abc/attention"},
		{"/programmes?notice=x", "/programmes?notice=x"},
		{"", "/programmes"},
		{"programmes", "/programmes"},
		{"//evil.example/x", "/programmes"},
		{"///evil.example", "/programmes"},
		{`/\evil.example`, "/programmes"},
		{`\\evil.example`, "/programmes"},
		{`/programmes\..\x`, "/programmes"},
		{"http://evil.example/", "/programmes"},
		{"https:evil.example", "/programmes"},
		{"javascript:alert(1)", "/programmes"},
		{"/\t/evil.example", "/programmes"},
		{"/\n/evil.example", "/programmes"},
		{"/%2F%2Fevil.example", "/programmes"},
	}
	for _, tt := range tests {
		if got := safeBack(tt.back); got != tt.want {
			t.Errorf("safeBack(%q) = %q, want %q", tt.back, got, tt.want)
		}
	}
}
