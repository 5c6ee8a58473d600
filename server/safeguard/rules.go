package safeguard

import "slices"

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
	// level is Urgent or Concern; "" takes the category's (see urgentCategories).
	level string
}

// urgentCategories are the kinds of harm that are urgent when told as
// happening now; the others are a concern.
var urgentCategories = []string{Suicide, SelfHarm, Abuse, UnsafeHome, Exploitation}

func (s ruleSpec) levelOf() string {
	if s.level != "" {
		return s.level
	}
	if slices.Contains(urgentCategories, s.category) {
		return Urgent
	}
	return Concern
}

const (
	// violentVerbs are things a person does to a child's body.
	violentVerbs = "hit|hits|hitting|beat|beats|beating|kick|kicks|kicking|kicked|punch|punches|punched|punching|" +
		"slap|slaps|slapped|slapping|smack|smacks|smacked|smacking|batter|batters|battered|" +
		"strangle|strangles|strangled|strangling|choke|chokes|choked|choking|whip|whips|whipped|" +
		"belt|belts|belted|hurt|hurts|hurting|abuse|abuses|abused|abusing|bruise|bruised|" +
		"grab|grabs|grabbed|push|pushes|pushed|shove|shoves|shoved|drag|drags|dragged|" +
		"pinch|pinches|pinched|burn|burns|burnt|burned|spit|spits|attack|attacks|attacked|" +
		"throttle|throttled|headbutt|headbutted|stamp|stamped|stab|stabs|stabbed|whack|whacks|whacked|" +
		"thump|thumps|thumped|wallop|walloped|slam|slams|slammed|pin|pins|pinned|restrain|restrains|restrained|" +
		"shake|shakes|shook|bite|bites|bit|scratch|scratches|scratched|pull|pulls|pulled"
	// passiveHarm are past participles for "I get hit", "I was beaten".
	passiveHarm = "hit|beaten|kicked|punched|slapped|smacked|battered|abused|strangled|choked|" +
		"burnt|burned|whipped|belted|touched|molested|raped|assaulted|attacked|stabbed|threatened|" +
		"pushed|shoved|pulled|dragged|thrown|grabbed|pinned|restrained|held_down|whacked|thumped|" +
		"locked_in|locked_up|shut_in|tied_up|starved|groomed|trafficked|exploited|taken_to|passed_around|beaten_up"
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
			"never|not|nobody ~2 thought|think|thinking about|of ~1 suicide|killing|ending",
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
			"i cut|cuts ~2 hair|grass|paper|cake|food|out|up|down|it|class|lessons|finger|fingers|thumb|fringe|nails|toenails|sandwich|sandwiches|bread|onion|onions|veg|vegetables|pizza|my_own|wood|cardboard|fabric|shapes",
			"never|not|nobody ~2 thought|think|thinking about|of ~1 hurting|harming|cutting|killing|hurt|harm|cut|kill",
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
			"threaten|threatens|threatened|threatening to ~1 hurt|kill|harm|hit|beat|stab|take_away|get_rid_of my ~1 sister|brother|mum|mam|dog|cat|family|pets|pet|siblings|nan",
			"lock|locks|locked|locking me|us in",
			"throw|throws|threw|throwing things|stuff ~2 at me|us",
			"bruises|bruised",
			"get|gets|got|getting the belt|slipper|wooden_spoon|stick|cane",
			"take|takes|took|taking off? my|our clothes off?",
			"undress|undresses|undressed|undressing me|us",
			"make|makes|made|making|force|forces|forced me|us to? have sex|sleep_with|do_sexual|watch_porn|watch_him|take_my_clothes|touch_him|touch_her",
			"men|man|they|he ~2 brought to me",
			"could|would|nearly|almost have? killed|strangled|stabbed her|him|me|us|mum|my_mum",
			"or he|she|they|he'd|she'd|they'd ~1 would|will|'ll kill|hurt|stab|beat|batter me|us",
			"beg for my life",
			"gun|rifle|knife|blade|machete ~4 to|at|in my ~1 head|throat|neck|mouth|face",
			"knife|knives ~6 blood",
			"live|lived|living in fear",
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
			"pulled|pushed|dragged|thrown|taken out of|off|up|over|into|to_do|to_try|to_be|to_the_side|apart",
			"pushed|pulled ~1 to|into do|doing|be|go|try|work|achieve|my|it|the",
			"grabbed ~1 a|some|lunch|food|drink|bite|coffee|chips",
			"taken to the|a? school|hospital|doctor|doctors|dentist|park|cinema|zoo|beach|seaside|shops|town|football|swimming|see|visit|contact|court|meeting|meetings|appointment|appointments|hospital|camp|club|youth_club",
			"locked in the? car|cupboard_by_accident|toilet_by_accident",
			"thrown a|the? party|ball|surprise",
			"hit ~2 by ~1 a? ball|car|bus|bike|door|branch|football|wave|swing|cricket_ball|hockey_stick|frisbee",
		},
		notAfter: []string{"it", "that", "this", "what", "which", "ball", "door", "car", "bus", "thing", "wind", "rain",
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
			"not_enough|no food ~4 choice|choices|options|at_lunch|at_school|in_the_canteen|for_everyone|left|seconds",
			"school|lunch|lunches|canteen|dinners|dinner_hall|menu ~8 not_enough|no food",
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
			"not want to be|stay at home|in_the_house",
			"nowhere ~2 safe",
		},
		unless: []string{
			"not|never unsafe", "not want to go back ~3 school|college|class|lessons|work|normal",
			"not want to be|stay at home|in_the_house ~6 summer|holidays|holiday|weekend|bored|boring|all_day|camp|trip|friends|mates",
		},
	},
	{
		category: UnsafeHome,
		patterns: []string{
			"scared|afraid|frightened|terrified|petrified|scares|frightens ~3 go|going|be|being ~1 home|back",
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
			"go|going|be|being back ~2 school|college|class|work|lessons|after|to_the_dentist|to_the_doctor",
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
			"everyone|everyone's|everyones|everybody|people|kids|lads|boys|girls|others|loads|lots|they|some ~3 carry|carries|carrying a? knife|knives|blade",
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
			"tag|chase|hide_and_seek|game|games|playing|play ~6 run|ran|running|runs away",
			"away from the|a chaser|seeker|tagger|catcher|it",
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
	// Patterns from the literature that earlier rules missed: harm told
	// without naming who did it, coercion with secrecy, grooming by someone
	// much older, fear of the people where a child lives, neglect in
	// children's words, online and criminal exploitation, self-harm and
	// suicidal thoughts in young people's own words. Sources: the ChildLine
	// casenotes series and annual reviews (NSPCC), Barnardo's and Children's
	// Society case studies, Childline's online-harm and sextortion briefings;
	// see server/safeguard/testdata/README.md.
	{
		category: Abuse,
		patterns: []string{
			"told|tells|telling|said|says|warned me|us? not to tell",
			"our|little|dirty secret",
			"has|had|have to be|stay|keep ~1 a? secret",
			"keep it|this|that|what|things ~2 secret|quiet|between_us",
			"if i|we tell|told anyone|anybody|someone|somebody|mum|my_mum|the_police|school|my_social_worker ~5 hurt|kill|trouble|bad|taken|believe|hate|sent|jail|prison|arrested|locked_up",
			"threaten|threatens|threatened|threatening ~8 if i|we ~1 ever? say|said|tell|told|speak|spoke",
			"if anyone|anybody|someone found|finds out ~4 hurt|kill|trouble|bad|taken",
			"won't|wouldn't|would_not|will_not believe me",
		},
		unless: []string{
			"secret santa|garden|agent|base|society|recipe|ingredient|level|door|passage|room|code|admirer|santa",
			"keep ~2 secret ~3 surprise|present|presents|birthday|party|game",
			"not to tell ~3 spoilers|ending|surprise|present|birthday",
		},
	},
	{
		category: Exploitation,
		level:    Concern,
		patterns: []string{
			"much|lot|way|years|loads|well older ~3 than me",
			"older boyfriend|girlfriend|man|men|guy|guys|bloke|lads",
			"boyfriend|girlfriend|bf|gf ~3 older than me",
			"boyfriend|girlfriend|bf|gf ~3 is|was 18|19|20|21|22|23|24|25|26|27|28|29|30|35|40",
			"said|says|told me he|she was|is 18|19|20|21|22|23|24|25",
		},
		unless: []string{
			"brother|sister|brothers|sisters|cousin|cousins|siblings ~4 older",
			"one|two|a|1|2|few|couple_of|some year|years|months|month older than me",
		},
	},
	{
		category: Exploitation,
		patterns: []string{
			"make|makes|made|making|force|forces|forced me|us to? share|send|take ~2 pics|pictures|photos|videos|nudes|selfies",
			"make|makes|made|making me|us do stuff|things with ~1 other? guys|men|people|him|them|his",
			"threaten|threatens|threatened|threatening|going|gonna to? post|share|send|show|release|leak|put ~6 video|videos|pic|pics|pictures|photos|nudes|images",
			"asked|asks|asking|wants|wanted|told me|us to send ~3 pics|pictures|photos|videos|selfies",
			"blackmail|blackmails|blackmailed|blackmailing|sextortion",
			"drug|drugs debt|debts",
			"clear|pay|paying|pay_off|owe|owed ~3 debt|debts",
			"made|make|makes|forced|force|had_to ~2 sleep with",
			"sexually exploited|exploited",
			"someone|they|he|she|people|somebody might|could|would|will|are_going_to|is_going_to shoot|stab|kill|kidnap me|us",
			"feared|fear|scared|afraid|frightened|terrified for my life|safety",
			"carrying|carried|delivering|delivered|moving|moved|selling|sold ~3 drugs|weed|crack|coke|cocaine|heroin|packages",
		},
		unless: []string{
			"pics|pictures|photos|videos of the|our|my|his|her holiday|trip|dog|cat|homework|work|party|drawing|food|nan|grandma|family",
			"kill me ~3 if|when",
			"about|against|on drugs",
		},
	},
	{
		category:    Neglect,
		keepNegated: true,
		patterns: []string{
			"nobody|no_one|noone to ~3 cook|feed|look_after|take_care|wash|get_me_up",
			"out_of|off her|his|their face|faces",
			"mum|dad|parents|carer|carers|they|she|he ~2 use|used|uses|using|take|took|taking drugs|heroin|crack|weed|spice",
			"forget|forgets|forgot|forgetting to feed|take_me_to_school|pick_me_up|come_home",
			"not|never|hasn't|haven't|hadn't eaten ~3 hours|days|since|all_day",
			"left me|us|on_my_own|alone ~3 with strangers|strange_people|at_night",
			"nowhere else to go",
			"nowhere to sleep|stay|live",
			"nobody|no_one|noone ~2 home|in ~3 cold|hungry|locked|nowhere|food",
		},
	},
	{
		category: UnsafeHome,
		patterns: []string{
			"who|that ~1 scare|scares|frighten|frightens|terrify|terrifies|threaten|threatens|bully|bullies me|us",
			"scared|afraid|frightened|terrified|petrified to leave|go_out_of my? room|bedroom",
			"scared|afraid|frightened|terrified|petrified ~2 when|that he|she|they ~3 come|comes|gets|get home|drunk|angry",
			"never know when he|she|they ~3 snap|hit|flip|kick_off|go_off|hurt",
			"lock|locked|locking myself ~3 bathroom|room|toilet|bedroom",
			"hide|hid|hiding ~3 under_the_bed|in_the_wardrobe|in_my_wardrobe|in_the_cupboard",
		},
		unless: []string{
			"film|films|movie|movies|clown|clowns|spider|spiders|dog|dogs|ghost|ghosts|dark|heights|exam|exams|thunder|wasps|bees ~3 who|that",
			"hide|hid|hiding ~3 presents|present|hide_and_seek|game|playing",
			"lock|locked|locking myself ~5 to play|to_do|to_get_changed|to_revise|to_study|to_chill|to_game",
		},
	},
	{
		category: Suicide,
		patterns: []string{
			"better off if i ~2 not_here|gone|dead|not_around|disappeared|never_born|did_not_exist",
			"want|wanted|wanting|wish ~1 to be_gone|disappear|not_exist|stop_existing",
			"terrified|scared|afraid|frightened of what i might|will|could do",
			"could|would|should|want|wanted|going|thinking|think|thought ~2 jump_off|jumping_off",
			"boxes|packets|bottles|strips|handful|handfuls of? paracetamol|pills|tablets|painkillers",
			"took|taken|take|swallowed|swallow ~3 paracetamol|pills|tablets|painkillers ~3 hospital|die|end",
			"tried|try|trying|attempted|attempt ~2 to? end_it|end_my_life|end_things|hang|overdose|suicide",
		},
		unless: []string{
			"jump|jumping off ~3 diving|board|springboard|trampoline|wall|swing|rope|boat|pier|rocks|bed|sofa|stage|bus|train|bike|horse",
		},
	},
	{
		category: SelfHarm,
		patterns: []string{
			"scratch|scratched|scratching|carve|carved|carving|pick|picked|picking ~4 hand|hands|arm|arms|wrist|wrists|leg|legs|skin|thigh|thighs|stomach",
			"cuts|scars|marks|burns ~1 on|across|up my ~1 arm|arms|wrist|wrists|thighs|legs|stomach|skin",
			"hide|hid|hiding|cover|covered|covering ~3 cuts|scars|marks|burns",
			"pain|hurt ~3 to|on myself",
			"the? only thing ~3 helps|works ~3 cutting|hurting|pain",
			"need|needed|want|wanted|urge ~2 to_cut_myself|to_hurt_myself|to_harm_myself|to_cut_again",
			"sleeves ~3 cuts|scars|hide|cover",
		},
		unless: []string{
			"scratch|scratched|scratching ~4 by|from|on a|the? cat|dog|kitten|bush|brambles|nettles|fence|branch|nail|wall",
			"pick|picked|picking ~4 up|out|me|team|teams",
			"cuts|scars|marks|burns ~6 accident|fell|falling|operation|surgery|chicken_pox|cooking|oven|iron|football|rugby|pe|bike|sport",
		},
		notAfter: []string{"cat", "dog", "kitten", "puppy", "hamster", "rabbit", "guinea_pig", "brother", "sister"},
	},
	// Patterns generalised from the development half of the fresh split
	// (testdata/fresh.tsv): harm told through its marks, with no one named
	// ("injuries on my face", "cuts on my head"); violence against a mother
	// seen by a child; fear at home in children's words ("walking on
	// eggshells", "dreading going home", a knife got out); being kept in a
	// room; neglect by parents who are out of it or always at the pub;
	// threats that keep a child quiet ("or we'd be taken into care", "not
	// allowed to snitch"); being told they should never have been born;
	// small jobs that are exploitation ("take a package", "easy money");
	// sleeping rough in more places; self-harm told through the blade, the
	// blood or the cuts getting deeper, and its slang ("sh", "been clean
	// for"); a child imagining their own death or funeral.
	{
		category: Abuse,
		level:    Concern,
		patterns: []string{
			"injuries|injury|cuts|marks|black_eye|black_eyes|bloodshot_eye|bruising|swelling ~2 on|to|all_over|round|around my ~1 face|head|neck|back|body|ribs|throat|eye|eyes",
			"gave|give|gives|giving me|us a? black_eye|black_eyes|bloodshot_eye|nosebleed|fat_lip|split_lip",
			"throw|throws|threw|thrown|throwing|chuck|chucks|chucked|chucking ~1 rocks|stones|bricks|bottles|a_bottle|glasses|a_glass|chairs|a_chair|plates|a_plate|knives|a_knife ~2 at me|us|my_head",
			"should|should_not|shouldnt never? have|of been born",
			"wish|wished|wishes ~1 you|u had|'d never? been born|not_been_born",
			"you|u were|are|was a mistake|an_accident",
			"worst thing that ever? happened to her|him|them",
			"take|takes|took|taking|takes_it|took_it ~1 out on me|us",
		},
		unless: []string{
			"injuries|injury|cuts|marks|bruising|swelling|black_eye|black_eyes ~8 football|rugby|pe|match|fell|fall|falling|accident|bike|trampoline|operation|chicken_pox|skateboard|skating|boxing|karate|hockey",
			"football|rugby|pe|match|fell|fall|falling|accident|bike|trampoline|operation|skateboard|skating|boxing|karate|hockey ~8 injuries|injury|cuts|marks|bruising|swelling|black_eye|black_eyes",
			"take|takes|took|taking ~1 out on me ~2 date|trip|walk|bike|boat|town",
		},
		notAfter: []string{"ball", "it"},
	},
	{
		category: UnsafeHome,
		patterns: []string{
			"hit|hits|hitting|beat|beats|beating|punch|punches|punched|punching|kick|kicks|kicked|kicking|slap|slaps|slapped|slapping|" +
				"strangle|strangles|strangled|strangling|choke|chokes|choked|choking|batter|batters|battered|attack|attacks|attacked|" +
				"push|pushes|pushed|shove|shoves|shoved|hurt|hurts|hurting|throttle|throttled|drag|drags|dragged|abuse|abuses|abused|abusing my? mum|mother|nan|gran|stepmum",
			"walk|walks|walking|walked|tiptoe|tiptoeing on eggshells",
			"dread|dreads|dreading|dreaded going|coming|getting home|back_home",
			"got|gets|get|pulled|pulls|took|takes|had|has|grabbed|grabs ~1 a|the knife|knives out",
			"stinking|stank|stinks|reeking|reeked|reeks of ~1 beer|whisky|booze|alcohol|drink|vodka|wine|cider|lager|weed|cannabis|spice",
			"hide|hid|hides|hiding ~2 upstairs|in_my_room|in_my_bedroom|in_the_bathroom|in_the_toilet|in_my_wardrobe|under_my_bed ~6 from|scared|shouting|fighting|drunk|angry|hitting|arguing|screaming|him|her|them",
		},
		unless: []string{
			"hurt|hurts|hurting my? mum|mother ~2 feelings",
			"knife|knives out ~3 to|for cut|carve|slice|butter|spread|open|cake|bread|pizza|dinner|tea",
			"hide|hid|hides|hiding ~4 presents|present|hide_and_seek|seek|game|playing|surprise",
		},
		notAfter: []string{"i", "we", "it", "ball", "that", "this"},
	},
	{
		category:    Neglect,
		keepNegated: true,
		level:       Concern,
		patterns: []string{
			"was|were|am|are|is|get|got|getting|being|be kept|locked|shut|confined in|to ~1 my|our|the|a? room|rooms|bedroom|bedrooms",
			"kept|locked|shut|confined in|to ~1 my|our|the|a? room|rooms|bedroom|bedrooms ~1 except|all_day|all_night|for_days|for_hours|every_day|every_night|as_soon_as",
			"not|never allowed ~2 out_of|to_leave|to_come_out_of|to_go_out_of|round|around|in|into ~1 my|our|the? room|bedroom|house|kitchen|lounge|living_room",
			"often|always|usually|regularly|mostly|constantly left|leave|leaves ~1 on_my_own|alone|by_myself|home_alone|on_our_own|by_ourselves",
			"they|mum|dad|she|he|parents|both|carer|carers ~3 out of it|off_their_heads|off_her_head|off_his_head|off_their_face|wasted|smashed|passed_out",
			"pub|pubs ~2 every night|every_day|all_day|all_night|until|till|til",
			"never|never_any|hardly_ever_any|never_enough food in the? house|home|fridge|cupboards|flat",
		},
		unless: []string{
			"not|never allowed ~2 in|into ~1 my|the room|bedroom|house|kitchen ~3 shoes|food|drinks|phones|muddy|dog|after|before|without",
			"kept|locked|shut|confined in|to ~1 my|our|the|a? room|rooms|bedroom|bedrooms ~6 ill|sick|flu|covid|chickenpox|isolating|poorly|contagious",
		},
	},
	{
		category: Abuse,
		level:    Concern,
		patterns: []string{
			"or ~5 be|get|got|been taken into care|taken_away|put_in_care|sent_away",
		},
	},
	{
		category:    Abuse,
		keepNegated: true,
		level:       Concern,
		patterns: []string{
			"not|never allowed to snitch|grass|tell|say ~2 on|anyone|anybody|about",
		},
		unless: []string{"not|never allowed to tell ~3 lies|fibs|jokes|spoilers"},
	},
	{
		category: Exploitation,
		level:    Concern,
		patterns: []string{
			"easy|quick|fast money",
			"gave|give|gives|giving me|us free? weed|drugs|vapes|fags|cigarettes|pills|coke|cocaine",
			"take|took|taking|drop|dropped|dropping|deliver|delivered|delivering|move|moved|moving ~2 a|the|some|this|that? package|packages|parcel|parcels",
			"burner|burners",
		},
		unless: []string{
			"package|packages|parcel|parcels ~4 post_office|post|amazon|nan|grandma|grandad|neighbour|neighbours|next_door|school_office|reception",
			"post_office|post|amazon ~4 package|packages|parcel|parcels",
			"burner|burners account|accounts|acc|accs|profile|insta|instagram|page",
			"babysitting|paper_round|car_wash|washing_cars|chores|pocket|job|shift|selling_cakes|tutoring|dog_walking ~8 easy|quick|fast money",
			"easy|quick|fast money ~8 babysitting|paper_round|car_wash|washing_cars|chores|pocket|job|shift|selling_cakes|tutoring|dog_walking",
		},
	},
	{
		category: RunningAway,
		patterns: []string{
			"sleep|sleeps|sleeping|slept|living|lived|live|stayed|staying in|on|at a|the? station|stations|bus_station|train_station|bus_stop|car_park|car_parks|stairwell|stairwells|doorway|doorways|bench|benches|underpass|squat|squats",
			"begging|begged|beg ~2 on_the_street|on_the_streets|for_money|for_change|for_food|not_enough_to_eat",
		},
	},
	{
		category: SelfHarm,
		patterns: []string{
			"cuts|scars|wounds|burns ~2 got|get|gets|getting|keep_getting|kept_getting|are_getting|were_getting|went deeper|worse|bigger",
			"punish|punishing|punished|punishes myself",
			"razor|razors|blade|blades|glass|knife|scissors|compass|sharpener|lighter ~4 to|over|on|into|across|against my ~1 arm|arms|wrist|wrists|skin|thigh|thighs|stomach|hips|hip",
			"grab|grabs|grabbed|get|got|use|used|uses|take|took|find|found ~2 glass|blade|blades|razor|razors|sharpener|a_knife|scissors ~3 and|to cut|cutting|hurt|scratch|slice",
			"as long as|until|till|til ~2 blood|bleed|bleeds|bled|bleeding",
			"i|my|to|of|about|urge|urges sh",
			"sh scars|cuts|urges|again|marks|relapse",
			"been|stayed|was|am clean for|since ~3 day|days|week|weeks|month|months|year|years",
			"relapsed|relapse|relapsing ~3 cut|cutting|harm|harming|sh",
		},
		unless: []string{
			"until|till|til ~2 stopped|stop|stops|stopping bleeding|bleed",
			"stop|stopped|stops ~1 the? bleeding|blood",
			"room|bedroom|house|kitchen|car|bike ~3 clean",
			"cuts|scars|wounds|burns ~8 football|rugby|pe|match|fell|fall|falling|accident|bike|trampoline|operation|cooking|oven|skateboard|hockey",
		},
		notAfter: []string{"cat", "dog", "kitten", "puppy", "hamster", "rabbit", "nose", "knee"},
	},
	{
		category: Suicide,
		patterns: []string{
			"my own? funeral",
			"if i died|die|was_dead|were_dead|was_gone|wasnt_here|was_not_here|was_not_around|disappeared|killed_myself",
			"imagine|imagined|imagining|picture|picturing|fantasise|fantasize|dream|dreaming ~3 my own? death|dying|being_dead|funeral|grave",
			"death|dying|being_dead ~2 gratifying|peaceful|a_relief|the_answer|the_only_way|easier|better_than_this",
		},
		unless: []string{
			"if i died|die|was_dead ~3 in|on|at|playing|laughing|of_embarrassment|of_cringe|of_laughter|of_boredom",
			"died|die ~1 my hair",
		},
	},
	// Fear at home, violence seen at home, emotional abuse, being taken
	// into bed, going missing, and suicidal thoughts, in more of the ways
	// children and young people describe them in Childline's, Women's Aid's
	// and The Children's Society's published accounts.
	{
		category: UnsafeHome,
		level:    Concern,
		patterns: []string{
			"hear|heard|hearing|listen|listened|listening ~3 him|her|them|mum|dad|my_mum|my_dad|my_stepdad ~3 screaming|smashing|throwing|hitting|banging|fighting|punching|beating",
			"smash|smashed|smashes|smashing|trashed|trashes|trashing|punched|punches|kicked|kicks|kicking ~2 the|our|my? doors|door|walls|wall|windows|window|plates|furniture|tv|telly|house|place|flat",
			"scared|afraid|frightened|terrified|petrified|worried|worry ~3 he|she|they|dad|mum|stepdad|he'll|she'll|they'll will|might|would|is_going_to|gonna|'ll ~2 kill|hurt|hit|beat|snap|come_back|find_us|find_me",
			"never know|knew what mood ~2 he|she|they|dad|mum|he'll|she'll|they'll|he's|she's|he'd|she'd",
			"on edge ~3 at_home|when_he|when_she|when_they|around_him|around_her|around_them",
			"too scared|frightened|afraid|terrified to ~1 say_anything|make_a_sound|move|go_downstairs|come_out|breathe|go_to_sleep|sleep|go_home|go_back_home",
			"get|got|getting|gets|go|went|stand|stood ~1 in between|in_the_middle_of them",
			"protect|protecting|protected my? mum|mother|brother|sister|siblings|sisters|brothers from him|dad|my_dad|my_stepdad|stepdad|her_boyfriend|them",
		},
		unless: []string{
			"too scared|frightened|afraid|terrified to ~6 film|movie|horror|scary|thunder|storm|dark|spider|spiders|ghost|ghosts|clown|exam|exams|test",
			"film|movie|horror|scary|thunder|storm|dark|spider|spiders|ghost|ghosts|clown ~6 too scared|frightened|afraid|terrified",
		},
		notAfter: []string{"i", "we", "ball", "wind", "it", "storm"},
	},
	{
		category: Abuse,
		level:    Concern,
		patterns: []string{
			"mum|dad|parents|stepdad|stepmum|mother|father|carer|carers ~3 hate|hates|hated me",
			"scream|screams|screamed|screaming|shout|shouts|shouted|shouting|yell|yells|yelled|yelling|swear|swears|swore|swearing at me|us ~3 every_day|all_the_time|for_nothing|constantly|every_night|for_the_smallest|for_the_slightest|for_no_reason|for_everything",
			"punish|punishes|punished|punishing me|us for the? smallest|slightest|littlest|nothing|everything|no_reason",
			"did|does|do|done|doing things|stuff to me|us",
			"what he|she|they did|does|done|do to me|us",
			"what he|she|they was|is|were|are|kept doing to me|us",
		},
		unless: []string{
			"did|does|do|done|doing things|stuff to me|us ~3 laugh|funny|happy|smile|nice|kind|for_my_birthday",
		},
	},
	{
		category: Abuse,
		patterns: []string{
			"stepdad|uncle|dad|he|man|boyfriend|grandad|cousin|him|step_dad ~3 come|comes|came|coming|get|gets|got|getting|climbs|climbed|climbing into|in my bed|in_bed_with_me",
		},
		unless: []string{"bad dream|dreams|nightmare|nightmares|storm|thunder"},
	},
	{
		category:    RunningAway,
		keepNegated: true,
		patterns: []string{
			"sneak|sneaks|sneaking|snuck|sneaked out ~4 night|nights|every|weeks|days|and_not_come_back|not_coming_back|of_the_house|of_home",
			"packed|pack|packing my bags and left|went|walked_out|ran",
			"walk|walked|walking|wandered|wandering ~2 the? streets ~3 all_night|at_night|until|till",
			"walk|walked|walking|wandered|wandering around all night",
			"not|never ~1 come|came|coming|go|went|going|returning|return back|home ~4 days|weeks|nights|a_week",
		},
		unless: []string{"not|never ~1 come|came|coming|go|went|going back|home ~10 holiday|holidays|abroad|camp|trip|residential|nan's|grandma's|dad's|visiting|hospital"},
	},
	{
		category: Suicide,
		patterns: []string{
			"tired of living|life|being_alive|existing",
			"want|wanted|wish|wished ~1 it all|everything to stop|end|be_over",
			"goodbye letter|letters|note|notes|message|messages",
			"happier without me",
		},
	},
	// Grooming, online and criminal exploitation, abuse told without a
	// name, violence against brothers and sisters or seen by the child,
	// self-harm and suicidal thoughts in young people's shorthand: more
	// general forms of the kinds listed in the labelling guide.
	{
		category:    Abuse,
		keepNegated: true,
		level:       Concern,
		patterns: []string{
			"not|never want|wants|wanted|like|likes|liked ~4 alone with him|her|them|my_stepdad|my_step_dad|my_uncle|my_dad|my_grandad|my_cousin",
			"bad things|something_bad|stuff|things ~1 happen|happens|happened|happening to me|us ~3 at_night|at_home|in_my_room|when_he|when_she|when_they|that_i",
			"bad things|something_bad happen|happens|happened|happening to me|us",
			"feel|felt|feeling|made_me_feel|makes_me_feel dirty|violated",
		},
		unless: []string{
			"feel|felt|feeling dirty ~4 mud|muddy|rugby|football|camping|swimming|sweaty|hot|gym|pe",
			"mud|muddy|rugby|football|camping|swimming|sweaty|gym|pe ~6 feel|felt|feeling dirty",
		},
	},
	{
		category: Exploitation,
		level:    Concern,
		patterns: []string{
			"man|men|guy|guys|bloke|boyfriend|he|him ~3 much|lot|way|loads older than",
			"met|meet|meeting|meets him|her|them|up ~1 in real life|irl|in_person",
			"he|she|he's|she's|him|boyfriend|girlfriend|bf|gf ~3 18|19|20|21|22|23|24|25|26|27|28|29|30|35|40 ~5 i am|i'm|im|me|and_i 11|12|13|14|15",
			"i am|i'm|im 11|12|13|14|15 ~5 he|she|he's|she's|boyfriend|girlfriend|bf|gf ~2 18|19|20|21|22|23|24|25|26|27|28|29|30|35|40",
			"sent|send|sends|sending me|us ~1 to ~4 sell|deliver|drop|collect|pick_up|hold",
			"run|running|ran ~1 for them|him|a_gang|the_olders|olders",
			"the|my olders",
			"shotting|shotter|shotters|cuckoo|cuckooed|cuckooing",
			"stay|stayed|staying|sleep|slept|sleeping at|round|with ~2 strangers|a_stranger's|some_guys|some_man|some_men|older_lads|older_men",
			"work|working|pay|paying|paid it ~1 off|back",
		},
		unless: []string{
			"work|working|pay|paying|paid it ~1 off|back ~4 calories|gym|holiday|loan|phone|bike|mum|dad|nan",
		},
	},
	{
		category: Exploitation,
		patterns: []string{
			"he|she|they|he'll|she'll|they'll|someone|somebody ~2 will|'ll|would|could|might|is_going_to|are_going_to leak|post|share|send|release|expose ~3 my ~1 pics|pictures|photos|videos|video|nudes|images|pic|photo",
			"video_call|video_calls|facetime|livestream|live_stream|on_cam|on_camera|webcam ~6 clothes|naked|undress|top_off|take_off|touch_myself|private|privates",
			"take|took|taking|takes off? my|our top|clothes|shirt|bra ~3 camera|cam|video|call|facetime|live|stream|webcam",
		},
	},
	{
		category: UnsafeHome,
		level:    Concern,
		patterns: []string{
			"watch|watched|watching|saw|seen|see|seeing ~3 him|her|them|dad|my_dad|stepdad|my_stepdad ~2 hit|hitting|hurt|hurting|beat|beating|punch|punching|kick|kicking|strangle|strangling|choke|choking|attack|attacking|push|pushing|slap|slapping",
		},
		unless: []string{"hit|hitting|kick|kicking|punch|punching ~2 ball|goal|shot|six|home_run|target|post|bar|bag|pads|wall"},
	},
	{
		category: Abuse,
		patterns: []string{
			"hit|hits|hitting|beat|beats|beating|punch|punches|punched|kick|kicks|kicked|slap|slaps|slapped|strangle|strangled|choke|chokes|choked|batter|batters|battered|belt|belts|belted my little? brother|brothers|sister|sisters|siblings|baby_brother|baby_sister",
		},
		notAfter: []string{"i", "we", "ball", "it", "game", "they", "she", "he", "brother", "sister", "brothers", "sisters", "cousin", "cousins"},
	},
	{
		category: Neglect,
		level:    Concern,
		patterns: []string{
			"steal|stole|stealing|nick|nicked|nicking food|bread|something_to_eat ~4 hungry|because|cos|to_eat|nothing",
			"left|leave|leaving home at|when_i_was ~1 11|12|13|14|15|16",
		},
	},
	{
		category: SelfHarm,
		patterns: []string{
			"been|started|start|keep|kept|still|relapse|relapsed cutting|harming|burning ~1 again|myself|for|since|every",
			"been|started|start|keep|kept|still cutting|harming|burning",
		},
		unless: []string{
			"cutting|harming|burning ~2 hair|paper|grass|out|up|down|class|lessons|fabric|wood|cardboard|shapes|vegetables|onions|back|corners|ties|toast|cds|songs|music|videos|wood|logs|calories",
			"cutting ~1 class|lessons|school",
		},
	},
	{
		category: Suicide,
		patterns: []string{
			"ctb",
		},
	},
	{
		category: Suicide,
		level:    Concern,
		patterns: []string{
			"can not do|take|handle|cope_with this|it anymore|any_more|much_longer",
			"what is the point ~2 anymore|any_more|in_living|of_living|of_me|of_being_here|of_anything|in_anything",
		},
		unless: []string{"can not ~4 homework|maths|exams|revision|noise|queue|heat|weather|traffic"},
	},
	// From the extra development data (testdata/extra.tsv): fear told
	// through the shouting or fighting heard at home, worry for a mother's
	// safety, violence by a man against a woman in the home, much older
	// partners of 16- and 17-year-olds, care used as a threat.
	{
		category: UnsafeHome,
		level:    Concern,
		patterns: []string{
			"scared|afraid|frightened|terrified|petrified|scary ~6 shouting|screaming|fighting|arguing|banging|yelling|rowing|smashing",
			"shout|shouts|shouted|shouting|scream|screams|screamed|screaming|yell|yelled|yelling at her|mum|my_mum|my_mam ~6 scared|afraid|frightened|terrified",
			"scared|afraid|frightened|terrified|petrified to go|come downstairs",
			"something|anything ~1 happen|happens|happened|happening|will_happen|would_happen|might_happen to my? mum|mam|mother",
			"he|dad|stepdad|step_dad|boyfriend|partner ~2 stabbed|strangled|strangles|choked|chokes|battered|batters|attacked|attacks|hit|hits|beat|beats|punched|punches|kicked|kicks|hurt|hurts|slapped|slaps her",
		},
		unless: []string{
			"scared|afraid|frightened|terrified|petrified|scary ~10 film|movie|game|match|crowd|football|concert|fireworks|teacher|teachers|class|school|horror|ghost|ghosts|dark",
			"film|movie|game|match|crowd|football|concert|fireworks ~6 scared|afraid|frightened|terrified|scary",
			"hit|hits|kicked|kicks|punched ~1 her ~2 ball|snowball|pillow|back|by_accident|accidentally",
		},
	},
	{
		category: Exploitation,
		level:    Concern,
		patterns: []string{
			"older than me ~2 21|22|23|24|25|26|27|28|29|30|35|40",
			// Debt bondage and the phone that sends a child somewhere.
			"you|u owe|owes us|them|me ~3 money|for|now|back|it|this",
			"never paid ~1 for any|all|it|this|that",
			"phone|phones|number|numbers|line|lines ~1 rang|rings|ring|ringing|went_off|goes_off ~6 where to go|had_to_go|had_to_be|have_to_go|where_to_be|the_address",
			"i was|i am|i'm|im 16|17 ~6 he|she|he's|she's|him|boyfriend|girlfriend was|is? ~2 22|23|24|25|26|27|28|29|30|35|40",
		},
	},
	{
		category: Abuse,
		level:    Concern,
		patterns: []string{
			"would|will|'d|'ll|could|going_to|gonna ~3 put|send|take|get me|us back? into|in care",
		},
	},
	// Doing what they did not want: the negation is part of the phrase.
	{
		category:    Exploitation,
		keepNegated: true,
		patterns: []string{
			"had_to|made_to|make_me|makes_me|made_me|forced_to|force_me_to do ~4 things|stuff ~1 i|we ~2 not want|like",
		},
	},
})
