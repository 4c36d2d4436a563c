package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// eraseFromMatching removes an erased person's address from what matching
// keeps: their pair history (and their address in their partners'), the
// programme's never-pair list, the locks and results of the programme's
// proposals (a result names people; one that named them is deleted, and a
// proposal still under review must be proposed again), and the org chart,
// where their address is replaced by the placeholder so the reporting
// lines through them still hold.
func (s *Store) eraseFromMatching(ctx context.Context, programmeID, email, anon string, now time.Time) error {
	email = strings.ToLower(email)
	var h historyItem
	switch err := s.get(ctx, historyPK(email), "META", &h); {
	case err == nil:
		for _, partner := range h.Partners {
			upd := expression.Delete(expression.Name("partners"), expression.Value(&types.AttributeValueMemberSS{Value: []string{email}}))
			if err := s.update(ctx, historyPK(partner), "META", upd, exists(), ErrNotFound, nil); err != nil && !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("erase history: %w", err)
			}
		}
		if err := s.delete(ctx, historyPK(email), "META"); err != nil {
			return err
		}
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("erase history: %w", err)
	}

	pk := programmePK(programmeID)
	if err := s.deleteAll(ctx, pk, "NEVER#", func(item map[string]types.AttributeValue) bool {
		var n neverPairItem
		return attributevalue.UnmarshalMap(item, &n) == nil && (n.Senior == email || n.Junior == email)
	}); err != nil {
		return fmt.Errorf("erase never-pairs: %w", err)
	}

	props, err := s.ListProposals(ctx, programmeID)
	if err != nil {
		return fmt.Errorf("erase from proposals: %w", err)
	}
	for _, p := range props {
		if err := s.eraseFromProposal(ctx, p, email, now); err != nil {
			return err
		}
	}

	lines, meta, err := s.OrgChartLines(ctx)
	if err != nil {
		return fmt.Errorf("erase from the org chart: %w", err)
	}
	named := false
	for i, l := range lines {
		if l.Employee == email {
			lines[i].Employee, named = anon, true
		}
		if l.Manager == email {
			lines[i].Manager, named = anon, true
		}
	}
	if named {
		if _, err := s.ReplaceOrgChart(ctx, lines, meta); err != nil {
			return fmt.Errorf("erase from the org chart: %w", err)
		}
	}
	return nil
}

func (s *Store) eraseFromProposal(ctx context.Context, p Proposal, email string, now time.Time) error {
	locks := slices.DeleteFunc(slices.Clone(p.Locks), func(l EmailPair) bool { return l.Senior == email || l.Junior == email })
	inResult := false
	if p.Parts > 0 {
		raw, err := s.blobBytes(ctx, programmePK(p.ProgrammeID), proposalBlobSK(p.ID))
		if err != nil {
			return fmt.Errorf("erase from proposal %s: %w", p.ID, err)
		}
		inResult = bytes.Contains(bytes.ToLower(raw), []byte(email))
	}
	if !inResult && len(locks) == len(p.Locks) {
		return nil
	}
	upd := expression.Set(expression.Name("updated_at"), expression.Value(now))
	if len(locks) == 0 {
		upd = upd.Remove(expression.Name("locks"))
	} else {
		upd = upd.Set(expression.Name("locks"), expression.Value(locks))
	}
	if inResult {
		if err := s.deleteBlob(ctx, programmePK(p.ProgrammeID), proposalBlobSK(p.ID)); err != nil {
			return err
		}
		upd = upd.Set(expression.Name("parts"), expression.Value(0))
		if p.Status == ProposalReady || p.Status == ProposalRunning {
			upd = upd.Set(expression.Name("status"), expression.Value(ProposalFailed)).
				Set(expression.Name("error"), expression.Value("A participant's data was erased at their request, so this proposal's result was deleted. Propose again."))
		}
	}
	if err := s.update(ctx, programmePK(p.ProgrammeID), proposalSK(p.ID), upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("erase from proposal %s: %w", p.ID, err)
	}
	return nil
}

// blobBytes reads a blob's decompressed bytes, whatever it holds.
func (s *Store) blobBytes(ctx context.Context, pk, prefix string) ([]byte, error) {
	var parts []blobPart
	err := s.queryPrefix(ctx, pk, prefix, func(item map[string]types.AttributeValue) error {
		var p blobPart
		if err := attributevalue.UnmarshalMap(item, &p); err != nil {
			return err
		}
		parts = append(parts, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].SK < parts[j].SK })
	var all []byte
	for _, p := range parts {
		all = append(all, p.Data...)
	}
	zr, err := gzip.NewReader(bytes.NewReader(all))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
