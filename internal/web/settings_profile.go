package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/files"
	"herd/internal/door"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/session"
)

// profileForm fills settings_profile.html: the account as it is, or as
// the user sent it when it must be corrected.
type profileForm struct {
	settingsPage
	DisplayName, Note                                     string
	Fields                                                []model.Field // always maxProfileFields rows, blank ones to fill
	Locked, Bot, Discoverable, Indexable, HideCollections bool
	Avatar, Header                                        string // the pictures shown now
	HasAvatar, HasHeader                                  bool   // uploaded ones, which may be removed
	Page                                                  string // the public profile
}

// fieldRow is a row of the profile fields' table, numbered from 1.
type fieldRow struct {
	N           int
	Name, Value string
}

// Rows are the fields as the form lists them.
func (f *profileForm) Rows() []fieldRow {
	rows := make([]fieldRow, len(f.Fields))
	for i, field := range f.Fields {
		rows[i] = fieldRow{N: i + 1, Name: field.Name, Value: field.Value}
	}
	return rows
}

// Mastodon's limits, as core enforces them; the form says them too.
const (
	maxProfileFields = 4
	// maxProfileBody bounds the form: an avatar and a header each at the
	// image limit, and the other fields.
	maxProfileBody = 2*media.MaxImageBytes + 1<<20
)

// profileSettings handles GET /settings/profile.
func (h *Handler) profileSettings(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	a := v.Account
	f := &profileForm{DisplayName: a.DisplayName, Note: a.NoteSource, Fields: append([]model.Field(nil), a.Fields...),
		Locked: a.Locked, Bot: a.Bot, Discoverable: a.Discoverable, Indexable: a.Indexable,
		HideCollections: a.HideCollections}
	h.showProfileForm(w, r, v, http.StatusOK, "", f)
	return nil
}

func (h *Handler) showProfileForm(w http.ResponseWriter, r *http.Request, v *model.Viewer, status int, errMsg string, f *profileForm) {
	f.Section = "profile"
	for len(f.Fields) < maxProfileFields {
		f.Fields = append(f.Fields, model.Field{})
	}
	item := h.accountItem(v.Account)
	f.Avatar, f.Header, f.Page = item.Avatar, item.Header, item.Page
	f.HasAvatar, f.HasHeader = v.Account.AvatarKey != "", v.Account.HeaderKey != ""
	h.showSettings(w, r, v, status, "settings_profile", "Edit profile", errMsg, f)
}

// saveProfile handles POST /settings/profile (multipart, for the
// pictures): every field is saved at once through the API's use case, so
// followers' servers hear of the change as after an app's edit. A
// refused change comes back in the form as sent, with the reason (422).
func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	form, err := h.readProfileForm(w, r)
	if err != nil {
		return err
	}
	defer form.close()
	val := form.values
	f := &profileForm{
		DisplayName: val.Get("display_name"), Note: val.Get("note"),
		Locked: val.Get("locked") != "", Bot: val.Get("bot") != "", Discoverable: val.Get("discoverable") != "",
		Indexable: val.Get("indexable") != "", HideCollections: val.Get("hide_collections") != "",
	}
	names, values := val["field_name"], val["field_value"]
	for i := range names {
		field := model.Field{Name: names[i]}
		if i < len(values) {
			field.Value = values[i]
		}
		f.Fields = append(f.Fields, field)
	}
	fields := append([]model.Field(nil), f.Fields...)
	u := core.ProfileUpdate{
		DisplayName: &f.DisplayName, Note: &f.Note, Fields: &fields,
		Locked: &f.Locked, Bot: &f.Bot, Discoverable: &f.Discoverable, Indexable: &f.Indexable,
		HideCollections: &f.HideCollections,
	}
	for name, dst := range map[string]*io.Reader{"avatar": &u.Avatar, "header": &u.Header} {
		if path := form.files[name]; path != "" {
			file, err := os.Open(path)
			if err != nil {
				return err
			}
			defer file.Close()
			*dst = file
		}
	}
	if _, err := h.core.UpdateCredentials(r.Context(), v, u); err != nil {
		if e, ok := fault.As(err); ok && e.Status < 500 {
			h.showProfileForm(w, r, v, e.Status, e.Message, f)
			return nil
		}
		return err
	}
	settingsSaved(w, r, "/settings/profile", "profile")
	return nil
}

// deleteProfilePicture handles POST /settings/profile/{avatar,header}/delete,
// picture naming which: the account shows the default picture again.
func (h *Handler) deleteProfilePicture(picture string) door.Func {
	which := files.ProfileAvatar
	if picture == "header" {
		which = files.ProfileHeader
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		v := h.viewer(r)
		if err := h.readForm(w, r); err != nil {
			return err
		}
		if _, err := h.core.Files.DeleteProfileImage(r.Context(), v, which); err != nil {
			return err
		}
		settingsSaved(w, r, "/settings/profile", picture+"-removed")
		return nil
	}
}

// profileUpload is the profile form as sent: its fields, and the
// pictures spooled to temporary files by input name.
type profileUpload struct {
	values url.Values
	files  map[string]string
}

func (f *profileUpload) close() {
	for _, path := range f.files {
		os.Remove(path)
	}
}

// readProfileForm reads the profile form, multipart or urlencoded, bounded
// by the picture limits, and checks its CSRF token before any picture is
// stored (the token comes first in the form); it fails as readUploadForm.
func (h *Handler) readProfileForm(w http.ResponseWriter, r *http.Request) (*profileUpload, error) {
	f := &profileUpload{values: url.Values{}, files: map[string]string{}}
	tooBig := fmt.Sprintf("That is too large: an avatar or header may be at most %d MB.", media.MaxImageBytes>>20)
	if err := h.readUploadForm(w, r, maxProfileBody, tooBig, &f.values, func() error { return h.readProfileMultipart(r, f) }, f.close); err != nil {
		return nil, err
	}
	return f, nil
}

func (h *Handler) readProfileMultipart(r *http.Request, f *profileUpload) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return err
	}
	fieldBytes := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := part.FormName()
		if (name == "avatar" || name == "header") && part.FileName() != "" {
			r.PostForm = f.values
			if !session.CheckCSRF(r, h.core.BaseURL()) {
				return errFormCSRF
			}
			path, err := spoolPicture(part)
			if err != nil {
				return err
			}
			if path != "" {
				if old := f.files[name]; old != "" {
					os.Remove(old)
				}
				f.files[name] = path
			}
			continue
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return err
		}
		fieldBytes += len(value)
		if len(value) > maxFieldBytes || fieldBytes > maxFieldsBytes {
			return errFormTooLarge
		}
		f.values.Add(name, string(value))
	}
}

// spoolPicture copies a picture to a temporary file, "" for an empty
// part. It keeps one byte past the image limit, so that core refuses a
// picture too large with Mastodon's message rather than reading a part of it.
func spoolPicture(part io.Reader) (string, error) {
	tmp, err := os.CreateTemp("", "herd-picture-*")
	if err != nil {
		return "", err
	}
	n, err := io.Copy(tmp, io.LimitReader(part, media.MaxImageBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil || n == 0 {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
