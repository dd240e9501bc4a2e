package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"herd/internal/core/fault"
)

func TestParseParamsReadsEveryEncodingAlike(t *testing.T) {
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("status", "hi")
	mw.WriteField("media_ids[]", "1")
	mw.WriteField("media_ids[]", "2")
	mw.WriteField("source[privacy]", "private")
	mw.Close()
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"json", "application/json", `{"status":"hi","media_ids":[1,"2"],"source":{"privacy":"private"}}`},
		{"form", "application/x-www-form-urlencoded", "status=hi&media_ids[]=1&media_ids[]=2&source[privacy]=private"},
		{"multipart", mw.FormDataContentType(), mp.String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/statuses", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			p, err := parseParams(r)
			if err != nil {
				t.Fatal(err)
			}
			if p.str("status") != "hi" || !reflect.DeepEqual(p.list("media_ids"), []string{"1", "2"}) || p.str("source[privacy]") != "private" {
				t.Fatalf("params = %v", p)
			}
		})
	}
}

func TestParseParamsRefusesBadBodies(t *testing.T) {
	huge := strings.Repeat("a", maxBodyBytes+10)
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"malformed json", "application/json", `{"status":`, http.StatusBadRequest},
		{"json array", "application/json", `[1,2]`, http.StatusBadRequest},
		{"oversized json", "application/json", `{"status":"` + huge + `"}`, http.StatusRequestEntityTooLarge},
		{"oversized form", "application/x-www-form-urlencoded", "status=" + huge, http.StatusRequestEntityTooLarge},
		{"broken multipart", "multipart/form-data; boundary=x", "--x\r\nnonsense", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/statuses", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.contentType)
			_, err := parseParams(r)
			e, ok := fault.As(err)
			if !ok || e.Status != tc.status {
				t.Fatalf("err = %v, want status %d", err, tc.status)
			}
		})
	}
}
