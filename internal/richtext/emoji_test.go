package richtext

import "testing"

func TestIsEmojiOnly(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"😄🤘", true},
		{"👍", true},
		{"👍🏽", true},
		{"🇫🇷", true},
		{"🇫🇷🇩🇪", true},
		{"❤️", true},
		{"❤", true},
		{"👩‍💻", true},
		{"👨‍👩‍👧‍👦", true},
		{"🏳️‍🌈", true},
		{"🧑🏿‍🚀", true},
		{"🏴󠁧󠁢󠁳󠁣󠁴󠁿", true},
		{"1️⃣", true},
		{"#⃣", true},
		{"🔥💯🎉", true},
		{"", false},
		{"Haha 😄", false},
		{"Haha! 😄🤘", false},
		{"🔥 💯", false},
		{"😄\n🤘", false},
		{" 😄", false},
		{"😄 ", false},
		{"1", false},
		{"12", false},
		{"1️", false},
		{"️", false},
		{"‍", false},
		{"😄‍", false},
		{"‍😄", false},
		{"🏽", true},
		{"a😄", false},
		{":)", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if got := IsEmojiOnly(tt.in); got != tt.want {
			t.Errorf("IsEmojiOnly(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
