package model

// Event kinds in the replay log.
const (
	EventCreated = "created"
	EventUpdated = "updated"
	EventDeleted = "deleted"
)

// Event is one change to a room's timeline; its id is the SSE event id.
type Event struct {
	ID        int64
	RoomID    int64
	Kind      string
	MessageID int64
	DomID     string
	// BoostID and BoostChange (EventCreated or EventDeleted) are set when
	// the update was a boost added or removed.
	BoostID     int64
	BoostChange string
}
