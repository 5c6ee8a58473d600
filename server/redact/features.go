package redact

// feature marks a kind of keyword found in a text. Redact only runs a
// detector's regular expressions when the text has the keywords that every
// match of them needs, which keeps the common case (no details at all) fast.
type feature uint16

const (
	fStreet       feature = 1 << iota // any street suffix: road, st, park, view
	fStrongStreet                     // road, street, avenue, lane, crescent, terrace
	fStreetCue                        // live, living, moved, house, home, flat, address
	fFlat                             // flat, apartment, apt
	fSchool                           // school, academy, primary, high
	fHandle                           // insta, snap, tiktok, roblox
	fMonth                            // jan, january, may, sept
)

var featureWords = func() map[string]feature {
	m := map[string]feature{}
	add := func(f feature, words string) {
		for w := range wordSet(words) {
			m[w] |= f
		}
	}
	add(fStreet, `road rd street st avenue ave lane ln close drive dr way court ct crescent cres
		place pl grove gardens gdns terrace walk hill row square sq mews park view rise green
		parade boulevard wharf yard croft fold mount vale gate heights grange meadows fields
		chase estate circus broadway brow wynd brae`)
	add(fStrongStreet, `road street avenue lane crescent terrace`)
	add(fStreetCue, `live lives lived living moved house home flat address`)
	add(fFlat, `flat apartment apt unit`)
	add(fSchool, `school academy college primary high grammar junior juniors infant infants
		nursery comprehensive`)
	add(fHandle, `insta instagram ig snap snapchat sc tik tiktok twitter fb facebook discord
		roblox xbox psn gamertag gamer username user youtube yt twitch kik telegram threads
		bereal steam reddit pinterest`)
	add(fMonth, `jan january feb february mar march apr april may jun june jul july aug august
		sep sept september oct october nov november dec december`)
	return m
}()

// features returns the keyword kinds present in s, matching ASCII letters
// case-insensitively and splitting words at any other character.
func features(s string) feature {
	var f feature
	var buf [16]byte
	n := 0
	flush := func() {
		if n > 0 && n <= len(buf) {
			f |= featureWords[string(buf[:n])]
		}
		n = 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			if n < len(buf) {
				buf[n] = c
			}
			n++
			continue
		}
		flush()
	}
	flush()
	return f
}

// keywordSpans returns the byte ranges of the words in s that have feature f,
// split into words the same way as features.
func keywordSpans(s string, f feature) []span {
	var out []span
	var buf [16]byte
	start := -1
	for i := 0; i <= len(s); i++ {
		c := byte(0)
		if i < len(s) {
			c = s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
		}
		if c >= 'a' && c <= 'z' {
			if start < 0 {
				start = i
			}
			if n := i - start; n < len(buf) {
				buf[n] = c
			}
			continue
		}
		if start >= 0 {
			if n := i - start; n <= len(buf) && featureWords[string(buf[:n])]&f != 0 {
				out = append(out, span{start, i})
			}
			start = -1
		}
	}
	return out
}
