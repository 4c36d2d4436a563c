package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Email is one message as aws-ses-v2-local keeps it in its store.
type Email struct {
	MessageID   string   `json:"messageId"`
	From        string   `json:"from"`
	ReplyTo     []string `json:"replyTo"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
	Attachments []struct {
		Filename    string `json:"filename"`
		ContentType string `json:"contentType"`
		Content     string `json:"content"` // base64
	} `json:"attachments"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	At int64 `json:"at"`
}

// Header returns the first value of a header set on the email.
func (e Email) Header(name string) string {
	for _, h := range e.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// To reports whether addr is among the email's To addresses.
func (e Email) SentTo(addr string) bool {
	for _, a := range e.Destination.To {
		if strings.EqualFold(a, addr) || strings.HasSuffix(strings.ToLower(a), "<"+strings.ToLower(addr)+">") {
			return true
		}
	}
	return false
}

// Emails reads every email aws-ses-v2-local has accepted, oldest first.
func Emails(ctx context.Context, sesURL string) ([]Email, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sesURL+"/store", nil)
	if err != nil {
		return nil, fmt.Errorf("ses store: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ses store: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ses store: %s", resp.Status)
	}
	var body struct {
		Emails []Email `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("ses store: decode: %w", err)
	}
	return body.Emails, nil
}
