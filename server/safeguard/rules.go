package safeguard

// ruleSpec is a group of patterns for one category (see parsePattern for the
// syntax). Patterns are normalized like answers, so "hit" also matches
// "hitt" and "h1t", and "want to" matches "wanna" and "want 2".
type ruleSpec struct {
	category string
	patterns []string
	// unless are idioms that cancel a match they overlap.
	unless []string
	// notAfter are words that cancel a match when they come directly before
	// it: "it hits me", "the ball hit me".
	notAfter []string
	// keepNegated is set when a negation is part of the phrase itself
	// ("no food", "do not feel safe"), so a negator must not cancel it.
	keepNegated bool
}

const (
	// violentVerbs are things a person does to a child's body.
	violentVerbs = "hit|hits|hitting|beat|beats|beating|kick|kicks|kicking|kicked|punch|punches|punched|punching|" +
		"slap|slaps|slapped|slapping|smack|smacks|smacked|smacking|batter|batters|battered|" +
		"strangle|strangles|strangled|strangling|choke|chokes|choked|choking|whip|whips|whipped|" +
		"belt|belts|belted|hurt|hurts|hurting|abuse|abuses|abused|abusing|bruise|bruised|" +
		"grab|grabs|grabbed|push|pushes|pushed|shove|shoves|shoved|drag|drags|dragged|" +
		"pinch|pinches|pinched|burn|burns|burnt|burned|spit|spits|attack|attacks|attacked|" +
		"throttle|throttled|headbutt|headbutted|stamp|stamped|stab|stabs|stabbed"
	// passiveHarm are past participles for "I get hit", "I was beaten".
	passiveHarm = "hit|beaten|kicked|punched|slapped|smacked|battered|abused|strangled|choked|" +
		"burnt|burned|whipped|belted|touched|molested|raped|assaulted|attacked|stabbed|threatened"
	// peers are other children, for bullying rather than abuse.
	peers = "kids|boys|girls|bullies|bully|pupils|students|classmates|lads|gang|year|class|older|school|teenagers"
	// adults are the grown-ups around a child at home.
	adults = "dad|mum|step|carer|carers|foster|uncle|auntie|aunt|grandad|grandma|nan|boyfriend|girlfriend|" +
		"partner|parent|parents|him|her|man|he|she|brother|sister|cousin|mums|dads"
	// places of home.
	homes = "home|house|placement|flat|room|bedroom|there|here|carers|foster"
)

var defaultRules = compileRules([]ruleSpec{
	// Suicide.
	{
		category: Suicide,
		patterns: []string{
			"kill|killing|killed myself",
			"end|ending|take|taking my own? life",
			"end|ending|ended it all|everything",
			"thinking|think|thought about|of ending|killing it|myself|everything",
			"want|wanted|wanting|wish|wished ~2 disappear forever|for_good|and_never_come_back",
			"want|wanted|wanting|going|plan|planning to end it",
			"suicide", "suicidal",
			"want|wanted|wanting|wish|wished|ready|planning|plan|deserve to die",
			"wish i was|were dead",
			"want|wanted|wanting to be dead",
			"better off dead",
			"better off without me",
			"wish i was|were|had never? born|been_born",
			"hang|hanging myself",
			"jump|jumping|throw|throwing myself? off ~2 bridge|building|roof|cliff",
			"jump|jumping|throw|throwing myself? in front of ~1 train|car|bus|lorry",
			"overdose|overdosed|overdosing",
			"took|take|taking|swallowed|swallow ~2 load|lot|bunch|handful|packet|box of pills|tablets|paracetamol",
		},
		unless: []string{
			"told|tell|tells|telling|say|says|said|saying ~3 kill myself",
			"kill|killing|killed myself laughing",
			"suicide squad",
			"die my|her|his|your hair",
			"die of|from laughing|laughter|boredom|embarrassment|cringe",
		},
	},
	{
		category:    Suicide,
		keepNegated: true,
		patterns: []string{
			"no point|reason ~2 living|live|alive|life",
			"not want to live|exist|be_alive|wake_up|be_here_anymore|be_here_any_more",
			"wish|hope|want|wanting ~4 never|not wake up",
			"not worth living",
			"not|nothing ~1 live for",
			"can not go on anymore|any_more|living|like_this",
			"nobody|no_one would care|miss ~2 if i died|was_gone|was_dead|killed|wasnt_here",
		},
	},
	// Self-harm.
	{
		category: SelfHarm,
		patterns: []string{
			"hurt|hurting|hurts|harm|harming|cut|cuts|cutting|burn|burning|burnt|scratch|scratching|hit|hitting|punch|punching|starve|starving|bite|biting|bruise|bruising myself",
			"self harm|harming|harmed|harms",
			"cut|cutting|cuts|slit|slitting|slice|slicing|slash|slashing ~1 wrist|wrists|arms|thighs|legs|skin",
			"make|made|making|makes myself sick|throw_up|vomit",
			"bang|banging|hit|hitting my head ~3 wall|walls|floor",
			"punch|punching|punched|hit|hitting|smash|smashing walls|the_wall|a_wall|the_walls",
			"until|til|till my hands|knuckles|arms bleed|bled|bleeding",
			"i cut|cuts",
		},
		unless: []string{
			"myself ~2 accident|accidentally|shaving|cooking|playing|football|rugby|pe|trampoline|skating|bike|fell|falling|paper",
			"i cut|cuts ~2 hair|grass|paper|cake|food|out|up|down|it|class|lessons",
			"cut ~2 wrist|wrists|arms|thighs|legs|skin ~2 accident|fence|glass|football",
		},
	},
	// Abuse by someone around the child.
	{
		category: Abuse,
		patterns: []string{
			violentVerbs + " me|us",
			"get|gets|got|getting|been|being|was|were|am ~1 " + passiveHarm,
			"touch|touches|touched|touching me|us",
			"touch|touches|touched|touching my ~1 private|privates|bum|body|chest|boobs|willy|bits",
			"make|makes|made|making me|us touch|touches|touching",
			"make|makes|made|making me|us do things|stuff ~1 i ~1 want|like",
			"rape|raped|rapes|raping",
			"molest|molested|molests|molesting",
			"sexually ~1 abused|assaulted|touched|hurt",
			"abuse|abused|abusive|abuser",
			"threaten|threatens|threatened|threatening to ~1 hurt|kill|hit|beat|stab|burn|kick|punch me|us",
			"lock|locks|locked|locking me|us in",
			"throw|throws|threw|throwing things|stuff ~2 at me|us",
			"bruises|bruised",
			"get|gets|got|getting the belt|slipper|wooden_spoon|stick|cane",
		},
		unless: []string{
			violentVerbs + " me|us up|back",
			"beat|beats|beating|beaten me|us at|in|on|to",
			"push|pushes|pushed|pushing me|us to do|be|try|work|keep|achieve|improve|get|go",
			"grab|grabs|grabbed me|us a|some",
			"touch|touches|touched|touching me|us emotionally|deeply|heart",
			"touched|touches by|that|how",
			"beaten|beat|thrashed|hit ~3 nil|0|1|2|3|4|5|6|7|8|9|10|on_penalties",
			"pinch me ~1 i am dreaming",
			peers + " ~4 " + violentVerbs + " me|us",
			"hit|kicked|hurt|punched|bruised|bruises ~4 football|rugby|pe|match|training|ball|accident|fell|falling|boxing|karate",
			"bruises|bruised ~2 easily|from|on my? knee|knees|leg|legs",
			"lock|locks|locked|locking me|us in ~1 the? car|cupboard_by_accident",
			"kicked|thrown|chucked out|off",
		},
		notAfter: []string{"it", "that", "this", "what", "which", "ball", "door", "car", "bus", "thing",
			"something", "reality", "truth", "song", "music", "smell", "sun", "wave", "cold", "dog",
			"cat", "spider", "bee", "wasp", "insect", "hamster", "rabbit", "horse", "snake", "tiredness",
			"story", "film", "movie", "words", "kindness", "you"},
	},
	// Neglect.
	{
		category:    Neglect,
		keepNegated: true,
		patterns: []string{
			"no|not_enough|never_any|never_enough|hardly_any food|dinner|tea|breakfast|meals|meal",
			"nothing to eat",
			"never|not have|get|got ~1 dinner|food|breakfast|tea|meals|anything_to_eat",
			"nobody|not|never ~2 feed|feeds|fed|feeding me|us",
			"not|never ~1 get|got|been|am|are|was|being fed|food",
			"always|often ~1 hungry|starving",
			"hungry|starving all_the_time|every_day|most_days|at_home|at_night",
			"go|goes|went|going|sent to bed hungry|without_food|without_tea|without_dinner",
			"no|not_have|not_got|never_have clean_clothes|water|heating|electric|electricity|bed|blankets|hot_water",
			"sleep|sleeping|slept on the floor",
			"nobody|not|never ~2 looks|look|looked|looking after me|us",
			"nobody|not|never ~2 cares|care|cared|takes|take ~1 care? of|for me|us",
			"leave|leaves|left me|us alone|home|on_my_own ~3 all_day|all_night|for_days|all_weekend|every_night|for_hours",
			"left|home alone|on_my_own ~3 all_day|all_night|for_days|all_weekend|every_night|for_hours",
			"locked out",
		},
		unless: []string{
			"fed up",
			"no food allowed|in_class|in_lessons|in_the_classroom|in_the_library",
			"no food ~1 i|that_i like|want",
			"not|never ~1 get|got food poisoning",
			"food tech|technology|bank|banks|waste|fight|fights",
		},
	},
	// Not safe at home.
	{
		category:    UnsafeHome,
		keepNegated: true,
		patterns: []string{
			"not|never ~1 feel|feels|felt|feeling ~1 safe|secure",
			"not|never safe at|in ~1 " + homes,
			"not|never safe where_i_live|with",
			"feel|feels|felt|feeling unsafe",
			"unsafe at|in ~1 " + homes,
			homes + " ~2 not|never ~1 safe",
			homes + " ~2 unsafe",
			"not want to go|be home|back",
			"nowhere ~2 safe",
		},
		unless: []string{"not|never unsafe", "not want to go back ~3 school|college|class|lessons|work|normal"},
	},
	{
		category: UnsafeHome,
		patterns: []string{
			"scared|afraid|frightened|terrified|petrified|scares|frightens ~2 go|going|be|being ~1 home|back",
			"scared|afraid|frightened|terrified|petrified of ~3 " + adults,
			"scared|afraid|frightened|terrified|petrified at|in ~1 home|house|placement",
			"kicked|kick|kicks|threw|thrown|throw me|us out",
			"got|get|been|was kicked|thrown out",
			"domestic violence|abuse",
			"always|every_day|every_night|all_the_time ~2 drunk|wasted|stoned",
			"drunk|wasted|stoned ~2 every_day|every_night|all_the_time",
			"high on drugs|weed|something",
			"takes|take|taking|does|doing|smokes|smoking|deals|dealing ~1 drugs|crack|heroin|coke|cocaine",
			"drugs in the house|home|flat",
		},
		unless: []string{
			"out of school|class|lesson|lessons|college|the_game|club|the_team|the_lesson",
		},
		notAfter: []string{"ball"},
	},
	// Exploitation.
	{
		category: Exploitation,
		patterns: []string{
			"make|makes|made|making|force|forces|forced|pay|pays|paid me|us ~1 to? sell|deliver|carry|hold|hide|move|run|drop|deal|steal",
			"sell|selling|sold|deal|dealing|carry|carrying|deliver|delivering|hold|holding|hide|hiding ~2 drugs|weed|crack|coke|cocaine|heroin|pills|packages|parcels|knife|knives",
			"county lines",
			"trap house|phone",
			"go|going|went country",
			"nudes|nude",
			"send|sent|sending|asked|asks|asking|wants|wanted ~3 naked|rude|sexy ~1 pictures|pics|photos|videos|selfies",
			"send|sent|sending|asked|asks|asking|wants|wanted ~2 pictures|pics|photos|videos ~2 of me|of_myself|my_body",
			"asking|asks|asked|wants|wanted me|us? for pics|pictures|photos|selfies|videos",
			"online ~4 wants|wanted|asked|asks|asking ~2 meet",
			"met|meet|meeting ~3 man|men|guy|guys|adult|adults ~3 online|internet|snapchat|instagram|tiktok",
			"older|adult|grown ~1 man|men|guy|guys|boyfriend|lads|boys ~4 give|gives|gave|buy|buys|bought|pay|pays|paid me|us",
			"gives|give|gave|buys|bought|pays|paid me|us ~1 money|drugs|weed|alcohol|vapes|drink|drinks ~2 if|to|for",
			"sugar daddy",
			"groom|grooming|groomed",
			"owe|owes ~4 money|debt ~4 threaten|threatened|hurt|else|work",
			"carry|carries|carrying a? knife|knives|blade",
			"hide|hold|keep|carry|stash ~2 stuff|things|bags|packages|parcels for ~2 older|them|lads|boys|men|gang",
		},
		unless: []string{
			"sell|selling|sold ~2 sweets|cakes",
			"pics|pictures|photos|videos of the|our|my|his|her holiday|trip|dog|cat|homework|work|party|drawing",
		},
	},
	// Running away or going missing.
	{
		category: RunningAway,
		patterns: []string{
			"run|ran|running|runs away",
			"runaway",
			"go|goes|went|gone|going missing",
			"sleep|sleeping|slept|sleeps rough|outside",
			"sleep|sleeping|slept|sleeps on the street|streets",
			"sleep|sleeping|slept|sleeps in a|the park",
			"homeless",
			"sofa surf|surfing",
			"stay|stayed|staying|stays out all_night|for_days",
		},
		unless: []string{
			"dog|cat|pet|hamster|rabbit|bird|horse|puppy|kitten|ball|balloon|budgie ~1 ran|run|runs|running|went|gone|going|go|goes",
			"away from a|an|the|some|my? spider|spiders|dog|dogs|bee|bees|wasp|wasps|cow|cows|goose|geese|horse|clown|monster|ghost|bug|bugs|mouse|rat|snake|bull|seagull|pigeon|cat",
			"phone|phones|keys|bag|money|stuff|things|homework|coat|shoes|sock|socks|book|books|bike ~1 go|went|gone|going|goes missing",
			"run|ran|running away with it",
			"run|ran|running away ~6 tag|chase|game|games|playing|play",
			"who|that|which run|runs|ran away",
			"homeless people|person|man|woman|shelter|charity",
		},
	},
	// Severe bullying: violence, threats or telling a child to harm themselves.
	{
		category: BullyingSevere,
		patterns: []string{
			peers + " ~4 " + violentVerbs + " me|us",
			"beat|beats|beating|beaten me? up",
			"jump|jumped|jumps|jumping me|us",
			"get|got|getting|been jumped",
			"told|tell|tells|telling|say|says|said|saying|call|calls|called|send|sends|sent|message|messages|messaged|comment|comments|commented ~3 kill myself|yourself",
			"people|they|everyone|kids|boys|girls ~3 kill yourself",
			"threaten|threatens|threatened|threatening to ~1 stab|jump|kill|beat|hurt me|us",
			"pulled|pull|pulls ~1 a? knife on me|us",
			"bullied|bulying ~3 every_day|everyday|all_the_time|so_bad|badly|constantly|every_single_day|non_stop",
			"bully|bullies me|us ~3 every_day|everyday|all_the_time|so_bad|badly|constantly|every_single_day|non_stop",
			"post|posted|share|shared|sharing|film|filmed|filming ~3 me ~3 fighting|naked|crying|getting",
		},
		unless: []string{"beat|beats|beating me|us at|in|on|to", "jump|jumped|jumps|jumping me|us in ~1 queue"},
	},
})
