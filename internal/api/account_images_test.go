package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// patchProfile sends update_credentials as a multipart form, as apps
// upload pictures: files by field name, and text fields.
func patchProfile(t *testing.T, inst *testrig.Instance, token string, files map[string][]byte, fields map[string]string) *testrig.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, data := range files {
		fw, err := mw.CreateFormFile(name, name+".jpg") // names and types are not trusted
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("PATCH", inst.URL+"/api/v1/accounts/update_credentials", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw.Bytes()}
}

// dataURI is a file as go-mastodon's Base64Encode sends it.
func dataURI(b []byte) string {
	return "data:" + http.DetectContentType(b) + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// servedImageSize fetches a picture's URL from the instance and decodes it.
func servedImageSize(t *testing.T, inst *testrig.Instance, url string) (int, int) {
	t.Helper()
	r := fetch(t, inst, url, nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "image/") {
		t.Fatalf("GET %s = %d %s", url, r.Status, r.Header.Get("Content-Type"))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return cfg.Width, cfg.Height
}

// actorImages are the icon and image URLs of a local actor document ("" when absent).
func actorImages(t *testing.T, inst *testrig.Instance, name string) (icon, img string) {
	t.Helper()
	req, _ := http.NewRequest("GET", inst.URL+"/users/"+name, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Icon, Image *struct{ Type, MediaType, URL string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Icon != nil {
		icon = doc.Icon.URL
	}
	if doc.Image != nil {
		img = doc.Image.URL
	}
	return icon, img
}

func TestAvatarAndHeaderUpload(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		client := inst.Client(alice.Token)
		if icon, img := actorImages(t, inst, "alice"); icon != "" || img != "" {
			t.Fatalf("actor without pictures has icon %q, image %q", icon, img)
		}

		// Through the client library: pictures sent as data: URIs.
		got, err := client.AccountUpdate(ctx, &mastodon.Profile{
			Avatar: dataURI(mediatest.JPEGWithEXIF(1200, 800, 1)),
			Header: dataURI(mediatest.PNG(3000, 3000)),
		})
		if err != nil {
			t.Fatal(err)
		}
		media := inst.URL + "/system/"
		if !strings.HasPrefix(got.Avatar, media+"avatars/") || got.AvatarStatic != got.Avatar ||
			!strings.HasPrefix(got.Header, media+"headers/") || got.HeaderStatic != got.Header {
			t.Fatalf("avatar %q (static %q), header %q (static %q)", got.Avatar, got.AvatarStatic, got.Header, got.HeaderStatic)
		}
		if w, h := servedImageSize(t, inst, got.Avatar); w != 400 || h != 400 {
			t.Errorf("avatar served %dx%d, want 400x400", w, h)
		}
		if w, h := servedImageSize(t, inst, got.Header); w != 1500 || h != 500 {
			t.Errorf("header served %dx%d, want 1500x500", w, h)
		}
		if n := mediaFiles(t, inst); n != 2 {
			t.Errorf("%d files stored, want 2", n)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil)
		apischema.MustMatch(t, "CredentialAccount", r.Body)
		pub, err := client.GetAccount(ctx, got.ID)
		if err != nil || pub.Avatar != got.Avatar || pub.Header != got.Header {
			t.Fatalf("public account %+v, %v", pub, err)
		}
		if icon, img := actorImages(t, inst, "alice"); icon != got.Avatar || img != got.Header {
			t.Errorf("actor icon %q image %q, want %q %q", icon, img, got.Avatar, got.Header)
		}

		// A new avatar by multipart: a new file, the old one gone, the
		// header kept.
		r = patchProfile(t, inst, alice.Token, map[string][]byte{"avatar": mediatest.PNG(300, 500)}, nil)
		if r.Status != 200 {
			t.Fatalf("multipart avatar: %d %s", r.Status, r.Body)
		}
		apischema.MustMatch(t, "CredentialAccount", r.Body)
		var ent struct{ Avatar, Header string }
		r.JSON(t, &ent)
		if ent.Avatar == got.Avatar || ent.Header != got.Header {
			t.Fatalf("after a new avatar: %+v (before %q, %q)", ent, got.Avatar, got.Header)
		}
		if w, h := servedImageSize(t, inst, ent.Avatar); w != 300 || h != 300 {
			t.Errorf("small avatar served %dx%d, want 300x300 (cropped, not scaled up)", w, h)
		}
		if old := fetch(t, inst, got.Avatar, nil); old.Status != 404 {
			t.Errorf("replaced avatar still served: %d", old.Status)
		}
		if n := mediaFiles(t, inst); n != 2 {
			t.Errorf("%d files stored after replacing the avatar, want 2", n)
		}
		if icon, _ := actorImages(t, inst, "alice"); icon != ent.Avatar {
			t.Errorf("actor icon %q, want the new avatar %q", icon, ent.Avatar)
		}

		// A suspended account shows the default pictures, as in Mastodon.
		if err := inst.Core.Accounts.SuspendAccount(ctx, alice.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/accounts/"+string(got.ID), "", nil)
		r.JSON(t, &ent)
		if ent.Avatar != inst.URL+"/avatars/original/missing.png" || ent.Header != inst.URL+"/headers/original/missing.png" {
			t.Errorf("suspended account shows %+v", ent)
		}
	})
}

func TestAvatarRefusesHostileFiles(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		r := patchProfile(t, inst, alice.Token, map[string][]byte{"avatar": mediatest.PNG(50, 50)}, nil)
		if r.Status != 200 {
			t.Fatalf("avatar: %d %s", r.Status, r.Body)
		}
		before := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Body

		for _, tc := range []struct {
			name  string
			files map[string][]byte
			msg   string
		}{
			{"pixel bomb", map[string][]byte{"avatar": mediatest.PixelBomb()},
				"Validation failed: Avatar must be less than 16 MB and 33 megapixels"},
			{"truncated", map[string][]byte{"header": mediatest.Truncated()}, "Validation failed: Header content type is invalid"},
			{"text", map[string][]byte{"avatar": []byte("<svg onload=alert(1)>")}, "Validation failed: Avatar content type is invalid"},
			// A good avatar sent with a bad header is not kept either.
			{"good avatar, bad header", map[string][]byte{"avatar": mediatest.PNG(80, 80), "header": mediatest.PixelBomb()},
				"Validation failed: Header must be less than 16 MB and 33 megapixels"},
		} {
			r := patchProfile(t, inst, alice.Token, tc.files, map[string]string{"display_name": "changed"})
			var e struct{ Error string }
			r.JSON(t, &e)
			if r.Status != 422 || e.Error != tc.msg {
				t.Errorf("%s: %d %q, want 422 %q", tc.name, r.Status, e.Error, tc.msg)
			}
		}
		// A data: URI that is not one, and text where a file belongs.
		for _, v := range []string{"https://example.com/me.png", "data:image/png;base64,!!!"} {
			r := inst.Do(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"avatar": v})
			if r.Status != 422 {
				t.Errorf("avatar %q: %d %s", v, r.Status, r.Body)
			}
		}
		after := inst.Expect(t, 200, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).Body
		if !bytes.Equal(before, after) {
			t.Errorf("refused updates changed the account:\nbefore %s\nafter  %s", before, after)
		}
		if n := mediaFiles(t, inst); n != 1 {
			t.Errorf("%d files stored, want only the first avatar", n)
		}
	})
}

func TestDeleteAvatarAndHeader(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		r := patchProfile(t, inst, alice.Token, map[string][]byte{
			"avatar": mediatest.JPEGWithEXIF(500, 500, 1), "header": mediatest.PNG(1600, 600)}, nil)
		var ent struct{ Avatar, Header string }
		r.JSON(t, &ent)

		inst.Expect(t, 403, "DELETE", "/api/v1/profile/avatar", inst.Token(t, alice.Account.ID, "read"), nil)
		r = inst.Expect(t, 200, "DELETE", "/api/v1/profile/avatar", alice.Token, nil)
		apischema.MustMatch(t, "CredentialAccount", r.Body)
		var after struct {
			Avatar, AvatarStatic, Header string
			Source                       *struct{ Privacy string }
		}
		r.JSON(t, &after)
		if after.Avatar != inst.URL+"/avatars/original/missing.png" || after.Header != ent.Header || after.Source == nil {
			t.Fatalf("after deleting the avatar: %s", r.Body)
		}
		if fetch(t, inst, ent.Avatar, nil).Status != 404 {
			t.Error("deleted avatar still served")
		}
		if w, h := servedImageSize(t, inst, after.Avatar); w == 0 || h == 0 {
			t.Error("default avatar not served")
		}
		if icon, img := actorImages(t, inst, "alice"); icon != "" || img != ent.Header {
			t.Errorf("actor icon %q image %q after deleting the avatar", icon, img)
		}

		r = inst.Expect(t, 200, "DELETE", "/api/v1/profile/header", inst.Token(t, alice.Account.ID, "write:accounts"), nil)
		r.JSON(t, &after)
		if after.Header != inst.URL+"/headers/original/missing.png" {
			t.Fatalf("after deleting the header: %s", r.Body)
		}
		if n := mediaFiles(t, inst); n != 0 {
			t.Errorf("%d files left after deleting both pictures", n)
		}
		if _, img := actorImages(t, inst, "alice"); img != "" {
			t.Errorf("actor image %q after deleting the header", img)
		}
		// Deleting what is not there still answers the account.
		inst.Expect(t, 200, "DELETE", "/api/v1/profile/avatar", alice.Token, nil)
		inst.Expect(t, 401, "DELETE", "/api/v1/profile/header", "", nil)
	})
}
