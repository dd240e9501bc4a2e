// Package version names this build of Herd and the Mastodon API version it
// presents to clients.
package version

// Herd is Herd's own version.
const Herd = "0.1.0"

// Mastodon is the Mastodon version whose client API Herd implements. Apps
// gate features on it (Ice Cubes, Phanpy and Elk parse the leading
// semver; megalodon reads NodeInfo), so it names the Mastodon release whose
// features Herd actually has. Mastodon 4.3 is the first with grouped
// notifications (/api/v2/notifications), which Herd implements.
const Mastodon = "4.3.0"

// MastodonAPIVersion is api_versions.mastodon in /api/v2/instance: the
// Mastodon API revision Herd implements (Mastodon 4.3.0 reports 2).
const MastodonAPIVersion = 2

// InstanceVersion is the version string of /api/v1/instance and
// /api/v2/instance, in the "x.y.z (compatible; Name v)" form other
// Mastodon-compatible servers use, so apps parse the Mastodon version first.
const InstanceVersion = Mastodon + " (compatible; Herd " + Herd + ")"
