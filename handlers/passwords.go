package handlers

import "golang.org/x/crypto/bcrypt"

// hashPassword hashes a new password at the configured cost.
func (h *Handler) hashPassword(password string) ([]byte, error) {
	cost := h.cfg.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	return bcrypt.GenerateFromPassword([]byte(password), cost)
}
