import type { Rng } from './rng.ts';

const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Christopher',
  'Lisa',
  'Daniel',
  'Nancy',
  'Matthew',
  'Betty',
  'Anthony',
  'Margaret',
  'Mark',
  'Sandra',
  'Donald',
  'Ashley',
  'Steven',
  'Kimberly',
  'Paul',
  'Emily',
  'Andrew',
  'Donna',
  'Joshua',
  'Michelle',
  'Kenneth',
  'Carol',
  'Kevin',
  'Amanda',
  'Brian',
  'Melissa',
  'George',
  'Deborah',
  'Timothy',
  'Stephanie',
  'Sofia',
  'Mateo',
  'Lucia',
  'Hugo',
  'Camille',
  'Luca',
  'Giulia',
  'Noah',
  'Emma',
  'Lars',
  'Ingrid',
  'Yuki',
  'Haruto',
  'Priya',
  'Arjun',
  'Fatima',
  'Omar',
  'Chloe',
  'Liam',
  'Zoe',
  'Ethan',
  'Maya',
  'Leon',
  'Clara',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Dubois',
  'Rossi',
  'Muller',
  'Schmidt',
  'Fischer',
  'Novak',
  'Kowalski',
  'Tanaka',
  'Sato',
  'Patel',
  'Sharma',
  'Khan',
  'Haddad',
  'Silva',
  'Santos',
  'Costa',
  'Jensen',
  'Larsen',
  'Berg',
  'Murphy',
  "O'Brien",
  'Kelly',
];
const CITIES: [string, string][] = [
  ['New York', 'US'],
  ['Chicago', 'US'],
  ['Austin', 'US'],
  ['Seattle', 'US'],
  ['Denver', 'US'],
  ['Boston', 'US'],
  ['Toronto', 'CA'],
  ['Vancouver', 'CA'],
  ['London', 'GB'],
  ['Manchester', 'GB'],
  ['Dublin', 'IE'],
  ['Paris', 'FR'],
  ['Lyon', 'FR'],
  ['Berlin', 'DE'],
  ['Munich', 'DE'],
  ['Madrid', 'ES'],
  ['Lisbon', 'PT'],
  ['Amsterdam', 'NL'],
  ['Stockholm', 'SE'],
  ['Sydney', 'AU'],
];
const COMPANIES = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Wingtip',
  'Litware',
  'Adatum',
  'Proseware',
  null,
  null,
  null,
];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];

export interface DemoCustomer {
  externalId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string | null;
  city: string;
  country: string;
  tier: string;
  value: number;
  /** The customer's X handle when the CRM knows it. */
  xHandle: string | null;
}

/** `n` CRM customers with unique emails; about a third have a known X handle. */
export function generateCustomers(n: number, rng: Rng): DemoCustomer[] {
  const customers: DemoCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    const [city, country] = rng.pick(CITIES);
    const slug = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    const tier = TIERS[Math.min(3, Math.floor(-Math.log(1 - rng.next()) * 0.9))]!;
    customers.push({
      externalId: `CRM-${String(i + 1).padStart(6, '0')}`,
      firstName,
      lastName,
      email: `${slug}${i}@${rng.pick(['example.com', 'mail.test', 'inbox.test'])}`,
      phone: `+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
      company: rng.pick(COMPANIES),
      city,
      country,
      tier,
      value: Math.round(100 * Math.exp(rng.next() * 5)),
      xHandle: rng.chance(0.35) ? `${slug.replace('.', '_')}${i}` : null,
    });
  }
  return customers;
}

/** The customers as the CSV `hark crm import` reads. */
export function customersToCsv(customers: readonly DemoCustomer[]): string {
  const quote = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header =
    'external_id,first_name,last_name,email,phone,company,city,country,tier,lifetime_value,x_handle';
  const rows = customers.map((c) =>
    [
      c.externalId,
      c.firstName,
      c.lastName,
      c.email,
      c.phone,
      c.company,
      c.city,
      c.country,
      c.tier,
      c.value,
      c.xHandle,
    ]
      .map(quote)
      .join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}

/** A name that no customer can carry: prospects use it so their truth is unambiguous. */
export function prospectHandle(i: number, rng: Rng): string {
  return `${rng.pick(['night', 'pixel', 'coffee', 'urban', 'lazy', 'blue', 'echo', 'retro'])}${rng.pick(['owl', 'rider', 'fox', 'byte', 'wave', 'panda'])}${i}`;
}
