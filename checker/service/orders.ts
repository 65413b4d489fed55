/**
 * The shop's order history, for the services that export it. Each export is
 * a year of orders, generated on demand from its name (deterministic: the
 * same orders on every machine, so a check can compute the export it expects).
 * It stands in for a database cursor: the orders come a page at a time, and
 * nothing holds them all.
 */
import { checkFileName } from './storage.ts';

/** The exports there are, and how many orders each has. */
export const ORDER_EXPORTS: Readonly<Record<string, number>> = {
  'orders-2024': 180_000,
  'orders-2025-q1': 2_000,
};

export interface Order {
  readonly id: number;
  /** ISO 8601, UTC, to the second. */
  readonly placedAt: string;
  /** "Surname, Given name". */
  readonly customer: string;
  readonly email: string;
  /** ISO 3166 alpha-2. */
  readonly country: string;
  readonly city: string;
  readonly sku: string;
  readonly product: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** A request named an export that does not exist; answer 404. */
export class ExportNotFoundError extends Error {
  readonly status = 404;
  constructor(name: string) {
    super(`no export named "${name}"`);
  }
}

const SURNAMES = ['Okafor', 'Nakamura', 'García', 'Müller', 'Smith', "O'Brien", 'Kowalski', 'Haddad', 'Silva', 'Novak', 'Lindqvist', 'Mensah'];
const GIVEN_NAMES = ['Ada', 'Kenji', 'Lucía', 'Jonas', 'Grace', 'Aoife', 'Piotr', 'Layla', 'Tiago', 'Eva', 'Nils', 'Kwame'];
const PLACES = [
  ['NG', 'Lagos'],
  ['JP', 'Osaka'],
  ['ES', 'Sevilla'],
  ['DE', 'Köln'],
  ['GB', 'Leeds'],
  ['IE', 'Galway'],
  ['PL', 'Kraków'],
  ['LB', 'Beirut'],
  ['BR', 'Recife'],
  ['CZ', 'Brno'],
  ['SE', 'Malmö'],
  ['GH', 'Accra'],
] as const;
const PRODUCTS = ['Linen tote bag, natural', 'Enamel mug, 350 ml', 'Notebook, dotted, A5', 'Wool socks, size 42', 'Print, 30 × 40 cm', 'Tea towel, "Harbour" pattern'];

const PEOPLE = SURNAMES.flatMap((surname) =>
  GIVEN_NAMES.map((given) => ({
    customer: `${surname}, ${given}`,
    mailbox: `${given}.${surname}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase(),
  })),
);

/** "00" to "59", for the time of day. */
const CLOCK = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** Orders per page, as a database cursor would fetch them. */
export const ORDERS_PER_PAGE = 250;

/** Check an export's name; throws 400 for an unsafe name and 404 for one that does not exist. */
export function checkExportName(name: string): string {
  checkFileName(name);
  if (!Object.hasOwn(ORDER_EXPORTS, name)) throw new ExportNotFoundError(name);
  return name;
}

/** The orders of an export, oldest first, a page at a time. */
export function* orderPages(name: string): Generator<Order[]> {
  const count = ORDER_EXPORTS[checkExportName(name)]!;
  const year = Number(/\d{4}/.exec(name)?.[0] ?? 2024);
  let time = Date.UTC(year, 0, 1) / 1000;
  let state = 0x9e3779b9 ^ count;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  let day = time;
  let date = new Date(day * 1000).toISOString().slice(0, 11);
  let page: Order[] = [];
  for (let i = 0; i < count; i++) {
    const random = next();
    time += 1 + (random % 173);
    if (time >= day + 86_400) {
      day = time - (time % 86_400);
      date = new Date(day * 1000).toISOString().slice(0, 11);
    }
    const seconds = time - day;
    const person = PEOPLE[random % PEOPLE.length]!;
    const [country, city] = PLACES[(random >>> 16) % PLACES.length]!;
    const product = next();
    page.push({
      id: 1_000_000 + i,
      placedAt: `${date}${CLOCK[Math.floor(seconds / 3600)]}:${CLOCK[Math.floor(seconds / 60) % 60]}:${CLOCK[seconds % 60]}Z`,
      customer: person.customer,
      email: `${person.mailbox}.${i % 997}@example.com`,
      country,
      city,
      sku: `SKU-${10_000 + (product % 90_000)}`,
      product: PRODUCTS[product % PRODUCTS.length]!,
      quantity: 1 + ((random >>> 4) % 5),
      unitPriceCents: 199 + (next() % 20_000),
    });
    if (page.length === ORDERS_PER_PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}
