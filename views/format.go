package views

import (
	"fmt"
	"strings"
)

// FormatSize writes a byte count the way people read file sizes.
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	value, suffix := float64(n), ""
	for _, s := range []string{"KB", "MB", "GB", "TB"} {
		value /= unit
		suffix = s
		if value < unit {
			break
		}
	}
	out := fmt.Sprintf("%.1f", value)
	return strings.TrimSuffix(out, ".0") + " " + suffix
}
