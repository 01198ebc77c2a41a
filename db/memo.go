package db

import "sync"

// memoMax bounds the entries held; past it all go (they are read again on
// their next use).
const memoMax = 100_000

// memo remembers what a read of the database returned, keyed, until a
// change forgets it. Every change made through the Store forgets what it
// touches once it is committed; changes made by another process on the same
// file (campfire reset-password) are seen once ForgetRemembered runs.
// A read racing a change cannot put back what the change replaced: a read
// takes the generation before it reads (begin) and its result is kept only
// if nothing was forgotten meanwhile (put).
type memo[K comparable, V any] struct {
	mu  sync.Mutex
	gen uint64
	m   map[K]V
}

func newMemo[K comparable, V any]() *memo[K, V] {
	return &memo[K, V]{m: make(map[K]V)}
}

// get returns the value remembered for k.
func (m *memo[K, V]) get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[k]
	return v, ok
}

// begin is called before reading what put will remember.
func (m *memo[K, V]) begin() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

// put remembers a value read since begin returned gen, unless something
// was forgotten since: the read may then have seen the state before it.
func (m *memo[K, V]) put(k K, v V, gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen != m.gen {
		return
	}
	m.store(k, v)
}

// set remembers a value just written, replacing whatever a read in flight
// would put.
func (m *memo[K, V]) set(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	m.store(k, v)
}

// update changes a remembered value in place, if there is one: for a field
// this process itself keeps up to date.
func (m *memo[K, V]) update(k K, fn func(*V)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.m[k]; ok {
		fn(&v)
		m.m[k] = v
	}
}

func (m *memo[K, V]) store(k K, v V) {
	if _, ok := m.m[k]; !ok && len(m.m) >= memoMax {
		clear(m.m)
	}
	m.m[k] = v
}

// forget drops k, called after a change to it is committed.
func (m *memo[K, V]) forget(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	delete(m.m, k)
}

// reset drops everything, called after a change that may concern any entry
// is committed.
func (m *memo[K, V]) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	clear(m.m)
}
