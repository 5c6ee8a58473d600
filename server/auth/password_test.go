package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
)

func TestHasher(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(64, 1, 1, 2)
	enc, err := h.Hash(ctx, "tangerine orbit lantern")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("encoded = %q, want PHC argon2id with its parameters", enc)
	}
	if again, _ := h.Hash(ctx, "tangerine orbit lantern"); again == enc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}

	t.Run("OK", func(t *testing.T) {
		ok, rehash, err := h.Verify(ctx, enc, "tangerine orbit lantern")
		if err != nil || !ok || rehash {
			t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		if ok, _, err := h.Verify(ctx, enc, "tangerine orbit lanterns"); ok || err != nil {
			t.Errorf("Verify = %v, %v; want false, nil", ok, err)
		}
	})
	t.Run("Rehash", func(t *testing.T) {
		ok, rehash, err := NewHasher(128, 1, 1, 1).Verify(ctx, enc, "tangerine orbit lantern")
		if err != nil || !ok || !rehash {
			t.Errorf("Verify with another cost = %v, %v, %v; want true, true, nil", ok, rehash, err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		parts := strings.Split(enc, "$")
		for name, bad := range map[string]string{
			"empty":       "",
			"bcrypt":      "$2a$10$abcdefghijklmnopqrstuv",
			"argon2i":     strings.Replace(enc, "argon2id", "argon2i", 1),
			"version":     strings.Replace(enc, "v=19", "v=16", 1),
			"huge memory": strings.Replace(enc, "m=64", "m=99999999", 1),
			"huge time":   strings.Replace(enc, "t=1", "t=1000", 1),
			"no salt":     strings.Join(append(parts[:4:4], "", parts[5]), "$"),
			"bad base64":  enc + "!",
		} {
			if ok, _, err := h.Verify(ctx, bad, "x"); ok || err == nil {
				t.Errorf("%s: Verify = %v, %v; want an error", name, ok, err)
			}
		}
	})
	t.Run("ErrBusy", func(t *testing.T) {
		busy := NewHasher(64, 1, 1, 1)
		busy.sem <- struct{}{}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := busy.Hash(cctx, "x"); chorus.ErrorCode(err) != chorus.EUNAVAILABLE {
			t.Errorf("Hash with every slot taken and ctx done: err = %v, want EUNAVAILABLE", err)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct {
		name, password, email string
		ok                    bool
	}{
		{"OK", "tangerine orbit lantern", "ana@example.org", true},
		{"OKUnicode", "café crème brûlée ☕", "ana@example.org", true},
		{"ErrTooShort", "Xq7#pL2!vR9", "", false},
		{"ErrTooLong", strings.Repeat("abcde fghij ", 22), "", false},
		{"ErrCommon", "password1234", "", false},
		{"ErrCommonAnyCase", "PassWordPassWord", "", false},
		{"ErrPaddedWord", "Password2024!!", "", false},
		{"ErrPaddedLeet", "P4ssw0rd!2024", "", false},
		{"ErrRepeated", "aaaaaaaaaaaaaa", "", false},
		{"ErrRepeatedBlock", "abcabcabcabc", "", false},
		{"ErrSequence", "3456789012345", "", false},
		{"ErrKeyboard", "qwertyuiopas", "", false},
		{"ErrEmail", "ana.smith@example.org!", "ana.smith@example.org", false},
		{"ErrEmailLocalPart", "Ana.Smith rules 2024", "ana.smith@example.org", false},
		{"ErrInvalidUTF8", "abcdefghijk\xff", "", false},
		{"ErrSpacesAndALetter", "           x", "", false},
		{"ErrSpacesAroundFewLetters", "   zq   zq   zq  ", "", false},
		{"ErrFewDifferent", "zxzx zxzx zxzx", "", false},
		{"ErrTabsAndNewlines", "\t\t\t\n\n\nab\t\t\n\n", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.email)
			if tt.ok && err != nil {
				t.Fatalf("CheckPassword = %v, want nil", err)
			}
			if !tt.ok {
				if chorus.ErrorCode(err) != chorus.EINVALID || chorus.ErrorFields(err)["password"] == "" {
					t.Fatalf("CheckPassword = %v, want EINVALID on the password field", err)
				}
			}
		})
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := GeneratePassword()
		if err := CheckPassword(p, "someone@example.org"); err != nil {
			t.Fatalf("generated %q fails the policy: %v", p, err)
		}
		if len(p) != 24 || seen[p] {
			t.Fatalf("generated %q: want 24 characters, never repeated", p)
		}
		seen[p] = true
	}
}
