package localstack

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type secret struct{ name, value string }

// Secrets is a local stand-in for the one Secrets Manager call Upward
// makes, GetSecretValue, over the same JSON protocol, so the production
// path (config.Signer through the real SDK client) runs locally. No
// Secrets Manager emulator is served by the registries this project uses;
// the protocol of one read is small enough to answer here.
type Secrets struct {
	URL string

	mu      sync.Mutex
	secrets map[string]secret // by name and by ARN
	srv     *http.Server
}

// SecretARN is the ARN a secret of this name has in the stand-in, in the
// shape Secrets Manager gives it.
func SecretARN(name string) string {
	return "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + name + "-local"
}

// StartSecrets serves the stand-in on 127.0.0.1 (port 0: any free port).
func StartSecrets(port int) (*Secrets, error) {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, fmt.Errorf("secrets stand-in: %w", err)
	}
	s := &Secrets{URL: "http://" + l.Addr().String(), secrets: map[string]secret{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Put stores a secret's value under its name (and its ARN) and returns the
// ARN.
func (s *Secrets) Put(name, value string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := SecretARN(name)
	s.secrets[name] = secret{name, value}
	s.secrets[arn] = secret{name, value}
	return arn
}

// Close stops the stand-in.
func (s *Secrets) Close() {
	if s != nil && s.srv != nil {
		_ = s.srv.Close()
	}
}

func (s *Secrets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost || target != "secretsmanager.GetSecretValue" {
		awsJSONError(w, http.StatusBadRequest, "InvalidRequestException", "the local stand-in answers GetSecretValue only, not "+target)
		return
	}
	var in struct {
		SecretID     string `json:"SecretId"`
		VersionID    string `json:"VersionId"`
		VersionStage string `json:"VersionStage"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil {
		awsJSONError(w, http.StatusBadRequest, "InvalidRequestException", "unreadable request: "+err.Error())
		return
	}
	if in.VersionStage != "" && in.VersionStage != "AWSCURRENT" || in.VersionID != "" {
		awsJSONError(w, http.StatusBadRequest, "ResourceNotFoundException", "the local stand-in keeps only the current version")
		return
	}
	s.mu.Lock()
	sec, ok := s.secrets[in.SecretID]
	s.mu.Unlock()
	if !ok {
		awsJSONError(w, http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ARN": SecretARN(sec.name), "Name": sec.name, "SecretString": sec.value, "VersionId": "local-current",
		"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": float64(time.Now().Unix()),
	})
}

func awsJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}
