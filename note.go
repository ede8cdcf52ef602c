package planwatch

import "time"

// Note is qualitative text for a sector of a unit in a period: what happened
// and why, as a report's prose needs it.
type Note struct {
	ID     int64     `json:"id"`
	Sector string    `json:"sector"` // catalogue sector, or a report section
	Unit   string    `json:"orgunit"`
	Period Period    `json:"period"`
	Text   string    `json:"text"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// TaskStatus is the state of a task.
type TaskStatus string

const (
	TaskOpen       TaskStatus = "open"
	TaskInProgress TaskStatus = "in_progress"
	TaskDone       TaskStatus = "done"
	TaskDropped    TaskStatus = "dropped"
)

// Task is a priority task or solution for a coming period (nhiệm vụ, giải pháp
// trọng tâm), with its owner and the indicators it should move.
type Task struct {
	ID         int64      `json:"id"`
	Unit       string     `json:"orgunit"`
	Sector     string     `json:"sector"`
	Text       string     `json:"text"`
	Owner      string     `json:"owner"` // responsible agency, e.g. "Sở Công Thương"
	Due        Period     `json:"due"`   // the period it is due in
	Status     TaskStatus `json:"status"`
	Indicators []string   `json:"indicators"`
	By         string     `json:"by"`
	At         time.Time  `json:"at"`
}
