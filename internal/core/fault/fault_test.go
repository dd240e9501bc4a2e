package fault

import (
	"errors"
	"fmt"
	"testing"

	"herd/internal/model"
)

func TestNotFoundOr(t *testing.T) {
	if err := NotFoundOr(fmt.Errorf("load: %w", model.ErrNotFound)); err != ErrRecordNotFound {
		t.Errorf("a wrapped model.ErrNotFound = %v, want ErrRecordNotFound", err)
	}
	other := errors.New("disk on fire")
	if err := NotFoundOr(other); err != other {
		t.Errorf("another error = %v, want it passed through", err)
	}
}

func TestAsKeepsStatusAndHidesCause(t *testing.T) {
	err := fmt.Errorf("posting: %w", &Error{Status: 422, Message: "Validation failed", Cause: errors.New("secret")})
	e, ok := As(err)
	if !ok || e.Status != 422 || e.Message != "Validation failed" {
		t.Fatalf("As = %+v, %v", e, ok)
	}
	if _, ok := As(errors.New("plain")); ok {
		t.Error("As found an Error in a plain error")
	}
}
