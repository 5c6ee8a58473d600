// Package auth signs staff in: argon2id password hashes and the password policy,
// signed session and share-link tokens (JWT, HS256), sign-in rate limits, and the
// account service that ties them to the user store. It never imports Fiber or the
// store's driver.
package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Password length limits, in characters.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// Hasher hashes passwords with argon2id. A semaphore bounds how many hashes run at
// once, so a burst of sign-ins cannot exhaust memory.
type Hasher struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	sem     chan struct{}
}

// NewHasher returns a Hasher with the given cost that runs at most concurrent hashes
// at once. DefaultHasher has the production cost; tests may use a cheaper one.
func NewHasher(memoryKiB, time uint32, threads uint8, concurrent int) *Hasher {
	return &Hasher{Memory: memoryKiB, Time: time, Threads: threads, sem: make(chan struct{}, max(concurrent, 1))}
}

// DefaultHasher returns a Hasher with OWASP's recommended argon2id cost
// (19 MiB, 2 passes, 1 lane), running as many hashes at once as there are CPUs.
func DefaultHasher() *Hasher { return NewHasher(19*1024, 2, 1, runtime.GOMAXPROCS(0)) }

const (
	saltLen = 16
	keyLen  = 32
)

var errBadHash = errors.New("malformed password hash")

// Hash returns the PHC-encoded argon2id hash of password with a fresh random salt:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash. It waits for a free slot until ctx ends.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := h.derive(ctx, password, salt, h.Time, h.Memory, h.Threads, keyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, comparing in constant time, and
// whether the hash should be redone because its cost differs from h's.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error) {
	p, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	key, err := h.derive(ctx, password, p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(key, p.key) == 1
	return ok, p.memory != h.Memory || p.time != h.Time || p.threads != h.Threads, nil
}

func (h *Hasher) derive(ctx context.Context, password string, salt []byte, time, memory uint32, threads uint8, n uint32) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, chorus.Wrap(chorus.EUNAVAILABLE, ctx.Err(), "Signing in is busy. Please try again.")
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, time, memory, threads, n), nil
}

type hashParams struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// decodeHash parses a PHC string, refusing costs that would let a tampered record
// exhaust the server.
func decodeHash(s string) (hashParams, error) {
	var p hashParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil {
		return p, errBadHash
	}
	if p.memory < 8 || p.memory > 256*1024 || p.time < 1 || p.time > 16 || threads < 1 || threads > 16 {
		return p, errBadHash
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 || len(p.salt) > 64 {
		return p, errBadHash
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, errBadHash
	}
	return p, nil
}

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords holds the embedded list, lower-cased; commonWords the shorter words
// people pad with digits and symbols ("Password2024!").
var commonPasswords, commonWords = loadCommon(commonPasswordsText)

func loadCommon(text string) (full, words map[string]bool) {
	full, words = map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if utf8.RuneCountInString(line) < MinPasswordLength {
			words[line] = true
		} else {
			full[line] = true
		}
	}
	return full, words
}

// CheckPassword applies the password policy: 12 to 256 characters, of which at least 8
// are not spaces and at least 5 differ, not on the list of
// common passwords or a common word padded with digits and symbols, not a simple
// repetition or sequence, and not containing the email address. It returns EINVALID
// with a message for the field "password".
func CheckPassword(password, email string) error {
	fail := func(msg string) error {
		return chorus.Invalid("Choose a different password.", map[string]string{"password": msg})
	}
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return fail("Use ordinary characters.")
	case n < MinPasswordLength:
		return fail(fmt.Sprintf("Use at least %d characters. A few unrelated words make a good password.", MinPasswordLength))
	case n > MaxPasswordLength:
		return fail(fmt.Sprintf("Use at most %d characters.", MaxPasswordLength))
	}
	// Spaces count towards the length but not as the password: at least 8 characters
	// that are not spaces, and at least 5 different ones (a sanity floor, not a
	// composition rule).
	lower := strings.ToLower(password)
	kept := strings.Join(strings.Fields(lower), "")
	distinct := map[rune]bool{}
	for _, r := range kept {
		distinct[r] = true
	}
	switch {
	case utf8.RuneCountInString(kept) < 8:
		return fail("Use at least 8 characters that are not spaces. A few unrelated words make a good password.")
	case len(distinct) < 5:
		return fail("Use at least 5 different characters. A few unrelated words make a good password.")
	}
	if isCommon(lower) {
		return fail("That password is too common. Try three or four unrelated words.")
	}
	email = chorus.NormalizeEmail(email)
	if local, _, ok := strings.Cut(email, "@"); ok && len(local) >= 4 && strings.Contains(lower, local) || email != "" && strings.Contains(lower, email) {
		return fail("Don't use your email address in your password.")
	}
	return nil
}

func isCommon(p string) bool {
	if commonPasswords[p] {
		return true
	}
	core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if core == "" || commonWords[core] || commonPasswords[core] || commonWords[unleet(core)] {
		return true
	}
	return repetitive(p) || sequential(p)
}

// unleet undoes the usual digit-for-letter swaps ("p4ssw0rd").
func unleet(s string) string {
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s").Replace(s)
}

// repetitive reports whether p is a block of up to four characters repeated.
func repetitive(p string) bool {
	r := []rune(p)
	for period := 1; period <= 4; period++ {
		same := true
		for i := period; i < len(r) && same; i++ {
			same = r[i] == r[i-period]
		}
		if same {
			return true
		}
	}
	return false
}

// sequential reports whether p runs up or down by one at every step ("123456789012"
// wraps 9→0 too) or walks along a keyboard row.
func sequential(p string) bool {
	for _, row := range []string{"1234567890", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "abcdefghijklmnopqrstuvwxyz"} {
		cycle := strings.Repeat(row, 1+len(p)/len(row)+1)
		rev := []rune(cycle)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		if strings.Contains(cycle, p) || strings.Contains(string(rev), p) {
			return true
		}
	}
	return false
}

// unambiguous leaves out letters and digits that are easy to misread (0/o, 1/l/i).
const unambiguous = "abcdefghjkmnpqrstuvwxyz23456789"

// GeneratePassword returns a random one-time password of 20 characters in groups of
// four, about 99 bits of entropy.
func GeneratePassword() string {
	var b strings.Builder
	for i := range 20 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(unambiguous[randIndex(len(unambiguous))])
	}
	return b.String()
}

func randIndex(n int) int {
	var b [1]byte
	limit := 256 - 256%n
	for {
		_, _ = rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
