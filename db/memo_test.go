package db

import "testing"

// TestMemoKeepsNoReadThatRacedAChange: a value read before a change was
// committed and forgotten is not remembered, whichever key the change
// concerned; one read with nothing forgotten meanwhile is.
func TestMemoKeepsNoReadThatRacedAChange(t *testing.T) {
	m := newMemo[string, int]()
	gen := m.begin()
	m.put("a", 1, gen)
	if v, ok := m.get("a"); !ok || v != 1 {
		t.Fatalf("a read with nothing changed meanwhile was not kept: %v %v", v, ok)
	}

	for name, change := range map[string]func(){
		"forget":       func() { m.forget("b") },
		"reset":        func() { m.reset() },
		"set":          func() { m.set("c", 3) },
		"forget it":    func() { m.forget("a") },
		"set it first": func() { m.set("a", 2) },
	} {
		m.forget("a")
		gen := m.begin()
		change()
		m.put("a", 1, gen) // the state before the change
		if v, ok := m.get("a"); ok && v == 1 {
			t.Errorf("%s: a read from before the change was kept", name)
		}
	}

	m.set("a", 5)
	m.update("a", func(v *int) { *v++ })
	m.update("z", func(v *int) { *v++ })
	if v, _ := m.get("a"); v != 6 {
		t.Fatalf("update: %d", v)
	}
	if _, ok := m.get("z"); ok {
		t.Fatal("update made an entry")
	}
}
