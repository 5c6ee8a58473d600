package web

import "github.com/chorus-voice/chorus/server/chorus"

// The help a child sees on the thank-you page depends on the safeguarding level of
// what they sent: urgent puts 999 and Childline first, as big buttons; a concern
// offers Childline and someone to talk to; closed answers alone get a gentle note.
//
// The level never travels in a URL. The thank-you page that shows it is the response
// to the child's own POST of their answers (no JavaScript: the form; with JavaScript:
// the form is posted again once the answers are stored, an identical repeat that
// stores nothing), sent with Cache-Control: no-store; with JavaScript the page then
// replaces its history entry with the plain thank-you address, so going back or
// reloading shows nothing about the level. GET /s/{survey}/thanks never shows it.

// helpWords are the words of the help by level, in one language.
type helpWords struct {
	Title, Body, Call999, CallChildline string
}

var helpByLevel = map[string]map[string]helpWords{
	"en": {
		chorus.LevelUrgent: {Title: "Please get help now",
			Body:    "You told us something that worries us. If you are in danger now, call 999. You can talk to Childline at any time: it's free and private.",
			Call999: "Call 999", CallChildline: "Call Childline 0800 1111"},
		chorus.LevelConcern: {Title: "You don't have to deal with this on your own",
			Body:          "Childline is free and private, day and night. You can call, or chat online at childline.org.uk.",
			CallChildline: "Call Childline 0800 1111"},
		chorus.LevelClosed: {Title: "If things are hard right now",
			Body:          "You can talk to Childline about anything, free and in private, at any time.",
			CallChildline: "Call Childline 0800 1111"},
	},
	"cy": {
		chorus.LevelUrgent: {Title: "Cael help nawr",
			Body:    "Rwyt ti wedi dweud rhywbeth sy'n ein poeni ni. Os wyt ti mewn perygl nawr, ffonia 999. Galli di siarad â Childline unrhyw bryd: mae am ddim ac yn breifat.",
			Call999: "Ffonio 999", CallChildline: "Ffonio Childline 0800 1111"},
		chorus.LevelConcern: {Title: "Does dim rhaid i ti ddelio â hyn ar dy ben dy hun",
			Body:          "Mae Childline am ddim ac yn breifat, ddydd a nos. Galli di ffonio, neu sgwrsio ar-lein yn childline.org.uk.",
			CallChildline: "Ffonio Childline 0800 1111"},
		chorus.LevelClosed: {Title: "Os yw pethau'n anodd ar hyn o bryd",
			Body:          "Galli di siarad â Childline am unrhyw beth, am ddim ac yn breifat, unrhyw bryd.",
			CallChildline: "Ffonio Childline 0800 1111"},
	},
}

// helpFor returns the help to show for a receipt's level in lang; ok is false when
// there is none to show. A flag without a known level gets the urgent help.
func helpFor(rc *chorus.Receipt, lang string) (helpWords, string, bool) {
	if rc == nil || !rc.ShowHelp {
		return helpWords{}, "", false
	}
	level := rc.Level
	if chorus.LevelRank(level) >= len(chorus.Levels) {
		level = chorus.LevelUrgent
	}
	byLevel, ok := helpByLevel[lang]
	if !ok {
		byLevel = helpByLevel["en"]
	}
	return byLevel[level], level, true
}
