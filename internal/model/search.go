package model

// SearchLimit is how many results a search shows at most: the newest ones.
const SearchLimit = 100

// Highlight markers put around matched words in SearchResult.Highlighted.
// They are private-use characters, which chat text has no reason to contain;
// views HTML-escape the text and turn balanced markers into <mark> elements.
const (
	HighlightStart = "\uE000"
	HighlightEnd   = "\uE001"
)

// SearchResult is a matching message with its plain text highlighted.
type SearchResult struct {
	Message
	RoomName    string
	Highlighted string // plain text with HighlightStart/End around matches
}
