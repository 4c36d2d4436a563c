package store

import (
	"context"
	"fmt"
	"time"
)

const typeNote = "note"

// Note is a personal note a coordinator wrote to a participant. It is the
// coordinator's text, sent by email; replies go to the coordinator directly.
type Note struct {
	ProgrammeID   string `dynamodbav:"programme_id"`
	ParticipantID string `dynamodbav:"participant_id"`
	// PairID is the pair the note is about, if any.
	PairID    string    `dynamodbav:"pair_id,omitempty"`
	ID        string    `dynamodbav:"id"`
	From      string    `dynamodbav:"from"` // the coordinator's address
	Text      string    `dynamodbav:"text"`
	CreatedAt time.Time `dynamodbav:"created_at"`
}

type noteItem struct {
	keys
	Note
}

func noteSK(participantID, id string) string { return "NOTE#" + participantID + "#" + id }

// PutNote records a note once: a second put of the same id returns
// ErrConflict and leaves the first.
func (s *Store) PutNote(ctx context.Context, n Note) error {
	it := noteItem{keys: keys{PK: programmePK(n.ProgrammeID), SK: noteSK(n.ParticipantID, n.ID), Type: typeNote}, Note: n}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("record note: %w", err)
	}
	return nil
}

// GetNote reads a note to send it.
func (s *Store) GetNote(ctx context.Context, programmeID, participantID, id string) (Note, error) {
	var it noteItem
	if err := s.get(ctx, programmePK(programmeID), noteSK(participantID, id), &it); err != nil {
		return Note{}, fmt.Errorf("note %s: %w", id, err)
	}
	return it.Note, nil
}

// ListNotes returns the coordinators' notes to one participant (for their
// data export).
func (s *Store) ListNotes(ctx context.Context, programmeID, participantID string) ([]Note, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "NOTE#"+participantID+"#", "note", func(it noteItem) Note { return it.Note })
	if err != nil {
		return nil, fmt.Errorf("notes to %s: %w", participantID, err)
	}
	return out, nil
}
