package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEnvReportsEverythingAtOnce(t *testing.T) {
	e := New(Map(map[string]string{
		"COORDINATORS": "Ann@Example.org, not-an-address, bob@example.org",
		"LIMIT":        "ten",
		"TTL":          "soon",
	}))
	e.Require("TABLE_NAME")
	e.Require("MAIL_DOMAIN")
	got := e.Addresses("COORDINATORS")
	if n := e.Int("LIMIT", 3); n != 3 {
		t.Errorf("Int on bad value = %d, want default 3", n)
	}
	if d := e.Duration("TTL", time.Minute); d != time.Minute {
		t.Errorf("Duration on bad value = %s, want default", d)
	}
	if diff := cmp.Diff([]string{"ann@example.org", "bob@example.org"}, got); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
	err := e.Err()
	if err == nil {
		t.Fatal("Err() = nil, want every problem reported")
	}
	for _, want := range []string{"TABLE_NAME", "MAIL_DOMAIN", `"not-an-address"`, `LIMIT="ten"`, `TTL="soon"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestEnvOptionalDefaults(t *testing.T) {
	e := New(Map(map[string]string{"SET": " value "}))
	tests := []struct{ name, def, want string }{
		{"SET", "d", "value"},
		{"UNSET", "d", "d"},
	}
	for _, tt := range tests {
		if got := e.Optional(tt.name, tt.def); got != tt.want {
			t.Errorf("Optional(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if err := e.Err(); err != nil {
		t.Errorf("Err() = %v, want nil", err)
	}
}
