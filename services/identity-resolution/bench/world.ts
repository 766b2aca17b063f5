/**
 * Name, place and company pools for the linkage benchmark. Frequencies are
 * Zipf-like, as real name distributions are; family names get a long
 * synthetic tail so that, as in a real CRM, most family names are rare and a
 * few are very common. Deliberately independent of the matcher's tables:
 * only a subset of these first names has a nickname the matcher knows.
 */
export const FIRST_NAMES = `james mary john patricia robert jennifer michael linda william elizabeth david barbara
richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret
mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin carol brian
amanda george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob
kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott nicole
brandon helen benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick carolyn
raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia nathan joyce
henry virginia douglas victoria zachary kelly peter lauren kyle christina ethan joan walter evelyn noah judith
jeremy megan christian andrea keith cheryl roger hannah terry jacqueline gerald martha harold gloria sean teresa
austin ann carl sara arthur madison lawrence frances dylan kathryn jesse janice jordan jean bryan abigail billy
alice joe judy bruce sophia gabriel grace logan denise albert amber willie doris alan marilyn juan danielle wayne
beverly elijah isabella randy theresa roy diana vincent natalie ralph brittany eugene charlotte russell marie bobby
kayla mason alexis philip lori louis liam sofia lucas chloe oliver mia leon amelie hugo chloe louise lea jules
manon gabrielle arthur camille raphael ines maximilian lena felix johanna lukas leonie jonas clara mateo lucia
alejandro valentina diego martina javier carmen pablo elena marco giulia luca francesca matteo chiara giovanni
anna sven ingrid lars astrid erik freya mikko aino piotr agnieszka tomasz katarzyna jan eva priya arjun rohan
ananya wei li ming hui yuki haruto sakura kenji amara kwame fatima omar layla youssef nadia ivan olga dmitri
tatiana mehmet ayse emre zeynep`;

export const LAST_NAMES = `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark
ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker
hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes
stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos
kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo
sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson
barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace
moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens
harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker guzman burns
crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer
wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols
stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters
santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray
delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval
muller schneider fischer weber becker schulz koch richter klein wolf neumann schwarz zimmermann braun hofmann
martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent lefebvre michel fontaine
rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti costa giordano
jansen devries bakker visser smit meijer mulder bos vos peeters janssens maes
nowak kowalski wisniewski wojcik kaminski lewandowski zielinski szymanski
andersson johansson karlsson nilsson eriksson larsson olsen nielsen jensen hansen pedersen virtanen korhonen
ivanov smirnov kuznetsov popov sokolov petrov yilmaz kaya demir sahin celik
wang li zhang liu chen yang huang zhao wu zhou sato suzuki takahashi tanaka watanabe
singh kumar sharma gupta shah mehta okafor mensah adeyemi diallo haddad khalil nasser obrien oconnor murphy
mccarthy walsh byrne ryan kelly doyle fitzgerald`;

const SYLLABLES_START =
  'ka ma lo ber vin tor sel gar mor dal fen har jor kel lin nor pel ros sar tel val wes zan bra cro dre fla gri kro plu stra tre'.split(
    ' ',
  );
const SYLLABLES_MID = 'a e i o u an en in on ar er ir or el il al ov ev ick ing ett ard'.split(' ');
const SYLLABLES_END =
  'son sen ski ova ez es berg stein wood field ton ley man ner ger lo ini etti ard ier eau mann well worth ham by'.split(
    ' ',
  );

/** A synthetic family name from syllables: tens of thousands of rare names. */
export function syntheticLastName(r: () => number): string {
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
  const mid = r() < 0.6 ? pick(SYLLABLES_MID) : '';
  const second = r() < 0.5 ? pick(SYLLABLES_START) : '';
  return pick(SYLLABLES_START) + mid + second + pick(SYLLABLES_END);
}

export interface Place {
  city: string;
  region: string;
  country: string;
  weight: number;
}

export const PLACES: Place[] = `
New York|NY|US|84
Los Angeles|CA|US|39
Chicago|IL|US|27
Houston|TX|US|23
Phoenix|AZ|US|16
Philadelphia|PA|US|16
San Antonio|TX|US|15
San Diego|CA|US|14
Dallas|TX|US|13
Austin|TX|US|10
Seattle|WA|US|8
Denver|CO|US|7
Boston|MA|US|7
Portland|OR|US|6
Atlanta|GA|US|5
Miami|FL|US|5
Minneapolis|MN|US|4
Springfield|IL|US|1
Springfield|MA|US|1
Columbus|OH|US|9
Toronto|ON|CA|28
Montreal|QC|CA|17
Vancouver|BC|CA|7
London|England|GB|90
Manchester|England|GB|5
Birmingham|England|GB|11
Leeds|England|GB|8
Glasgow|Scotland|GB|6
Edinburgh|Scotland|GB|5
Dublin|Leinster|IE|12
Paris|Ile-de-France|FR|21
Lyon|Auvergne-Rhone-Alpes|FR|5
Marseille|Provence|FR|8
Toulouse|Occitanie|FR|5
Bordeaux|Nouvelle-Aquitaine|FR|3
Berlin|Berlin|DE|36
Hamburg|Hamburg|DE|18
Munich|Bavaria|DE|15
Cologne|North Rhine-Westphalia|DE|11
Frankfurt|Hesse|DE|7
Madrid|Madrid|ES|33
Barcelona|Catalonia|ES|16
Valencia|Valencia|ES|8
Seville|Andalusia|ES|7
Rome|Lazio|IT|28
Milan|Lombardy|IT|14
Naples|Campania|IT|9
Turin|Piedmont|IT|9
Amsterdam|North Holland|NL|9
Rotterdam|South Holland|NL|6
Brussels|Brussels|BE|12
Antwerp|Flanders|BE|5
Zurich|Zurich|CH|4
Geneva|Geneva|CH|2
Vienna|Vienna|AT|19
Stockholm|Stockholm|SE|10
Oslo|Oslo|NO|7
Copenhagen|Capital Region|DK|8
Helsinki|Uusimaa|FI|6
Warsaw|Masovia|PL|18
Krakow|Lesser Poland|PL|8
Lisbon|Lisbon|PT|5
Porto|Norte|PT|2
Sydney|NSW|AU|52
Melbourne|VIC|AU|49
Brisbane|QLD|AU|25
Auckland|Auckland|NZ|16
Mexico City|CDMX|MX|90
Sao Paulo|SP|BR|120
Buenos Aires|BA|AR|30
Tokyo|Tokyo|JP|140
Osaka|Osaka|JP|27
Mumbai|Maharashtra|IN|120
Bangalore|Karnataka|IN|85
Singapore|Singapore|SG|57
Lagos|Lagos|NG|40
Nairobi|Nairobi|KE|44
Cape Town|Western Cape|ZA|46
Istanbul|Istanbul|TR|150
Dubai|Dubai|AE|33
`
  .trim()
  .split('\n')
  .map((l) => {
    const [city, region, country, weight] = l.split('|');
    return { city: city!, region: region!, country: country!, weight: Number(weight) };
  });

export const COUNTRY_NAMES: Record<string, string> = {
  US: 'USA',
  CA: 'Canada',
  GB: 'UK',
  IE: 'Ireland',
  FR: 'France',
  DE: 'Germany',
  ES: 'Spain',
  IT: 'Italy',
  NL: 'Netherlands',
  BE: 'Belgium',
  CH: 'Switzerland',
  AT: 'Austria',
  SE: 'Sweden',
  NO: 'Norway',
  DK: 'Denmark',
  FI: 'Finland',
  PL: 'Poland',
  PT: 'Portugal',
  AU: 'Australia',
  NZ: 'New Zealand',
  MX: 'Mexico',
  BR: 'Brazil',
  AR: 'Argentina',
  JP: 'Japan',
  IN: 'India',
  SG: 'Singapore',
  NG: 'Nigeria',
  KE: 'Kenya',
  ZA: 'South Africa',
  TR: 'Turkey',
  AE: 'UAE',
};

export const COMPANIES =
  `Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Wonka Tyrell Cyberdyne Soylent Aperture
Gringotts Monarch Oscorp Dunder Pied Piper Prestige Sirius Vehement Zorg Nakatomi Massive Dynamic Bluth Gekko Krusty
Sterling Cooper Virtucon Blue Sun Weyland Yoyodyne Rekall Omni Ollivander Spacely Cogswell Duff Lacroix Northwind
Contoso Fabrikam Tailspin Woodgrove Adatum Litware Proseware Fourth Coffee Alpine Ski Margie Travel`.split(
    /\s+/,
  );

export const FREEMAIL = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'gmx.de',
  'orange.fr',
  'proton.me',
];

export const PSEUDONYMS =
  `sunflower coffeeaddict nightowl pixelpusher wanderlust bookworm skywalker moonchild techie gamer
foodie traveler dreamer runner rocknroll bluebird starlight thunder maverick phoenix ninja wizard sparkle breezy
shadow cosmic velvet maple cedar river ocean`.split(/\s+/);

export const DECORATIONS = [
  '🌸',
  '✨',
  '🇺🇸',
  '🏳️‍🌈',
  '(she/her)',
  '(he/him)',
  '| coffee lover',
  '💙',
  '🚀',
];

export const JUNK_LOCATIONS = [
  '🌍',
  'Earth',
  'somewhere',
  'the internet',
  'she/her',
  'wherever the wifi is',
  'Home',
];
