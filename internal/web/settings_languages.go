package web

import "strings"

// language is a posting language the preferences offer: an ISO 639-1
// code and the language's name in itself.
type language struct{ Code, Name string }

// languages are the posting languages offered, in order of their code.
// A post's language may be any ISO 639 code (the composer takes one
// typed); these are the ones most used on the fediverse.
var languages = []language{
	{"ar", "العربية"}, {"be", "Беларуская"}, {"bg", "Български"}, {"bn", "বাংলা"}, {"ca", "Català"},
	{"cs", "Čeština"}, {"cy", "Cymraeg"}, {"da", "Dansk"}, {"de", "Deutsch"}, {"el", "Ελληνικά"},
	{"en", "English"}, {"eo", "Esperanto"}, {"es", "Español"}, {"et", "Eesti"}, {"eu", "Euskara"},
	{"fa", "فارسی"}, {"fi", "Suomi"}, {"fr", "Français"}, {"ga", "Gaeilge"}, {"gd", "Gàidhlig"},
	{"gl", "Galego"}, {"he", "עברית"}, {"hi", "हिन्दी"}, {"hr", "Hrvatski"}, {"hu", "Magyar"},
	{"id", "Bahasa Indonesia"}, {"is", "Íslenska"}, {"it", "Italiano"}, {"ja", "日本語"}, {"ko", "한국어"},
	{"lt", "Lietuvių"}, {"lv", "Latviešu"}, {"ms", "Bahasa Melayu"}, {"nl", "Nederlands"}, {"no", "Norsk"},
	{"pl", "Polski"}, {"pt", "Português"}, {"ro", "Română"}, {"ru", "Русский"}, {"sk", "Slovenčina"},
	{"sl", "Slovenščina"}, {"sr", "Српски"}, {"sv", "Svenska"}, {"th", "ไทย"}, {"tr", "Türkçe"},
	{"uk", "Українська"}, {"vi", "Tiếng Việt"}, {"zh", "中文"},
}

// languagesWith is the list offered, with code added when it is set and
// not among them (a default set through the API), so it stays chosen.
func languagesWith(code string) []language {
	code = strings.ToLower(code)
	for _, l := range languages {
		if code == "" || l.Code == code {
			return languages
		}
	}
	return append([]language{{code, code}}, languages...)
}
