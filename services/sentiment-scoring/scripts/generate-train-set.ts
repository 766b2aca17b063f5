/**
 * Writes data/train/intent-train.jsonl: the labelled TRAINING set for the
 * intent classifier (and the development set for sentiment thresholds).
 *
 * It is compositional on purpose: templates per intent with slots for brand,
 * product and problem per industry, expanded with a seeded PRNG. The
 * evaluation set in data/eval/ is hand-written, one post at a time, and is
 * never read here or by the trainer.
 *
 *   npm run gen:train -w @hark/sentiment-scoring
 */
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../src/domain/seeded-random.ts';

type Intent =
  'complaint' | 'question' | 'praise' | 'suggestion' | 'purchase_intent' | 'churn_risk' | 'other';
type Sentiment = 'negative' | 'neutral' | 'positive';

interface Industry {
  brands: string[];
  things: string[];
  problems: string[];
  goods: string[];
  features: string[];
  buy: string[];
  asks: string[];
  rival: string[];
}

// prettier-ignore
const INDUSTRIES: Record<string, Industry> = {
  telecom: {
    brands: ['Telnova', 'Skylink Mobile', 'Vexa', 'Orbit Fiber'],
    things: ['internet', 'wifi', 'signal', '5G', 'router', 'broadband', 'data plan', 'bill'],
    problems: ['my internet keeps cutting out', 'there is no signal in my whole street', 'the router reboots every hour', 'my bill went up by 20 quid without warning', 'the 5G drops to nothing every evening', 'i have had no broadband for three days', 'my texts are not sending', 'the speeds are a fraction of what i pay for'],
    goods: ['the new fibre is blazing fast', 'the engineer fixed my line in ten minutes', 'signal at the festival was perfect', 'support sorted my roaming in one chat', 'the new router is rock solid'],
    features: ['an eSIM option for tablets', 'a data rollover option', 'a usage alert before i hit my cap', 'wifi calling on older phones', 'a cheaper plan without the TV bundle'],
    buy: ['the unlimited plan', 'fibre 500', 'a family plan', 'the new iPhone on contract', 'a SIM only deal'],
    asks: ['how do i set up voicemail', 'what is the roaming charge in Spain', 'how do i unlock my phone', 'when does my contract end', 'how do i change the wifi password'],
    rival: ['Vodafone', 'EE', 'Three', 'another provider'],
  },
  airline: {
    brands: ['SkyJet', 'AeroNorth', 'Bluewing Air', 'Coastal Airways'],
    things: ['flight', 'luggage', 'booking', 'seat', 'app', 'check-in', 'lounge', 'crew'],
    problems: ['my flight was delayed five hours with no updates', 'you lost my luggage again', 'the app would not let me check in', 'my flight got cancelled and nobody called', 'they gave my seat away', 'i was charged twice for one bag', 'the refund for my cancelled flight never came'],
    goods: ['the crew were so kind to my kids', 'landed twenty minutes early', 'the upgrade to business made my week', 'the lounge was spotless', 'rebooking took two minutes in the app'],
    features: ['live bag tracking in the app', 'more legroom in economy', 'a vegetarian meal option on short flights', 'free wifi on long flights', 'seat selection at booking'],
    buy: ['flights to Lisbon', 'a return to New York', 'the premium economy seat', 'a holiday package', 'extra legroom'],
    asks: ['what is the checked bag allowance', 'can i bring a guitar on board', 'what time does check in open', 'how do i add my frequent flyer number', 'is the flight to Rome on time'],
    rival: ['Ryanair', 'easyJet', 'another airline', 'Delta'],
  },
  banking: {
    brands: ['NorthBank', 'Crestline', 'Monea', 'Harbor First'],
    things: ['card', 'app', 'transfer', 'account', 'loan', 'overdraft', 'statement', 'savings'],
    problems: ['my card got declined at the supermarket again', 'the app logs me out every two minutes', 'a transfer has been pending for four days', 'i was charged a fee for nothing', 'my account was frozen with no explanation', 'the branch closed without notice'],
    goods: ['the app makes budgeting so easy', 'got my new card in one day', 'fraud team caught a dodgy payment instantly', 'savings rate is actually decent', 'the mortgage advisor was brilliant'],
    features: ['Apple Pay for business accounts', 'a round up savings feature', 'spending categories you can edit', 'joint accounts in the app', 'instant notifications for every payment'],
    buy: ['a mortgage', 'the premium account', 'a credit card', 'a business account', 'a personal loan'],
    asks: ['how do i freeze my card', 'what is the daily transfer limit', 'how long does an international transfer take', 'can i open an account online', 'how do i change my address'],
    rival: ['Monzo', 'Revolut', 'Chase', 'another bank'],
  },
  retail: {
    brands: ['ShopMart', 'Urbanline', 'Kestrel Home', 'Maple & Co'],
    things: ['order', 'package', 'delivery', 'jacket', 'shoes', 'checkout', 'return', 'website'],
    problems: ['my order arrived with half the items missing', 'the package has been stuck in transit for a week', 'i got the wrong size twice', 'the return label does not work', 'checkout crashes every time', 'the jacket fell apart after one wash'],
    goods: ['delivery came a day early', 'the quality of these shoes is great', 'returns were painless', 'staff at the store were lovely', 'the sale prices are unreal'],
    features: ['a size guide with real measurements', 'next day delivery to lockers', 'a wishlist that tells me about price drops', 'more plus sizes', 'click and collect on weekends'],
    buy: ['the winter coat', 'these boots', 'the sofa', 'a gift card', 'the new sneakers'],
    asks: ['how long do returns take', 'how do i start a return', 'what is your return policy', 'when does the sale end', 'how do i track my order'],
    rival: ['Amazon', 'Zara', 'another shop', 'ASOS'],
  },
  food: {
    brands: ['QuickEats', 'Dashbite', 'Nomnom', 'Fork & Go'],
    things: ['order', 'pizza', 'burger', 'driver', 'fries', 'delivery', 'app', 'meal'],
    problems: ['my food arrived cold after an hour', 'the driver ate my fries apparently', 'half my order was missing', 'the app charged me but the order never came', 'the pizza was burnt', 'they cancelled my order after 50 minutes'],
    goods: ['the burger was still hot', 'delivery in fifteen minutes', 'the driver was so friendly', 'best pad thai in town', 'they added free cookies'],
    features: ['a way to tip after delivery', 'group orders', 'filters for gluten free', 'scheduled orders for lunch', 'live driver tracking'],
    buy: ['the family meal deal', 'the new spicy burger', 'a subscription for free delivery', 'the lunch combo', 'the vegan pizza'],
    asks: ['do you deliver after midnight', 'how do i use my voucher', 'is the chicken halal', 'how do i change my address', 'can i change the tip after ordering'],
    rival: ['Deliveroo', 'Uber Eats', 'Just Eat', 'another app'],
  },
  saas: {
    brands: ['CloudDesk', 'Taskly', 'Synqo', 'Pagewise'],
    things: ['app', 'dashboard', 'update', 'login', 'sync', 'API', 'integration', 'editor'],
    problems: ['the latest update broke sync', 'i cannot log in since yesterday', 'the dashboard takes a minute to load', 'the API keeps returning 500s', 'the editor lost my work', 'notifications stopped working'],
    goods: ['the new editor is so smooth', 'support fixed my workspace in an hour', 'the API docs are excellent', 'onboarding my team took five minutes', 'the mobile app finally feels fast'],
    features: ['dark mode', 'an export to CSV', 'keyboard shortcuts for everything', 'SSO on the team plan', 'offline mode', 'a Zapier integration'],
    buy: ['the team plan', 'the pro tier', 'an annual subscription', 'the enterprise plan', 'extra seats'],
    asks: ['how do i export my data', 'is there an API rate limit', 'how do i add a teammate', 'can i change my billing date', 'does it work offline'],
    rival: ['Notion', 'Asana', 'Trello', 'a competitor'],
  },
  automotive: {
    brands: ['Motorra', 'Veloce', 'Kinetic EV', 'Ridgeway'],
    things: ['car', 'dealer', 'service', 'battery', 'infotainment', 'warranty', 'charger', 'app'],
    problems: ['the infotainment screen freezes on every drive', 'the dealer kept my car for three weeks', 'the battery range is half what you promised', 'warranty claim denied for no reason', 'the charging app never connects', 'a rattle the dealer cannot fix'],
    goods: ['the test drive was a blast', 'service was quick and cheap', 'range on the motorway is excellent', 'the dealer sorted everything', 'this car is so comfortable'],
    features: ['wireless CarPlay', 'a heat pump as standard', 'over the air updates for older models', 'a proper spare wheel', 'physical buttons for climate'],
    buy: ['the hybrid', 'the new SUV', 'a lease on the EV', 'the sport trim', 'a home charger'],
    asks: ['how often does it need a service', 'what is the towing capacity', 'is the warranty transferable', 'how long is the wait for delivery', 'does it support fast charging'],
    rival: ['Tesla', 'Toyota', 'another brand', 'Hyundai'],
  },
  gaming: {
    brands: ['PixelForge', 'Nightfall', 'ArcLight Games', 'Questara'],
    things: ['servers', 'update', 'patch', 'game', 'matchmaking', 'store', 'battle pass', 'launcher'],
    problems: ['the servers are down again', 'the new patch broke matchmaking', 'i keep getting kicked from lobbies', 'the launcher will not open', 'i paid for skins that never showed up', 'the game crashes on loading'],
    goods: ['the new season is amazing', 'the patch fixed all my lag', 'this soundtrack slaps', 'support restored my account fast', 'best co-op game this year'],
    features: ['crossplay with console', 'a replay mode', 'controller support on PC', 'a ranked mode for duos', 'colourblind settings'],
    buy: ['the deluxe edition', 'the season pass', 'the new expansion', 'the collector edition', 'the DLC'],
    asks: ['when does the new season start', 'is there crossplay', 'how do i link my account', 'how do i reset my password', 'how do i redeem a code'],
    rival: ['Steam', 'another game', 'Fortnite', 'a different studio'],
  },
  hotels: {
    brands: ['StayInn', 'Harborline Stays', 'Luma Hotels', 'Vale Hotels'],
    things: ['room', 'check-in', 'booking', 'staff', 'pool', 'breakfast', 'wifi', 'spa'],
    problems: ['our room was not cleaned for two days', 'check-in took over an hour', 'the air con did not work all night', 'they lost our booking', 'the room smelled of smoke', 'breakfast was cold and stale'],
    goods: ['the staff remembered our names', 'the view from our room was stunning', 'breakfast was incredible', 'they upgraded us for our anniversary', 'the bed was so comfy'],
    features: ['late checkout for members', 'quieter rooms away from the lift', 'a kids club in winter', 'better wifi in the rooms', 'online check-in'],
    buy: ['a weekend break', 'the sea view suite', 'two nights in June', 'the spa package', 'a room for the wedding'],
    asks: ['what time is check in', 'is parking included', 'do you allow dogs', 'is breakfast included', 'can i cancel for free'],
    rival: ['Airbnb', 'Marriott', 'another hotel', 'Hilton'],
  },
  cosmetics: {
    brands: ['Glenna', 'Velora', 'Dermalis', 'Petal Lab'],
    things: ['serum', 'foundation', 'moisturizer', 'lipstick', 'shade', 'sunscreen', 'order', 'formula'],
    problems: ['the new formula broke me out', 'the foundation oxidises orange', 'my order arrived leaking everywhere', 'the lipstick dried out in a week', 'this sunscreen leaves a white cast', 'the shade range is tiny'],
    goods: ['this serum cleared my skin', 'the foundation lasts all day', 'the moisturizer is so gentle', 'the lipstick shade is perfect', 'my skin is glowing'],
    features: ['deeper foundation shades', 'refill pouches', 'fragrance free versions', 'travel sizes', 'a shade finder that works'],
    buy: ['the vitamin C serum', 'the new palette', 'the starter kit', 'the SPF 50', 'the holiday set'],
    asks: ['is it safe in pregnancy', 'is this cruelty free', 'which shade is closest to NC30', 'can i use it with retinol', 'does it contain fragrance'],
    rival: ['The Ordinary', 'CeraVe', 'another brand', 'Glossier'],
  },
};

type Template = [string, Sentiment];

// Slots: {brand} {thing} {problem} {good} {feature} {buy} {ask} {rival}.
// prettier-ignore
const TEMPLATES: Record<Intent, Template[]> = {
  complaint: [
    ['{problem} @{brand}', 'negative'], ['{brand} {problem}. unacceptable', 'negative'],
    ['seriously {brand}?? {problem}', 'negative'], ['{problem} and support just keeps me on hold', 'negative'],
    ['worst {thing} ever. {problem}', 'negative'], ['{problem}. third time this month', 'negative'],
    ['@{brand} {problem} 😡', 'negative'], ['hey {brand}, {problem}. not happy', 'negative'],
    ['{problem} #fail', 'negative'], ['so disappointed with {brand}, {problem}', 'negative'],
    ['{brand} your {thing} is a joke. {problem}', 'negative'], ['{problem}… and nobody replies to my emails', 'negative'],
    ['ugh {problem} 🙄', 'negative'], ['still waiting for {brand} to fix this. {problem}', 'negative'],
    ['{problem}. really poor from {brand}', 'negative'], ['{brand} {problem}, i want a refund', 'negative'],
    ['the {thing} is terrible lately, {problem}', 'negative'], ['{problem}!!! fix it', 'negative'],
    ['{problem} smh', 'negative'], ['i love {brand} usually but {problem}', 'negative'],
    ['day 3 of this: {problem}', 'negative'], ['paying premium prices and {problem}', 'negative'],
    ['{problem}. been a customer for 8 years and this is how you treat me', 'negative'],
    ['{problem} 😤 #{brand}fail', 'negative'], ['not impressed {brand}. {problem}', 'negative'],
    ['customer service at {brand} is useless, 40 minutes on hold', 'negative'],
    ['{brand} charged me again for something i cancelled', 'negative'],
    ['why does {brand} keep raising prices every year', 'negative'],
    ['the {thing} has been rubbish since the last update', 'negative'],
    ['nobody at {brand} can give me a straight answer', 'negative'],
    ['third chat agent today and still no fix', 'negative'],
    ['{brand} the {thing} is broken AGAIN', 'negative'],
    ['paid for next day, still nothing after a week', 'negative'],
    ['not happy with the {thing} at all', 'negative'],
    ['the {thing} is so slow it is basically unusable', 'negative'],
    ['absolutely fuming with {brand} right now', 'negative'],
    ['can\'t believe how bad the {thing} has gotten', 'negative'],
    ['{brand} promised a call back two days ago. nothing', 'negative'],
    ['disgusted with how {brand} treats loyal customers', 'negative'],
    ['the {thing} was a complete waste of money', 'negative'],
    ['your chatbot is useless, i need a human', 'negative'],
    ['i didn\'t like the new {thing} at all, feels cheap', 'negative'],
    ['had such high hopes but the {thing} is awful', 'negative'],
    ['the {thing} looked great online but arrived damaged', 'negative'],
    ['another day another problem with {brand}', 'negative'],
    ['going to get my money back from {brand} one way or another', 'negative'],
    ['i need to get this {thing} sorted, third call today', 'negative'],
    ['want to get a refund for the {thing}, it is useless', 'negative'],
    ['how do i get a refund when nobody answers the phone', 'negative'],
  ],
  churn_risk: [
    ['{problem}. switching to {rival}', 'negative'], ['that is it, i am cancelling my {brand} account', 'negative'],
    ['done with {brand}. moving to {rival} next month', 'negative'], ['{problem}. time to find another provider', 'negative'],
    ['cancelling my subscription today, {problem}', 'negative'], ['never again {brand}. {problem}', 'negative'],
    ['{rival} here i come, {brand} you lost a customer', 'negative'], ['thinking of switching to {rival} after this', 'negative'],
    ['how do i cancel my {brand} contract? {problem}', 'negative'], ['after 6 years i am leaving {brand}', 'negative'],
    ['{problem}. looking for alternatives now', 'negative'], ['my contract ends in march and i will not be renewing with {brand}', 'negative'],
    ['last time i use {brand}. {problem}', 'negative'], ['closing my account with {brand} this week', 'negative'],
    ['switched to {rival} and honestly wish i had done it sooner', 'negative'], ['bye {brand}, hello {rival}', 'negative'],
    ['{brand} keeps putting prices up, seriously considering leaving', 'negative'], ['porting my number to {rival} tomorrow', 'negative'],
    ['i am officially done with {brand}', 'negative'], ['{problem}. will be taking my business elsewhere', 'negative'],
    ['uninstalling the {brand} app, {problem}', 'negative'], ['one more outage and i am gone {brand}', 'negative'],
    ['genuinely considering cancelling {brand} after this', 'negative'],
    ['if this is not fixed by friday i am switching to {rival}', 'negative'],
    ['moved everything over to {rival}, never looked back', 'negative'],
    ['my {brand} subscription is getting cancelled tonight', 'negative'],
    ['{brand} you just lost a 10 year customer', 'negative'],
    ['looking for a new provider, {brand} has been awful', 'negative'],
    ['time to shop around, {brand} keeps getting worse', 'negative'],
    ['won\'t be renewing, {rival} is cheaper and actually works', 'negative'],
    ['i want to leave {brand}, what is the notice period?', 'negative'],
    ['cancelled. done. never again {brand}', 'negative'],
  ],
  praise: [
    ['{good}! thanks {brand}', 'positive'], ['shout out to {brand}, {good}', 'positive'],
    ['honestly {good}. love {brand}', 'positive'], ['{good} 😍', 'positive'], ['{brand} never disappoints. {good}', 'positive'],
    ['big thanks to the {brand} team, {good}', 'positive'], ['{good}, 10/10 would recommend', 'positive'],
    ['wow {good} 🙌', 'positive'], ['have to say {good}. great job {brand}', 'positive'],
    ['{good}. best {thing} i have had', 'positive'], ['kudos {brand}, {good}', 'positive'],
    ['{good} #happycustomer', 'positive'], ['was nervous but {good}. thank you {brand}', 'positive'],
    ['can confirm {good} ❤️', 'positive'], ['{brand} came through, {good}', 'positive'],
    ['{good}. really impressed', 'positive'], ['highly recommend {brand}. {good}', 'positive'],
    ['not gonna lie {good}', 'positive'], ['{good}!! you guys rock', 'positive'], ['little thing but {good}. made my day', 'positive'],
    ['i really like the new {thing}', 'positive'],
    ['love love love the new {thing}', 'positive'],
    ['the {thing} is amazing, so glad i switched to {brand}', 'positive'],
    ['{brand} customer service is top notch', 'positive'],
    ['honestly the best {thing} i have ever used', 'positive'],
    ['thank you {brand}! the {thing} works perfectly now', 'positive'],
    ['this is why i stay with {brand}', 'positive'],
    ['five stars for the {thing}', 'positive'],
    ['so impressed with how quickly {brand} sorted it', 'positive'],
    ['the new {thing} is a game changer', 'positive'],
    ['not bad at all {brand}, pleasantly surprised', 'positive'],
    ['props to the {brand} staff today, super helpful', 'positive'],
    ['can\'t fault {brand}, everything was perfect', 'positive'],
    ['been with {brand} 5 years and still happy', 'positive'],
    ['my {thing} from {brand} is the best purchase this year', 'positive'],
  ],
  suggestion: [
    ['@{brand} would be great if you added {feature}', 'neutral'], ['{brand} please add {feature}', 'neutral'],
    ['you should really add {feature}', 'neutral'], ['feature request: {feature}', 'neutral'],
    ['love the {thing} but it needs {feature}', 'positive'], ['wish {brand} had {feature}', 'neutral'],
    ['any chance of {feature}? would make life easier', 'neutral'], ['idea for {brand}: {feature}', 'neutral'],
    ['it would be so nice to have {feature}', 'positive'], ['why not offer {feature}?', 'neutral'],
    ['{brand} consider adding {feature}, would use it daily', 'neutral'], ['all i want is {feature} tbh', 'neutral'],
    ['how about {feature} {brand}?', 'neutral'], ['suggestion: {feature}', 'neutral'],
    ['please bring back the old {thing}', 'neutral'], ['{brand} needs {feature} asap', 'neutral'],
    ['would love to see {feature} from {brand}', 'positive'], ['if you added {feature} i would never leave', 'positive'],
    ['great {thing} overall, only thing missing is {feature}', 'positive'], ['give us {feature} please', 'neutral'],
    ['it would be really helpful if the {thing} showed more detail', 'neutral'],
    ['{brand} should let us pick {feature}', 'neutral'],
    ['feedback for {brand}: the {thing} needs a search bar', 'neutral'],
    ['one small request, {feature} please', 'neutral'],
    ['can you guys add {feature}? would be a huge help', 'neutral'],
    ['my only wish is {feature}', 'neutral'],
    ['please make {feature} a thing', 'neutral'],
    ['{brand} if you are listening: {feature}', 'neutral'],
    ['really hope {brand} adds {feature} soon', 'neutral'],
    ['the {thing} is good but an option for {feature} would make it perfect', 'positive'],
  ],
  purchase_intent: [
    ['thinking of getting {buy} from {brand}, worth it?', 'neutral'], ['where can i buy {buy}?', 'neutral'],
    ['about to order {buy}, any discount codes?', 'neutral'], ['how much is {buy} at {brand}?', 'neutral'],
    ['finally getting {buy} this weekend', 'positive'], ['saving up for {buy} 🤞', 'positive'],
    ['should i get {buy} or wait for the sale?', 'neutral'], ['is {buy} still in stock?', 'neutral'],
    ['ready to buy {buy} if the price is right', 'neutral'], ['considering {buy}, anyone tried it?', 'neutral'],
    ['need to buy {buy} before friday', 'neutral'], ['{brand} do you have {buy} in store?', 'neutral'],
    ['my birthday money is going on {buy}', 'positive'], ['can not wait to get {buy}', 'positive'],
    ['planning to switch to {brand}, which plan should i pick?', 'neutral'], ['just need payday then {buy} is mine', 'positive'],
    ['looking at {buy} from {brand}, any reviews?', 'neutral'], ['going to pre order {buy} the second it drops', 'positive'],
    ['is {buy} worth the money?', 'neutral'], ['want to book {buy}, is there a promo code?', 'neutral'],
    ['i need a new {thing}, is {brand} any good?', 'neutral'],
    ['about to pull the trigger on {buy}', 'neutral'],
    ['does {brand} have a student discount? want {buy}', 'neutral'],
    ['torn between {brand} and {rival} for {buy}', 'neutral'],
    ['when is {buy} back in stock?', 'neutral'],
    ['i\'m getting {buy} next month, any tips?', 'positive'],
    ['anyone got a referral code for {brand}? signing up today', 'neutral'],
    ['my next {thing} is definitely going to be from {brand}', 'positive'],
    ['what is the price of {buy}?', 'neutral'],
    ['in the market for {buy}, recommendations?', 'neutral'],
  ],
  question: [
    ['{ask}?', 'neutral'], ['@{brand} {ask}?', 'neutral'], ['quick question {brand}: {ask}?', 'neutral'],
    ['does anyone know {ask}?', 'neutral'], ['hi {brand}, {ask}? thanks', 'neutral'], ['{ask}? cannot find it on the site', 'neutral'],
    ['anyone know {ask}?', 'neutral'], ['can someone tell me {ask}', 'neutral'], ['{brand} help, {ask}?', 'neutral'],
    ['wondering {ask}', 'neutral'], ['hey, {ask}? the faq does not say', 'neutral'], ['{ask}? asking for a friend', 'neutral'],
    ['not sure {ask}, any ideas?', 'neutral'], ['{ask}? thanks in advance', 'neutral'], ['{ask}?? confused', 'neutral'],
    ['genuine question for {brand}: {ask}?', 'neutral'], ['{ask}? cheers', 'neutral'], ['sorry if this is dumb but {ask}?', 'neutral'],
    ['how long does it usually take {brand} to reply?', 'neutral'],
    ['is the {brand} {thing} down or is it just me?', 'neutral'],
    ['what happens to my {thing} if i move house?', 'neutral'],
    ['can i use my {brand} {thing} abroad?', 'neutral'],
    ['is there a number to call {brand} on sundays?', 'neutral'],
    ['does the {thing} work with android?', 'neutral'],
    ['who do i contact about the {thing}?', 'neutral'],
    ['any idea why the {thing} shows an error code?', 'neutral'],
    ['is it normal for the {thing} to do this?', 'neutral'],
    ['where do i find my account number in the {brand} app?', 'neutral'],
    ['where can i get help with my {thing}?', 'neutral'],
    ['where do i find the {thing} settings?', 'neutral'],
    ['how do i get a copy of my invoice?', 'neutral'],
    ['where can i get my {thing} checked?', 'neutral'],
    ['is there a way to change my {thing} online?', 'neutral'],
  ],
  other: [
    ['{brand} announced new {thing} pricing today', 'neutral'], ['heading to the {brand} event tomorrow', 'neutral'],
    ['my cousin just started working at {brand}', 'neutral'], ['{brand} is trending for some reason', 'neutral'],
    ['watching the {brand} keynote', 'neutral'], ['{brand} ad on tv again lol', 'neutral'],
    ['interesting article about {brand} and {rival}', 'neutral'], ['{brand} stock is up 3% today', 'neutral'],
    ['just saw a {brand} billboard in the city', 'neutral'], ['anyone else at the {brand} store queue', 'neutral'],
    ['{brand} vs {rival}, the eternal debate', 'neutral'], ['new {brand} logo dropped', 'neutral'],
    ['{brand} is sponsoring the match tonight', 'neutral'], ['reading the {brand} annual report on the train', 'neutral'],
    ['the {brand} jingle is stuck in my head', 'neutral'], ['RT if you remember the old {brand} {thing}', 'neutral'],
    ['{brand} opening a new office in Leeds', 'neutral'], ['my dad still calls every {thing} a {brand}', 'neutral'],
    ['the {brand} mascot at the parade today 😂', 'positive'], ['{brand} CEO interview on the radio this morning', 'neutral'],
    ['podcast episode on how {brand} started', 'neutral'], ['{brand} and {rival} merger rumours again', 'neutral'],
    ['using {brand} {thing} at work today', 'neutral'], ['{brand} is closed on bank holiday monday', 'neutral'],
    ['{brand} just posted their summer campaign', 'neutral'],
    ['lol the {brand} tweet today', 'positive'],
    ['tag yourself i am the {brand} {thing}', 'neutral'],
    ['{brand} is hiring engineers in Berlin', 'neutral'],
    ['throwback to my first {brand} {thing} in 2012', 'neutral'],
    ['me waiting for friday like', 'neutral'],
    ['{brand} mentioned in the news again', 'neutral'],
    ['saw a {brand} van outside my house', 'neutral'],
    ['{brand} and {rival} both raised prices this year according to the article', 'neutral'],
    ['the {brand} building downtown looks nice at night', 'positive'],
    ['apparently {brand} is changing its name', 'neutral'],
    ['{brand} trending at number 3', 'neutral'],
    ['quote of the day from the {brand} founder', 'neutral'],
    ['my mum thinks {brand} is a type of cheese', 'neutral'],
    ['{brand} results call at 9am', 'neutral'],
    ['going to the {brand} open day on saturday', 'neutral'],
    ['does anyone else remember {brand} ads from the 90s 😂', 'positive'],
    ['{brand} has 2 million followers now', 'neutral'],
    ['just a reminder that {brand} exists', 'neutral'],
    ['new episode: we talk {brand}, {rival} and the future of the {thing}', 'neutral'],
  ],
};

const EXTRAS = {
  negative: ['', '', '', ' 😡', ' 🙄', ' #fail', ' smh', '!!', ' 😤', ' ugh'],
  positive: ['', '', '', ' 🙌', ' ❤️', ' #love', '!', ' 😊', ' 👏', ' :)'],
  neutral: ['', '', '', '', ' 🤔', ' #help', ' pls', ' 🙏'],
} as const;

function main(): void {
  const rand = mulberry32(20251124);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const seen = new Set<string>();
  const rows: { text: string; intent: Intent; sentiment: Sentiment; industry: string }[] = [];
  const industries = Object.keys(INDUSTRIES);
  const perIntent = 420;
  for (const [intent, templates] of Object.entries(TEMPLATES) as [Intent, Template[]][]) {
    let made = 0;
    for (let attempt = 0; made < perIntent && attempt < perIntent * 20; attempt++) {
      const industry = pick(industries);
      const ind = INDUSTRIES[industry]!;
      const [tpl, sentiment] = pick(templates);
      const brand = pick(ind.brands);
      let text = tpl
        .replace(/\{brand\}/g, rand() < 0.7 ? brand : brand.toLowerCase().replace(/\W/g, ''))
        .replace('{thing}', pick(ind.things))
        .replace('{problem}', pick(ind.problems))
        .replace('{good}', pick(ind.goods))
        .replace('{feature}', pick(ind.features))
        .replace('{buy}', pick(ind.buy))
        .replace('{ask}', pick(ind.asks))
        .replace('{rival}', pick(ind.rival));
      text += pick(EXTRAS[sentiment]);
      const r = rand();
      if (r < 0.5) text = text[0]!.toUpperCase() + text.slice(1);
      else if (r < 0.55) text = text.toUpperCase();
      if (seen.has(text)) continue;
      seen.add(text);
      rows.push({ text, intent, sentiment, industry });
      made++;
    }
  }
  const out = new URL('../data/train/intent-train.jsonl', import.meta.url);
  writeFileSync(out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`wrote ${rows.length} examples to ${out.pathname}`);
}

main();
