package db

import "sync"

// renderedHooks are told when something that shows in rendered messages
// changed without an event of the message's room: a person's name, role or
// avatar, a room deleted with its events, old events pruned. Whoever keeps
// rendered messages (the chat service's replay rings) drops them.
type renderedHooks struct {
	mu sync.Mutex
	fs []func()
}

// OnRenderedChange has f called after each such change is committed.
func (s *Store) OnRenderedChange(f func()) {
	s.rendered.mu.Lock()
	defer s.rendered.mu.Unlock()
	s.rendered.fs = append(s.rendered.fs, f)
}

func (s *Store) renderedChanged() {
	s.rendered.mu.Lock()
	fs := s.rendered.fs
	s.rendered.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
