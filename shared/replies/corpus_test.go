package replies

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// expectation is a corpus message's sidecar: what Upward must record.
// met, rating and command are always checked (null means "not said");
// join and topics in the welcome context; free_text and bounce when given.
type expectation struct {
	Context    Context  `json:"context"`
	Vocabulary []string `json:"vocabulary,omitempty"`
	Kind       Kind     `json:"kind"`
	Text       string   `json:"text"`
	Met        *bool    `json:"met"`
	Rating     *int     `json:"rating"`
	Command    *Command `json:"command"`
	Join       *bool    `json:"join,omitempty"`
	Topics     []string `json:"topics,omitempty"`
	FreeText   *string  `json:"free_text,omitempty"`
	Story      *string  `json:"story,omitempty"`
	Thanks     *string  `json:"thanks,omitempty"`
	Bounce     *Bounce  `json:"bounce,omitempty"`
	// Provenance says how the message was made: which program, version
	// and settings, and how it was driven, or which client a hand-written
	// message is modelled on. Not compared.
	Provenance string `json:"provenance"`
}

type corpusMessage struct {
	name string
	raw  []byte
	want expectation
}

func loadCorpus(t testing.TB) []corpusMessage {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	// Three times the 81 messages the corpus had before issue 12.
	if len(paths) < 243 {
		t.Fatalf("corpus has %d messages, want at least 243", len(paths))
	}
	var out []corpusMessage
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		side, err := os.ReadFile(strings.TrimSuffix(p, ".eml") + ".json")
		if err != nil {
			t.Fatalf("%s has no sidecar: %v", p, err)
		}
		var want expectation
		if err := json.Unmarshal(side, &want); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, corpusMessage{name: strings.TrimSuffix(filepath.Base(p), ".eml"), raw: raw, want: want})
	}
	return out
}

// understood runs the whole path on one message and returns it in the
// sidecar's shape.
func understood(t testing.TB, raw []byte, want expectation) expectation {
	msg, err := Parse(raw, DefaultLimits)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	got := expectation{Context: want.Context, Vocabulary: want.Vocabulary, Kind: msg.Kind, Text: msg.TrimmedText()}
	if msg.Kind == KindReply {
		a := Understand(got.Text, Options{Context: want.Context, Topics: want.Vocabulary})
		got.Met, got.Rating = a.Met, a.Rating
		if a.Command != "" {
			got.Command = &a.Command
		}
		if want.Context == Welcome {
			got.Join, got.Topics = a.Join, a.Topics
		}
		if want.FreeText != nil {
			got.FreeText = &a.FreeText
		}
		if want.Story != nil {
			got.Story = &a.Story
		}
		if want.Thanks != nil {
			got.Thanks = &a.Thanks
		}
	}
	if want.Bounce != nil {
		got.Bounce = msg.Bounce
	}
	return got
}

func TestCorpus(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.name, func(t *testing.T) {
			got := understood(t, c.raw, c.want)
			got.Provenance = c.want.Provenance
			if c.want.Provenance == "" {
				t.Error("no provenance: say which program made it, or which client it is modelled on")
			}
			opts := cmp.Options{cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Bounce{}, "Action", "Diagnostic")}
			if diff := cmp.Diff(c.want, got, opts); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCorpusHeaders checks the envelope fields the inbound handler relies
// on, over every corpus message.
func TestCorpusHeaders(t *testing.T) {
	for _, c := range loadCorpus(t) {
		msg, err := Parse(c.raw, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !strings.Contains(msg.From, "@") || msg.MessageID == "" || msg.Date.IsZero() || msg.Subject == "" {
			t.Errorf("%s: from %q, message id %q, date %v, subject %q", c.name, msg.From, msg.MessageID, msg.Date, msg.Subject)
		}
		if len(msg.To) == 0 || !strings.Contains(strings.Join(msg.To, ","), "upward.example") {
			t.Errorf("%s: to %q does not name Upward's reply address", c.name, msg.To)
		}
		if msg.Kind == KindReply && !strings.HasSuffix(msg.InReplyTo, ".ann@upward.example") {
			t.Errorf("%s: in-reply-to %q", c.name, msg.InReplyTo)
		}
	}
}

// TestCorpusTrimAccuracy prints the share of corpus replies whose trimmed
// text is exactly what the person wrote, overall and by how the message
// was made (a real terminal or graphical client run here, hand-written,
// or the first corpus):
//
//	go test -run TestCorpusTrimAccuracy -v ./shared/replies
//
// TestCorpus holds every message to its expectation; this is the figure
// to compare across versions of the trimmer.
func TestCorpusTrimAccuracy(t *testing.T) {
	type tally struct{ right, all int }
	by := map[string]*tally{}
	add := func(group string, ok bool) {
		if by[group] == nil {
			by[group] = &tally{}
		}
		by[group].all++
		if ok {
			by[group].right++
		}
	}
	for _, c := range loadCorpus(t) {
		if c.want.Kind != KindReply {
			continue
		}
		msg, err := Parse(c.raw, DefaultLimits)
		ok := err == nil && msg.TrimmedText() == c.want.Text
		group := "first corpus"
		switch {
		case strings.HasPrefix(c.want.Provenance, "real client") && strings.Contains(c.want.Provenance, "Xvfb"):
			group = "real GUI"
		case strings.HasPrefix(c.want.Provenance, "real client"):
			group = "real terminal"
		case strings.HasPrefix(c.name, "hw_"):
			group = "hand-written"
		}
		add(group, ok)
		add("all", ok)
	}
	for _, g := range []string{"real terminal", "real GUI", "hand-written", "first corpus", "all"} {
		if v := by[g]; v != nil {
			t.Logf("%-13s %3d/%3d replies trimmed exactly right (%.1f %%)", g, v.right, v.all, 100*float64(v.right)/float64(v.all))
		}
	}
}
