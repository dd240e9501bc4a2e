package model

import "time"

// WeekActivity is one week of /api/v1/instance/activity: local statuses
// posted, users active ("logins") and users registered in the week that
// starts at Week (Monday 00:00 UTC).
type WeekActivity struct {
	Week          time.Time
	Statuses      int64
	Logins        int64
	Registrations int64
}
