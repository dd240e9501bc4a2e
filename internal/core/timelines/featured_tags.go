package timelines

import (
	"context"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// FeaturedTags lists the hashtags an account features on its profile:
// none yet, since Herd cannot feature tags; a missing account is still a
// 404, as in Mastodon.
func (s *Service) FeaturedTags(ctx context.Context, accountID int64) ([]model.Tag, error) {
	if _, err := s.store.AccountByID(ctx, accountID); err != nil {
		return nil, fault.NotFoundOr(err)
	}
	return []model.Tag{}, nil
}
