package web

import (
	"io"
	"net/http"
)

// inboxForm lets a developer record a reply without a mail client: upload
// an .eml (a reply saved from the email viewer, edited) and it is handled as
// if SES had received it.
func (s *Server) inboxForm(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusOK, messageData{
		Heading: "Receive a reply (local only)",
		Paragraphs: []string{
			"Upload a raw email (.eml) addressed to a reply address; it is recorded exactly as a reply received by SES would be. You can also send it to the local SMTP server that `upward dev` prints.",
		},
		Upload: true,
	})
}

func (s *Server) inboxUpload(w http.ResponseWriter, r *http.Request) {
	file, _, err := r.FormFile("file")
	if err != nil {
		s.message(w, r, http.StatusBadRequest, messageData{Heading: "Nothing was received", Paragraphs: []string{"Choose an .eml file to upload."}, Upload: true})
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, maxUploadBody))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	outcome, err := s.cfg.DevInbox.ReceiveUpload(r.Context(), raw)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.message(w, r, http.StatusOK, messageData{Heading: "Reply received", Paragraphs: []string{"Outcome: " + outcome}, Upload: true})
}
