//go:build unix

package connguard

import "syscall"

// FDLimit is the process's limit on open files (Go raises the soft limit to
// the hard one at start), or 0 when unknown.
func FDLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0
	}
	return int(r.Cur)
}
