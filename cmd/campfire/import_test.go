package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := oncetest.Build(filepath.Join(dir, "storage"), oncetest.Options{Messages: 300})
	if err != nil {
		t.Fatal(err)
	}
	e := env(map[string]string{"CAMPFIRE_DB": filepath.Join(dir, "new", "campfire.db")})

	var out bytes.Buffer
	if err := run(ctx, []string{"import", f.StorageDir}, e, nil, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	for _, want := range []string{"messages", strconv.Itoa(f.Messages), "attachments", "file not found", "Skipped or changed:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output does not say %q:\n%s", want, out.String())
		}
	}

	// The files are where the server looks for them: files/ beside the database.
	if matches, _ := filepath.Glob(filepath.Join(dir, "new", "files", "*", "*", "*")); len(matches) < 4 {
		t.Errorf("the files did not come to new/files: %v", matches)
	}

	out.Reset()
	err = run(ctx, []string{"import", "--db", f.DB, "--files", f.StorageDir}, e, nil, &out)
	if err == nil || !strings.Contains(err.Error(), "already has users") {
		t.Errorf("a second import into the same database: %v", err)
	}
	for _, args := range [][]string{{"import"}, {"import", filepath.Join(dir, "nowhere")}, {"import", "--db", f.DB, "extra"}, {"import", "--bogus"}} {
		if err := run(ctx, args, e, nil, &out); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
}
