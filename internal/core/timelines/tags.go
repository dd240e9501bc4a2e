package timelines

import (
	"context"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/text"
)

// tagHistoryDays is how many days of use a Tag entity reports.
const tagHistoryDays = 7

// TagView is a hashtag with its recent daily use, newest day first.
type TagView struct {
	Tag     model.Tag // ID 0 for a valid name no post has used yet
	History []TagDay
}

// TagDay is one day of a tag's use.
type TagDay struct {
	Day      time.Time
	Uses     int64
	Accounts int64
}

// Tag loads a hashtag by name for GET /api/v1/tags/:name. As Mastodon, a
// valid name nobody has used yet is still answered (with no id and no
// use); an invalid name is a 404.
func (s *Service) Tag(ctx context.Context, name string) (*TagView, error) {
	name = strings.TrimPrefix(name, "#")
	if !text.ValidTag(name) {
		return nil, fault.ErrRecordNotFound
	}
	t, err := s.store.TagByName(ctx, text.NormalizeTag(name))
	if err != nil {
		if err := fault.NotFoundOr(err); err != fault.ErrRecordNotFound {
			return nil, err
		}
		return &TagView{Tag: model.Tag{Name: name}, History: emptyHistory(time.Now())}, nil
	}
	views, err := s.tagViews(ctx, []model.Tag{*t})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// SearchTags finds hashtags by name prefix, an exact match first (the
// search area's hashtags).
func (s *Service) SearchTags(ctx context.Context, query string, limit, offset int) ([]*TagView, error) {
	name := text.NormalizeTag(strings.TrimPrefix(query, "#"))
	if name == "" {
		return []*TagView{}, nil
	}
	tags, err := s.store.SearchTags(ctx, name, limit, offset)
	if err != nil {
		return nil, err
	}
	// SearchTags orders by length, so an exact match is already first.
	return s.tagViews(ctx, tags)
}

// tagViews adds a week of daily use to tags, in one query.
func (s *Service) tagViews(ctx context.Context, tags []model.Tag) ([]*TagView, error) {
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)
	tagIDs := make([]int64, 0, len(tags))
	for _, t := range tags {
		tagIDs = append(tagIDs, t.ID)
	}
	usage, err := s.store.TagUsage(ctx, tagIDs, today.AddDate(0, 0, -(tagHistoryDays-1)))
	if err != nil {
		return nil, err
	}
	out := make([]*TagView, 0, len(tags))
	for _, t := range tags {
		tv := &TagView{Tag: t, History: emptyHistory(now)}
		for _, d := range usage[t.ID] {
			if i := int(today.Sub(d.Day) / (24 * time.Hour)); i >= 0 && i < len(tv.History) {
				tv.History[i].Uses, tv.History[i].Accounts = d.Uses, d.Accounts
			}
		}
		out = append(out, tv)
	}
	return out, nil
}

// emptyHistory is a week of days with no use, today first, as Mastodon
// reports a tag's history.
func emptyHistory(now time.Time) []TagDay {
	today := now.UTC().Truncate(24 * time.Hour)
	out := make([]TagDay, tagHistoryDays)
	for i := range out {
		out[i].Day = today.AddDate(0, 0, -i)
	}
	return out
}
