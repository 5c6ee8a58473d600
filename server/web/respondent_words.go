package web

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// words are the fixed words of the respondent pages in one language. The survey's own
// words (questions, options, intro) come from its file.
type words struct {
	Lang, Language, English, Welsh                                                string
	About, WhoSees, SkipAny, ChooseVersion, Closed                                string
	Bigger, ReadAloud, Next, Back, Send, Sending, Progress                        string
	Offline, Busy, Restored, PreferNot, ChooseCouncil, ErrorPrefix                string
	Problem, Unavailable, OnlyIf, UpTo, NotANumber                                string
	ThanksTitle, ThanksBody, AlreadyHave, Receipt, ReceiptNote                    string
	Results, UrgentTitle, UrgentCall, Footer, Start, ChangeBeforeSend, StartAgain string
	// DraftKept is the notice at the top of the form while a draft is on the phone.
	DraftKept                                                               string
	CodeTitle, CodeLabel, CodeHint, CodeNote, CodeSend, CodeOK, CodeProblem string
	// EmptyAsk asks before sending a form with no answers; Limit is said when a child
	// ticks one more than a question allows ({n} is the most).
	EmptyAsk, EmptyHint, SendAnyway, Limit string
}

var wordsEN = &words{
	Lang: "en", Language: "Language", English: "English", Welsh: "Cymraeg",
	About:            "What this is",
	WhoSees:          "Who will see your answers",
	SkipAny:          "You can skip any question you don't want to answer.",
	ChooseVersion:    "Choose the one that fits you",
	Closed:           "This survey is closed now. Thank you for wanting to take part.",
	Bigger:           "Bigger text",
	ReadAloud:        "Read aloud",
	Next:             "Next",
	Back:             "Back",
	Send:             "Send my answers",
	Sending:          "Sending your answers…",
	Progress:         "Question {n} of {total}",
	Offline:          "No signal — we'll keep trying. Don't close this page.",
	Busy:             "We couldn't save your answers yet — we'll keep trying. Don't close this page.",
	Restored:         "We kept your answers from last time.",
	PreferNot:        "I don't want to say",
	ChooseCouncil:    "Choose a council",
	ErrorPrefix:      "Error:",
	Problem:          "Please check these answers",
	Unavailable:      "We couldn't save your answers just now. Please try again in a minute — your answers are still here.",
	OnlyIf:           "Only answer this if you chose “%s”.",
	UpTo:             "You can write up to %d letters.",
	NotANumber:       "Please write a number, like 12.",
	ThanksTitle:      "Thank you",
	ThanksBody:       "We got your answers. Thank you for telling us about your life.",
	AlreadyHave:      "We already have your answers. You don't need to send them again.",
	Receipt:          "Your receipt code",
	ReceiptNote:      "This code doesn't say who you are. Keep it if you want to see what everyone told us, once the results are ready.",
	Results:          "What you told us",
	UrgentTitle:      "Please get help if you need it",
	UrgentCall:       "Call Childline free on",
	Footer:           "Chorus — young people's voices, heard safely.",
	Start:            "Start",
	ChangeBeforeSend: "You can change your answers until you send them.",
	StartAgain:       "Clear my answers and start again",
	DraftKept:        "Your answers are saved on this phone until you send them, for up to 2 hours. If other people use this phone, you can clear them.",
	CodeTitle:        "Your group code",
	CodeLabel:        "Group code",
	CodeHint:         "The adult running your group will give you a code. It looks like K7QM-2PXW.",
	CodeNote:         "The code tells us which group you are in, not who you are.",
	CodeSend:         "Continue",
	CodeOK:           "Your code works.",
	CodeProblem:      "Please check your code",
	EmptyAsk:         "You haven't answered anything. Send anyway?",
	EmptyHint:        "You can still answer any of the questions, or send the form as it is.",
	SendAnyway:       "Send anyway",
	Limit:            "You can choose up to {n}. Untick one to choose a different one.",
}

var wordsCY = &words{
	Lang: "cy", Language: "Iaith", English: "English", Welsh: "Cymraeg",
	About:            "Beth yw hwn",
	WhoSees:          "Pwy fydd yn gweld dy atebion",
	SkipAny:          "Gelli di neidio dros unrhyw gwestiwn nad wyt ti eisiau ei ateb.",
	ChooseVersion:    "Dewisa'r un sy'n addas i ti",
	Closed:           "Mae'r arolwg hwn wedi cau nawr. Diolch am fod eisiau cymryd rhan.",
	Bigger:           "Testun mwy",
	ReadAloud:        "Darllen yn uchel",
	Next:             "Nesaf",
	Back:             "Yn ôl",
	Send:             "Anfon fy atebion",
	Sending:          "Yn anfon dy atebion…",
	Progress:         "Cwestiwn {n} o {total}",
	Offline:          "Dim signal — byddwn ni'n dal ati i drio. Paid â chau'r dudalen hon.",
	Busy:             "Doedden ni ddim yn gallu cadw dy atebion eto — byddwn ni'n dal ati i drio. Paid â chau'r dudalen hon.",
	Restored:         "Rydyn ni wedi cadw dy atebion o'r tro diwethaf.",
	PreferNot:        "Dydw i ddim eisiau dweud",
	ChooseCouncil:    "Dewisa gyngor",
	ErrorPrefix:      "Gwall:",
	Problem:          "Gwiria'r atebion hyn",
	Unavailable:      "Doedden ni ddim yn gallu cadw dy atebion nawr. Rho gynnig arall arni mewn munud — mae dy atebion yn dal yma.",
	OnlyIf:           "Ateba hwn dim ond os dewisaist ti “%s”.",
	UpTo:             "Gelli di ysgrifennu hyd at %d llythyren.",
	NotANumber:       "Ysgrifenna rif, er enghraifft 12.",
	ThanksTitle:      "Diolch",
	ThanksBody:       "Rydyn ni wedi cael dy atebion. Diolch am ddweud wrthym ni am dy fywyd.",
	AlreadyHave:      "Mae dy atebion gyda ni yn barod. Does dim angen i ti eu hanfon eto.",
	Receipt:          "Dy god derbynneb",
	ReceiptNote:      "Dydy'r cod hwn ddim yn dweud pwy wyt ti. Cadwa fe os wyt ti eisiau gweld beth ddywedodd pawb wrthym ni, pan fydd y canlyniadau'n barod.",
	Results:          "Beth ddywedoch chi wrthym ni",
	UrgentTitle:      "Cael help os oes ei angen arnat ti",
	UrgentCall:       "Ffonia Childline am ddim ar",
	Footer:           "Chorus — lleisiau pobl ifanc, wedi'u clywed yn ddiogel.",
	Start:            "Dechrau",
	ChangeBeforeSend: "Gelli di newid dy atebion nes i ti eu hanfon.",
	StartAgain:       "Clirio fy atebion a dechrau eto",
	DraftKept:        "Mae dy atebion wedi'u cadw ar y ffôn hwn nes i ti eu hanfon, am hyd at 2 awr. Os bydd pobl eraill yn defnyddio'r ffôn hwn, gelli di eu clirio.",
	CodeTitle:        "Cod dy grŵp",
	CodeLabel:        "Cod y grŵp",
	CodeHint:         "Bydd yr oedolyn sy'n rhedeg dy grŵp yn rhoi cod i ti. Mae'n edrych fel K7QM-2PXW.",
	CodeNote:         "Mae'r cod yn dweud wrthym ni ym mha grŵp rwyt ti, nid pwy wyt ti.",
	CodeSend:         "Ymlaen",
	CodeOK:           "Mae dy god yn gweithio.",
	CodeProblem:      "Gwiria dy god",
	EmptyAsk:         "Dwyt ti ddim wedi ateb dim byd. Anfon beth bynnag?",
	EmptyHint:        "Gelli di ateb unrhyw un o'r cwestiynau o hyd, neu anfon y ffurflen fel y mae.",
	SendAnyway:       "Anfon beth bynnag",
	Limit:            "Gelli di ddewis hyd at {n}. Dad-dicia un i ddewis un gwahanol.",
}

func wordsFor(lang string) *words {
	if lang == "cy" {
		return wordsCY
	}
	return wordsEN
}

// messagesCY translates the domain's validation messages (chorus.Version.Validate)
// into Welsh. A message not listed here is shown as it is.
var messagesCY = []struct{ en, cy string }{
	{"This question is not part of this survey.", "Dydy'r cwestiwn hwn ddim yn rhan o'r arolwg hwn."},
	{"We couldn't read this answer. Please answer it again.", "Doedden ni ddim yn gallu darllen yr ateb hwn. Ateba fe eto, os gweli di'n dda."},
	{"Please choose from the answers shown.", "Dewisa o'r atebion sydd i'w gweld."},
	{"You chose the same answer twice. Please choose it once.", "Dewisaist ti'r un ateb ddwywaith. Dewisa fe unwaith."},
	{`You chose "I don't want to say" and other answers. Please choose one or the other.`, `Dewisaist ti "Dydw i ddim eisiau dweud" ac atebion eraill. Dewisa un neu'r llall.`},
	{"Please answer this question.", "Ateba'r cwestiwn hwn, os gweli di'n dda."},
	{"Please choose a council area from the list.", "Dewisa ardal cyngor o'r rhestr."},
	{"You can choose up to %d answers. Please untick some.", "Gelli di ddewis hyd at %d ateb. Tynna'r tic oddi ar rai."},
	{"This is too long. You can write up to %d letters and spaces, and you wrote %d.", "Mae hyn yn rhy hir. Gelli di ysgrifennu hyd at %d llythyren a bwlch, ac rwyt ti wedi ysgrifennu %d."},
	{"Please write a number from %d to %d.", "Ysgrifenna rif o %d i %d."},
	{wordsEN.NotANumber, wordsCY.NotANumber},
	{"This survey is closed. Thank you for wanting to take part.", wordsCY.Closed},
	{chorus.MsgCodeWrong, "Dydyn ni ddim yn adnabod y cod hwnnw. Gwiria fe a rho gynnig arall arni. Mae'n edrych fel K7QM-2PXW."},
	{chorus.MsgCodeStopped, "Dydy'r cod hwn ddim yn gweithio rhagor. Gofynna i'r oedolyn sy'n rhedeg dy grŵp am un newydd."},
	{chorus.MsgCodeTooMany, "Gormod o godau anghywir o'r cysylltiad hwn. Arhosa am ychydig funudau a rho gynnig arall arni."},
	{chorus.MsgTokenMissing, "Mae angen cod grŵp ar gyfer yr arolwg hwn. Teipia'r cod a gest ti gan yr oedolyn sy'n rhedeg dy grŵp."},
	{chorus.MsgTokenStopped, "Dydy cod dy grŵp ddim yn gweithio rhagor. Teipia god newydd gan yr oedolyn sy'n rhedeg dy grŵp."},
}

var messagePatterns = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(messagesCY))
	for i, m := range messagesCY {
		out[i] = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(m.en), "%d", `(-?\d+)`) + "$")
	}
	return out
}()

// localize returns a validation message in lang.
func localize(msg, lang string) string {
	if lang != "cy" {
		return msg
	}
	for i, re := range messagePatterns {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for j := range args {
			args[j] = m[j+1]
		}
		return fmt.Sprintf(strings.ReplaceAll(messagesCY[i].cy, "%d", "%s"), args...)
	}
	return msg
}
