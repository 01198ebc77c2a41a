package db

import "github.com/campfire-go/campfire/internal/files"

// Attachment records an imported message's file, already in the storage
// folder, with the time it was attached.
func (im *Importer) Attachment(messageID int64, na NewAttachment, createdAt int64) error {
	_, err := insertAttachment(im.ctx, im.tx, messageID, na, createdAt)
	return wrapImport("attachment", err)
}

// Avatar records an imported person's avatar, already in the storage folder.
func (im *Importer) Avatar(userID int64, avatar files.Blob) error {
	if err := insertBlob(im.ctx, im.tx, avatar); err != nil {
		return wrapImport("avatar", err)
	}
	_, err := im.exec(`UPDATE users SET avatar_key = ? WHERE id = ?`, avatar.Key, userID)
	return wrapImport("avatar", err)
}

// Logo records the imported account's logo: its squares of at most 512, 192
// and 32 pixels, as Store.SetLogo takes them.
func (im *Importer) Logo(sizes [3]files.Blob) error {
	for _, b := range sizes {
		if err := insertBlob(im.ctx, im.tx, b); err != nil {
			return wrapImport("logo", err)
		}
	}
	_, err := im.exec(`UPDATE accounts SET logo_key = ?, logo_192_key = ?, logo_32_key = ?`, sizes[0].Key, sizes[1].Key, sizes[2].Key)
	return wrapImport("logo", err)
}
