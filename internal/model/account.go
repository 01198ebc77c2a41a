package model

// Account is the one organisation of an install.
type Account struct {
	ID                   int64
	Name                 string
	JoinCode             string
	CustomStyles         string
	RestrictRoomCreation bool
	// LogoKey names the uploaded logo (its largest square); "" shows the
	// project's own icon.
	LogoKey string
}
