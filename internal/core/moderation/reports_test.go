package moderation

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"herd/internal/core/fault"
	"herd/internal/model"
)

func TestUniqueIDsKeepsFirstOfEach(t *testing.T) {
	if got := uniqueIDs([]int64{3, 1, 3, 2, 1}); !slices.Equal(got, []int64{3, 1, 2}) {
		t.Fatalf("uniqueIDs = %v, want [3 1 2]", got)
	}
}

// TestReportRefusedBeforeWriting: a bad category or a comment over 1,000
// characters is a 422 before anything is stored (the store is nil here).
func TestReportRefusedBeforeWriting(t *testing.T) {
	s := New(Deps{Account: func(context.Context, int64) (*model.Account, error) {
		return &model.Account{ID: 2}, nil
	}})
	v := &model.Viewer{Account: &model.Account{ID: 1}}
	for _, req := range []ReportRequest{
		{AccountID: 2, Category: "gossip"},
		{AccountID: 2, Comment: strings.Repeat("x", maxReportComment+1)},
	} {
		_, _, err := s.Report(context.Background(), v, req)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Status != 422 {
			t.Errorf("Report(%+v) = %v, want a 422", req.Category, err)
		}
	}
}
