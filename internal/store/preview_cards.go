package store

import (
	"context"
	"database/sql"

	"herd/internal/ids"
	"herd/internal/model"
)

const previewCardColumns = `c.id, c.url, c.title, c.description, c.type, c.author_name, c.author_url, c.provider_name,
	c.provider_url, c.html, c.width, c.height, c.image_url, c.embed_url, c.blurhash, c.language, c.published_at, c.fetched_at,
	c.image_key`

func scanPreviewCard(row interface{ Scan(...any) error }, extra ...any) (*model.PreviewCard, error) {
	var c model.PreviewCard
	var published sql.NullInt64
	var fetched int64
	dest := append(extra, &c.ID, &c.URL, &c.Title, &c.Description, &c.Type, &c.AuthorName, &c.AuthorURL, &c.ProviderName,
		&c.ProviderURL, &c.HTML, &c.Width, &c.Height, &c.ImageURL, &c.EmbedURL, &c.Blurhash, &c.Language, &published, &fetched,
		&c.ImageKey)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.PublishedAt, c.FetchedAt = fromNullMS(published), fromMS(fetched)
	return &c, nil
}

// PreviewCardByURL returns the stored card of a URL, or model.ErrNotFound.
func (s *Store) PreviewCardByURL(ctx context.Context, url string) (*model.PreviewCard, error) {
	c, err := scanPreviewCard(s.q.QueryRowContext(ctx, "SELECT "+previewCardColumns+" FROM preview_cards c WHERE c.url = $1", url))
	return c, notFound(err)
}

// SavePreviewCard stores the card of c.URL, replacing an older fetch of
// the same URL (the row keeps its id, so statuses linking it see the new
// metadata), and sets c.ID.
func (s *Store) SavePreviewCard(ctx context.Context, c *model.PreviewCard) error {
	if c.ID == 0 {
		c.ID = ids.New()
	}
	err := s.q.QueryRowContext(ctx, `INSERT INTO preview_cards (id, url, title, description, type, author_name, author_url,
		provider_name, provider_url, html, width, height, image_url, embed_url, blurhash, language, published_at, fetched_at, created_at,
		image_key)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$18,$19)
		ON CONFLICT (url) DO UPDATE SET title = excluded.title, description = excluded.description, type = excluded.type,
		author_name = excluded.author_name, author_url = excluded.author_url, provider_name = excluded.provider_name,
		provider_url = excluded.provider_url, html = excluded.html, width = excluded.width, height = excluded.height,
		image_url = excluded.image_url, embed_url = excluded.embed_url, blurhash = excluded.blurhash,
		language = excluded.language, published_at = excluded.published_at, fetched_at = excluded.fetched_at,
		image_key = excluded.image_key
		RETURNING id`,
		c.ID, c.URL, c.Title, c.Description, c.Type, c.AuthorName, c.AuthorURL, c.ProviderName, c.ProviderURL, c.HTML,
		c.Width, c.Height, c.ImageURL, c.EmbedURL, c.Blurhash, c.Language, nullMS(c.PublishedAt), ms(c.FetchedAt),
		c.ImageKey).Scan(&c.ID)
	return err
}

// SetPreviewCardImage records the stored copy of a card's image, unless
// the card has one already (a fetch of the page got there first); it says
// whether it did.
func (s *Store) SetPreviewCardImage(ctx context.Context, id int64, key, blurhash string) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, `UPDATE preview_cards SET image_key = $2, blurhash = $3
		WHERE id = $1 AND image_key = ''`, id, key, blurhash))
	return n > 0, err
}

// LinkStatusCard makes cardID the card of a status (replacing any other).
func (s *Store) LinkStatusCard(ctx context.Context, statusID, cardID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO status_cards (status_id, card_id) VALUES ($1, $2)
		ON CONFLICT (status_id) DO UPDATE SET card_id = excluded.card_id`, statusID, cardID)
	return err
}

// UnlinkStatusCard takes a status's card away (its link was edited out).
func (s *Store) UnlinkStatusCard(ctx context.Context, statusID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM status_cards WHERE status_id = $1", statusID)
	return err
}

// StatusIDsOfCard lists the statuses showing a card (to drop them from
// caches after a refresh), at most limit of them, newest first.
func (s *Store) StatusIDsOfCard(ctx context.Context, cardID int64, limit int) ([]int64, error) {
	return scanIDs(s.q.QueryContext(ctx, "SELECT status_id FROM status_cards WHERE card_id = $1 ORDER BY status_id DESC LIMIT $2",
		cardID, limit))
}

var previewCardsByStatusIDsQuery = dialectQuery(func(in func(col, param string) string) string {
	return "SELECT sc.status_id, " + previewCardColumns + " FROM status_cards sc JOIN preview_cards c ON c.id = sc.card_id WHERE " +
		in("sc.status_id", "$1")
})

// PreviewCardsByStatusIDs loads the cards of statuses in one query; a
// status without a card is absent.
func (s *Store) PreviewCardsByStatusIDs(ctx context.Context, statusIDs []int64) (map[int64]*model.PreviewCard, error) {
	out := map[int64]*model.PreviewCard{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, previewCardsByStatusIDsQuery(s), s.Dialect().IDs(statusIDs))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		c, err := scanPreviewCard(rows, &sid)
		if err != nil {
			return nil, err
		}
		out[sid] = c
	}
	return out, rows.Err()
}
