/**
 * Given names and the short forms people use for them. A short form may
 * belong to several names (Alex → Alexander, Alexandra, Alexis); each line
 * is one name group: the formal name first, then spelling variants and
 * nicknames. English first, then common German, French, Spanish, Italian,
 * Dutch, Scandinavian, Slavic and Portuguese short forms.
 */
import { PUBLIC_NICKNAMES } from './nickname-list.ts';

const TABLE = `
aaron: ron ronnie
abigail: abby abbie gail
abraham: abe bram
adam: ad
adelaide: addie della heidi
adrian: adi
agnes: aggie nessa
albert: al bert bertie
alberto: beto tito
alexander: alex alec alexandr aleksandr sasha sandy lex xander sander al sacha
alexandra: alex alexa sandra sandy sasha lexi alix
alexis: alex lexi
alfred: al alf alfie fred freddie
alice: allie ally alicia
alison: ali allie ally allison
amanda: mandy manda
amelia: amy millie mia
andrea: andi andie
andrew: andy drew andre andreas andres
angela: angie angel
anne: ann annie anna nan nancy hannah anita
anthony: tony ant antonio anton
antonio: tony toni nino
archibald: archie
arnold: arnie
arthur: art artie
augustus: gus august
barbara: barb barbie babs
barnaby: barney
bartholomew: bart
beatrice: bea trixie
benedict: ben benny
benjamin: ben benny benji jamie
bernard: bernie barney
beverly: bev
bradley: brad
brian: bryan
bridget: bridgette biddy
caroline: carol carrie caro lina carolina
carolyn: carol carrie lyn
catherine: cathy kathy kate katie kat cat katherine kathryn katharine kathleen kay kitty caitlin trina
charles: charlie chuck chas chaz carl karl charley
charlotte: lottie charlie lotte
christian: chris kris christen
christina: chris tina christine kristina kristine chrissy kris
christopher: chris kit topher cristopher kris
clarence: clare
clifford: cliff
constance: connie
cornelius: neil corey
cynthia: cindy
daniel: dan danny dani
david: dave davy davey
deborah: debbie deb debra
dennis: denny
diana: di diane dianne
dominic: dom nick
donald: don donnie
dorothy: dot dottie dolly dora
douglas: doug
edward: ed eddie ted teddy ned eduardo edwardo
edmund: ed eddie ned
edwin: ed eddie
eleanor: ellie nora elle elaine ella
elizabeth: liz lizzie liza beth betsy betty bess bessie eliza elisabeth lisa libby elsa elise ella
emily: em emmy millie
emma: em emmy
eric: rick ricky erik
ernest: ernie
eugene: gene
evelyn: eve evie lyn
florence: flo flossie
frances: fran fanny frankie francine
francis: frank frankie fran
francisco: paco pancho cisco frank
franklin: frank
frederick: fred freddie freddy fritz rick frederic
gabriel: gabe
gabriella: gabby gabi gabrielle
geoffrey: geoff jeff
gerald: gerry jerry
geraldine: gerry jerri dina
gilbert: gil bert
gregory: greg
gwendolyn: gwen wendy
harold: hal harry
harriet: hattie
harrison: harry
helen: nell nellie ellen lena
henry: hank harry hal henri heinz
herbert: herb bert
howard: howie
isaac: ike
isabel: izzy bella isabella isabelle belle
jacob: jake jack coby
jacqueline: jackie jacqui
james: jim jimmy jamie jem jay
jane: janie jenny jan
janet: jan jenny
jeffrey: jeff geoff
jennifer: jen jenny jenn
jeremy: jerry jem
jessica: jess jessie
joan: joanie jo
joanna: jo joanne joann
john: johnny jack jon jonny hans ian evan sean juan johannes giovanni jan jean ivan
jonathan: jon jonny nathan
joseph: joe joey jo jose pepe giuseppe josef beppe sepp
josephine: jo josie jose
joshua: josh
judith: judy jude
julia: julie jules
katherine: kate katie kathy kat kay
kenneth: ken kenny
kimberly: kim kimmy
lawrence: larry laurie laurence lorenzo
leonard: leo len lenny leon
leslie: les
lillian: lily lil
louis: lou louie luis luigi
louise: lou lulu
lucille: lucy
luke: lucas
madeline: maddie maddy madeleine
margaret: maggie meg peg peggy marge margie margo greta daisy gretchen rita molly madge maisie
maria: mary mia mimi
martha: marty mattie patsy
martin: marty
mary: molly polly mae mamie maria marie mimi
matthew: matt matty mattie
melissa: mel missy lissa
michael: mike mikey mick mickey mitch michel miguel misha mikhail
michelle: shelly michele
mildred: millie
miriam: mimi
nathan: nate nat
nathaniel: nate nat nathan
nicholas: nick nicky nico klaus nikolai kolya niklas
nicole: nikki nicki
oliver: ollie
olivia: liv livvy ollie
pamela: pam
patricia: pat patty patsy trish tricia
patrick: pat paddy patty
paul: paulie pablo paolo
penelope: penny
peter: pete pedro pierre pietro piet
philip: phil pip phillip
rachel: rach
randolph: randy
raymond: ray
rebecca: becky becca beck
richard: rick ricky rich richie dick dickie ricardo
robert: bob bobby rob robbie bert bertie roberto
roberta: bobbie robbie
rodney: rod
roger: rog
ronald: ron ronnie
rosemary: rose rosie
russell: russ
samantha: sam sammy
samuel: sam sammy
sandra: sandy
sarah: sally sadie sara
sebastian: seb bastian
solomon: sol
sophia: sophie
stanley: stan
stephanie: steph stevie
stephen: steve stevie steven stefan esteban stephan
susan: sue susie suzy suzanne
sylvester: sly
theodore: ted teddy theo
thomas: tom tommy thom tomas
timothy: tim timmy
tobias: toby
valentina: val tina
valerie: val
victoria: vicky tori vicki
vincent: vince vinny enzo
virginia: ginny ginger
walter: walt wally
william: bill billy will willy liam willem wilhelm guillermo
winifred: winnie freda
zachary: zach zack zac
dietrich: dieter
ignacio: nacho
dolores: lola
concepcion: concha conchita
jesus: chuy
guadalupe: lupe
manuel: manolo manny
enrique: kike quique
alejandro: alejo ale
fernando: nando fer
rafael: rafa
giovanni: gianni nanni
vittorio: vito
salvatore: toto sal
domenico: mimmo
francesco: franco checco
margherita: rita
jean: jeannot
jacques: jacquot
guillaume: guille
dmitri: dima mitya
vladimir: volodya vova vlad
ivan: vanya
natalia: natasha nata natalie
ekaterina: katya
anastasia: nastya stacy
mikhail: misha
tatiana: tanya
svetlana: sveta
olga: olya
joao: joca
wolfgang: wolf
friedrich: fritz
`;

/** Name → the formal names whose group it is in, and formal name → its group, per table. */
interface Groups {
  byName: Map<string, string[]>;
  variants: Map<string, string[]>;
}

function parseGroups(tables: readonly string[]): Groups {
  const byName = new Map<string, string[]>();
  const variants = new Map<string, string[]>();
  for (const table of tables) {
    for (const line of table.split('\n')) {
      const [head, rest] = line.split(':');
      if (!head || rest === undefined) continue;
      const canonical = head.trim();
      const names = [canonical, ...rest.trim().split(/\s+/).filter(Boolean)];
      variants.set(canonical, [...new Set([...(variants.get(canonical) ?? []), ...names])]);
      for (const n of names) {
        const g = byName.get(n) ?? [];
        if (!g.includes(canonical)) g.push(canonical);
        byName.set(n, g);
      }
    }
  }
  return { byName, variants };
}

/** The hand-kept table: what customers are indexed under and handles are spelled from. */
const own = parseGroups([TABLE]);
/**
 * With the public list (PUBLIC_NICKNAMES): what counts as a nickname when
 * scoring. Not used for the blocking keys of names the own table knows: the
 * list puts John in 10 groups and Mary in 12, and every group is a blocking
 * key per customer.
 */
const all = parseGroups([TABLE, PUBLIC_NICKNAMES]);
/**
 * A name the own table lacks is blocked under the one formal name the
 * public list gives it (Robby → Robert), when it gives one: a name with
 * several (Bert: Albert, Bertram, Herbert, …) would be blocked with every
 * customer of each, a fifth slower at a million customers.
 */
const blockingGroups = new Map(own.byName);
for (const [name, groups] of all.byName) {
  if (own.byName.has(name)) continue;
  const formal = groups.filter((g) => g !== name);
  if (formal.length === 1) blockingGroups.set(name, groups);
}

/**
 * The name groups a given name belongs to: itself plus every formal name it
 * is a short form or variant of (`bob` → [bob, robert]). Two names that share
 * a group are nickname-equivalent; blocking keys are built per group. A name
 * the own table lacks takes its group from the public list when that names
 * one formal name for it.
 */
export function nameGroups(first: string): string[] {
  const groups = blockingGroups.get(first);
  if (!groups) return [first];
  return groups.includes(first) ? groups : [first, ...groups];
}

/** Whether nameGroups(first) holds more than the name itself: a check that allocates nothing. */
export function hasNameGroups(first: string): boolean {
  return blockingGroups.has(first);
}

/**
 * Per name, every name it shares a group with, in both tables: a lookup per
 * pair instead of comparing group lists (the public list puts John in 10
 * groups, and this runs for each candidate's first name).
 */
const equivalents = new Map<string, Set<string>>();
for (const [name, groups] of all.byName) {
  const set = new Set<string>();
  for (const g of groups) for (const v of all.variants.get(g) ?? []) if (v !== name) set.add(v);
  equivalents.set(name, set);
}

/** True when two different given names are nickname-equivalent (Bob ~ Robert, Rob ~ Bobby). */
export function areNicknames(a: string, b: string): boolean {
  return a !== b && (equivalents.get(a)?.has(b) ?? false);
}

/** Every spelling or short form of a given name's groups in the own table, for handle patterns (`robert` → robert, bob, bobby, rob, …). */
export function nameVariants(first: string): string[] {
  const out = new Set<string>([first]);
  for (const g of own.byName.get(first) ?? [first]) {
    for (const v of own.variants.get(g) ?? []) out.add(v);
  }
  return [...out];
}

/** Number of distinct names the tables know, for the README. */
export function nicknameTableSize(): number {
  return all.byName.size;
}
