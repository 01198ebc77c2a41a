package avatar

import (
	"hash/crc32"
	"strconv"
)

// palette is our own set of mid-dark hues, spread around the wheel so
// neighbours in a member list rarely look alike. Every entry keeps white text
// at or above WCAG AA (4.5:1); TestPaletteContrast enforces it.
var palette = [...]string{
	"#B3362B", // brick
	"#B24A12", // rust
	"#8F5A00", // amber
	"#5F6B12", // olive
	"#3F7A2E", // moss
	"#1E7047", // pine
	"#0B7069", // teal
	"#1B6A80", // petrol
	"#1F63A8", // ocean
	"#3A55C4", // cobalt
	"#5147B8", // indigo
	"#7442B0", // grape
	"#913A8E", // plum
	"#A8325F", // berry
	"#4E5D6C", // slate
	"#6B5E52", // taupe
}

// colorFor picks a colour from the id alone, so a user's avatar stays the
// same colour across renames, restarts and servers.
func colorFor(userID int64) string {
	sum := crc32.ChecksumIEEE([]byte(strconv.FormatInt(userID, 10)))
	return palette[sum%uint32(len(palette))]
}
