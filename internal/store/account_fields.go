package store

import (
	"context"
	"encoding/json"

	"herd/internal/model"
)

// UpdateAccountFields saves an account's profile fields alone, as link
// verification marks them verified.
func (s *Store) UpdateAccountFields(ctx context.Context, id int64, fields []model.Field) error {
	raw, err := json.Marshal(fieldsOrEmpty(fields))
	if err != nil {
		return err
	}
	_, err = s.q.ExecContext(ctx, "UPDATE accounts SET fields = $2 WHERE id = $1", id, string(raw))
	return err
}
