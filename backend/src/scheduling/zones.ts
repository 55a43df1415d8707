import { DateTime, FixedOffsetZone, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

/**
 * Time-zone names people write in mail, mapped to IANA zones so that daylight saving is applied for
 * the actual date ("9am ET" in July is EDT). Standard-time abbreviations ("EST", "CET", "PST") map to the
 * zone too: in mail, "EST" in July almost always means New York time. Summer-time abbreviations are
 * specific ("BST" is never winter London time) and map to their fixed offset below.
 */
const ABBREVIATIONS: Record<string, string> = {
  et: 'America/New_York',
  est: 'America/New_York',
  edt: 'UTC-4',
  eastern: 'America/New_York',
  ct: 'America/Chicago',
  cst: 'America/Chicago',
  cdt: 'UTC-5',
  central: 'America/Chicago',
  mt: 'America/Denver',
  mst: 'America/Denver',
  mdt: 'UTC-6',
  mountain: 'America/Denver',
  pt: 'America/Los_Angeles',
  pst: 'America/Los_Angeles',
  pdt: 'UTC-7',
  pacific: 'America/Los_Angeles',
  akst: 'America/Anchorage',
  hst: 'Pacific/Honolulu',
  gmt: 'UTC',
  utc: 'UTC',
  bst: 'UTC+1',
  wet: 'Europe/Lisbon',
  west: 'UTC+1',
  cet: 'Europe/Berlin',
  cest: 'UTC+2',
  eet: 'Europe/Helsinki',
  eest: 'UTC+3',
  msk: 'Europe/Moscow',
  ist: 'Asia/Kolkata',
  npt: 'Asia/Kathmandu',
  pkt: 'Asia/Karachi',
  sgt: 'Asia/Singapore',
  hkt: 'Asia/Hong_Kong',
  jst: 'Asia/Tokyo',
  kst: 'Asia/Seoul',
  aest: 'Australia/Sydney',
  aedt: 'UTC+11',
  acst: 'Australia/Adelaide',
  acdt: 'UTC+10:30',
  awst: 'Australia/Perth',
  nzst: 'Pacific/Auckland',
  nzdt: 'UTC+13',
  brt: 'America/Sao_Paulo',
};

/** Two-letter abbreviations are ordinary words in lower case ("et", "pt"), so they must be upper case. */
const UPPER_CASE_ONLY = new Set(['et', 'ct', 'mt', 'pt']);

const PLACES: Record<string, string> = {
  london: 'Europe/London',
  uk: 'Europe/London',
  dublin: 'Europe/Dublin',
  lisbon: 'Europe/Lisbon',
  paris: 'Europe/Paris',
  berlin: 'Europe/Berlin',
  amsterdam: 'Europe/Amsterdam',
  madrid: 'Europe/Madrid',
  rome: 'Europe/Rome',
  zurich: 'Europe/Zurich',
  vienna: 'Europe/Vienna',
  stockholm: 'Europe/Stockholm',
  oslo: 'Europe/Oslo',
  copenhagen: 'Europe/Copenhagen',
  brussels: 'Europe/Brussels',
  warsaw: 'Europe/Warsaw',
  prague: 'Europe/Prague',
  helsinki: 'Europe/Helsinki',
  athens: 'Europe/Athens',
  istanbul: 'Europe/Istanbul',
  moscow: 'Europe/Moscow',
  'new york': 'America/New_York',
  ny: 'America/New_York',
  nyc: 'America/New_York',
  boston: 'America/New_York',
  toronto: 'America/Toronto',
  chicago: 'America/Chicago',
  austin: 'America/Chicago',
  denver: 'America/Denver',
  'san francisco': 'America/Los_Angeles',
  sf: 'America/Los_Angeles',
  'los angeles': 'America/Los_Angeles',
  la: 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  vancouver: 'America/Vancouver',
  'mexico city': 'America/Mexico_City',
  'sao paulo': 'America/Sao_Paulo',
  'são paulo': 'America/Sao_Paulo',
  dubai: 'Asia/Dubai',
  india: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  mumbai: 'Asia/Kolkata',
  bangalore: 'Asia/Kolkata',
  bengaluru: 'Asia/Kolkata',
  kathmandu: 'Asia/Kathmandu',
  singapore: 'Asia/Singapore',
  'hong kong': 'Asia/Hong_Kong',
  beijing: 'Asia/Shanghai',
  shanghai: 'Asia/Shanghai',
  tokyo: 'Asia/Tokyo',
  seoul: 'Asia/Seoul',
  sydney: 'Australia/Sydney',
  melbourne: 'Australia/Melbourne',
  adelaide: 'Australia/Adelaide',
  perth: 'Australia/Perth',
  auckland: 'Pacific/Auckland',
};

export interface ZoneMention {
  /** The words as written, e.g. "PST", "London time", "UTC+5:30". */
  text: string;
  index: number;
  /** IANA zone name, or a fixed offset zone such as "UTC+5:30". */
  zone: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const placeAlternatives = Object.keys(PLACES)
  .sort((a, b) => b.length - a.length)
  .map(escapeRegExp)
  .join('|');
const abbreviationAlternatives = Object.keys(ABBREVIATIONS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const ZONE_PATTERN = new RegExp(
  [
    `\\b(?<offset>(?:utc|gmt)\\s?[+\\-−]\\s?\\d{1,2}(?::?\\d{2})?)`,
    `\\b(?<place>${placeAlternatives})(?:\\s+|-)time\\b`,
    `\\b(?<named>eastern|central|mountain|pacific)\\s+(?:standard\\s+|daylight\\s+)?time\\b`,
    `\\b(?<abbr>${abbreviationAlternatives})\\b`,
  ].join('|'),
  // Not 'u': with unicode case folding this alternation runs five times slower, and every character it names
  // is in the Basic Multilingual Plane.
  'gi',
);

/** Every zone named in the text, in order of appearance. */
export function findZoneMentions(text: string): ZoneMention[] {
  const mentions: ZoneMention[] = [];
  for (const m of text.matchAll(ZONE_PATTERN)) {
    const groups = m.groups ?? {};
    let zone: string | undefined;
    if (groups.offset) zone = offsetZoneName(groups.offset);
    else if (groups.place) zone = PLACES[groups.place.toLowerCase()];
    else if (groups.named) zone = ABBREVIATIONS[groups.named.toLowerCase()];
    else if (groups.abbr) {
      const key = groups.abbr.toLowerCase();
      if (UPPER_CASE_ONLY.has(key) && groups.abbr !== groups.abbr.toUpperCase()) continue;
      zone = ABBREVIATIONS[key];
    }
    if (zone && isValidZone(zone)) mentions.push({ text: m[0], index: m.index ?? 0, zone });
  }
  return mentions;
}

function offsetZoneName(written: string): string {
  const m = /([+\-−])\s?(\d{1,2})(?::?(\d{2}))?/.exec(written);
  if (!m) return 'UTC';
  const sign = m[1] === '+' ? '+' : '-';
  const hours = Number(m[2]);
  const minutes = m[3] ? Number(m[3]) : 0;
  return minutes ? `UTC${sign}${hours}:${String(minutes).padStart(2, '0')}` : `UTC${sign}${hours}`;
}

export function isValidZone(zone: string): boolean {
  // Intl answers slowly (a new formatter each time) and a mail names the same few zones again and again.
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone) || FixedOffsetZone.parseSpecifier(zone) !== null || zone === 'UTC';
    if (zoneValidity.size > 1000) zoneValidity.clear();
    zoneValidity.set(zone, valid);
  }
  return valid;
}
const zoneValidity = new Map<string, boolean>();

/** Locales whose short zone names are letters for different regions ("EST", "CET", "IST", "ACDT"). */
const LABEL_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];

/** A short label for a zone at an instant: "CET", "EDT", "IST", else "UTC+05:45". */
export function zoneLabel(zone: string, at: Date | string): string {
  const dt = (typeof at === 'string' ? DateTime.fromISO(at) : DateTime.fromJSDate(at)).setZone(zone);
  if (!dt.isValid) return zone;
  if (dt.zone.type === 'iana') {
    for (const locale of LABEL_LOCALES) {
      const name = new Intl.DateTimeFormat(locale, { timeZone: dt.zone.name, timeZoneName: 'short' })
        .formatToParts(dt.toJSDate())
        .find((p) => p.type === 'timeZoneName')?.value;
      if (name && /^[A-Z]{2,5}$/.test(name) && (name !== 'GMT' || dt.offset === 0)) return name;
    }
  }
  if (dt.offset === 0) return 'UTC';
  return `UTC${dt.toFormat('ZZ')}`;
}

const RESIDENCE = new RegExp(
  `\\b(?:i'?m|i am|we'?re|we are|based|located|living|sitting|here|currently|travelling|traveling)\\s+(?:\\w+\\s+)?in\\s+(${placeAlternatives})\\b`,
  'i',
);

/** The zone of a place the writer says they are in: "I'm based in London" → Europe/London. */
export function findResidenceZone(text: string): string | undefined {
  const m = RESIDENCE.exec(text);
  return m?.[1] ? PLACES[m[1].toLowerCase()] : undefined;
}

/**
 * A zone whose UTC offsets are remembered per UTC hour. Luxon asks Intl for the offset of an IANA zone on
 * every DateTime it builds, which dominates parsing a long message and walking a long range of days; an
 * hour whose first and last instants share an offset has no transition inside (zones change at most once
 * an hour), so its offset is reused.
 */
class HourlyCachedZone extends Zone {
  private readonly offsets = new Map<number, number>();
  constructor(private readonly inner: Zone) {
    super();
  }
  override get type(): string {
    return this.inner.type;
  }
  override get name(): string {
    return this.inner.name;
  }
  get ianaName(): string {
    return (this.inner as Zone & { ianaName?: string }).ianaName ?? this.inner.name;
  }
  override get isUniversal(): boolean {
    return this.inner.isUniversal;
  }
  override get isValid(): boolean {
    return this.inner.isValid;
  }
  override offsetName(ts: number, opts: ZoneOffsetOptions): string | null {
    return this.inner.offsetName(ts, opts);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.inner.formatOffset(ts, format);
  }
  override offset(ts: number): number {
    const hour = Math.floor(ts / 3_600_000);
    const known = this.offsets.get(hour);
    if (known !== undefined) return known;
    const first = this.inner.offset(hour * 3_600_000);
    if (first !== this.inner.offset((hour + 1) * 3_600_000 - 1)) return this.inner.offset(ts);
    if (this.offsets.size > 50_000) this.offsets.clear();
    this.offsets.set(hour, first);
    return first;
  }
  override equals(other: Zone): boolean {
    return other instanceof HourlyCachedZone ? this.inner.equals(other.inner) : this.inner.equals(other);
  }
}

const cachedZones = new Map<string, Zone>();

/** A luxon zone for an IANA name or fixed offset ("UTC-2"), with offsets cached; throws for unknown names. */
export function cachedZone(name: string): Zone {
  let zone = cachedZones.get(name);
  if (zone) return zone;
  // The same reading of a name as luxon's own (so "UTC" still prints as "Z"); only IANA zones are wrapped,
  // fixed offsets are cheap already.
  const lower = name.toLowerCase();
  const fixed =
    lower === 'utc' || lower === 'gmt' ? FixedOffsetZone.utcInstance : FixedOffsetZone.parseSpecifier(lower);
  if (fixed) zone = fixed;
  else if (IANAZone.isValidZone(name)) zone = new HourlyCachedZone(IANAZone.create(name));
  else throw new RangeError(`unknown time zone: ${name}`);
  if (cachedZones.size > 1000) cachedZones.clear();
  cachedZones.set(name, zone);
  return zone;
}
