package core

import "context"

// CountFollowRequests counts the follow requests waiting for the viewer.
func (c *Core) CountFollowRequests(ctx context.Context, v *Viewer) (int64, error) {
	return c.Store.CountFollowRequests(ctx, v.AccountID())
}
