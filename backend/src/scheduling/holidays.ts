/**
 * Named holidays and their real date rules: fixed dates, "nth weekday of a month" rules, dates that
 * hang off Easter (Western and Orthodox computus), and dates in the Hebrew, Chinese and Islamic
 * calendars (read through the ICU calendars that ship with Node's Intl, not through tables).
 */

export interface HolidayDate {
  year: number;
  month: number;
  day: number;
}

export interface Holiday {
  name: string;
  /** Regular-expression source (no groups) for the ways people write it, lower case. */
  pattern: string;
  /** The first day of the holiday in a Gregorian year, or null when it does not fall in that year. */
  date(year: number): HolidayDate | null;
  /** Length in days when it is a period (Lent, Hanukkah, Ramadan); default 1. */
  days?(year: number): number;
}

const ymd = (year: number, month: number, day: number): HolidayDate => ({ year, month, day });

function addDays(d: HolidayDate, n: number): HolidayDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return ymd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** ISO weekday (1 = Monday) of a date. */
function weekdayOf(d: HolidayDate): number {
  return ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;
}

/** The nth (1-based; negative counts from the end) given ISO weekday of a month. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): HolidayDate {
  if (n > 0) {
    const first = ymd(year, month, 1);
    return addDays(first, ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1));
  }
  const last = addDays(ymd(month === 12 ? year + 1 : year, (month % 12) + 1, 1), -1);
  return addDays(last, -((weekdayOf(last) - weekday + 7) % 7) + 7 * (n + 1));
}

/** Western Easter Sunday (anonymous Gregorian computus). */
export function easter(year: number): HolidayDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
}

/** Orthodox Easter Sunday: the Julian computus, moved to the Gregorian calendar. */
export function orthodoxEaster(year: number): HolidayDate {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  const julianToGregorian = Math.floor(year / 100) - Math.floor(year / 400) - 2;
  return addDays(ymd(year, month, day), julianToGregorian);
}

/** A fixed date moved to the nearest weekday when it falls on a weekend (Saturday → Friday, Sunday → Monday). */
function nearestWeekday(d: HolidayDate): HolidayDate {
  const w = weekdayOf(d);
  return w === 6 ? addDays(d, -1) : w === 7 ? addDays(d, 1) : d;
}

// --- Other calendars through Intl --------------------------------------------------------------

const calendarCache = new Map<string, Map<string, HolidayDate[]>>();

/** Every Gregorian day of `year`, keyed by "month/day" in another calendar (month as Intl names it). */
function calendarDays(calendar: string, year: number): Map<string, HolidayDate[]> {
  const key = `${calendar}:${year}`;
  let days = calendarCache.get(key);
  if (days) return days;
  days = new Map();
  const format = new Intl.DateTimeFormat(`en-u-ca-${calendar}`, {
    month: calendar === 'hebrew' ? 'long' : 'numeric',
    day: 'numeric',
    timeZone: 'UTC',
  });
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const parts = format.formatToParts(new Date(t));
    const month = parts.find((p) => p.type === 'month')?.value ?? '';
    const day = parts.find((p) => p.type === 'day')?.value ?? '';
    const date = new Date(t);
    const entry = ymd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    const list = days.get(`${month}/${day}`) ?? [];
    list.push(entry);
    days.set(`${month}/${day}`, list);
  }
  calendarCache.set(key, days);
  return days;
}

/** The first Gregorian day in `year` that is `day` of one of `months` in `calendar`. */
function inCalendar(calendar: string, months: string[], day: number, year: number): HolidayDate | null {
  const days = calendarDays(calendar, year);
  const found = months.flatMap((m) => days.get(`${m}/${day}`) ?? []);
  found.sort((a, b) => a.month - b.month || a.day - b.day);
  return found[0] ?? null;
}

/** Jewish holidays begin at sundown: like most calendars, we give the eve as the first day. */
const hebrew = (months: string[], day: number) => (year: number) => {
  // The eve may fall in the previous Gregorian year only for dates on 1 January; look one day ahead.
  const d = inCalendar('hebrew', months, day, year) ?? inCalendar('hebrew', months, day, year + 1);
  if (!d) return null;
  const eve = addDays(d, -1);
  return eve.year === year ? eve : null;
};
const islamic = (month: number, day: number) => (year: number) =>
  inCalendar('islamic-umalqura', [String(month)], day, year);

// --- The holidays ------------------------------------------------------------------------------

const fixed = (month: number, day: number) => (year: number) => ymd(year, month, day);
const nth = (month: number, weekday: number, n: number) => (year: number) => nthWeekday(year, month, weekday, n);
const fromEaster = (offset: number) => (year: number) => addDays(easter(year), offset);
const fromOrthodoxEaster = (offset: number) => (year: number) => addDays(orthodoxEaster(year), offset);
const thanksgiving = nth(11, 4, 4);
const APOS = "(?:'|’)?";
const SAINT = '(?:st\\.?|saint)';

export const HOLIDAYS: Holiday[] = [
  // Fixed dates.
  { name: "New Year's Eve", pattern: `new\\s?year${APOS}s?${APOS}\\s+eve`, date: fixed(12, 31) },
  { name: "New Year's Day", pattern: `new\\s?year${APOS}s?${APOS}(?:\\s+day)?`, date: fixed(1, 1) },
  { name: 'Christmas Eve', pattern: '(?:christmas|xmas|x-mas)\\s+eve', date: fixed(12, 24) },
  { name: 'Christmas', pattern: '(?:christmas|xmas|x-mas)(?:\\s+day)?', date: fixed(12, 25) },
  { name: 'Boxing Day', pattern: 'boxing\\s+day', date: fixed(12, 26) },
  { name: "Valentine's Day", pattern: `(?:${SAINT}\\s+)?valentine${APOS}s?${APOS}(?:\\s+day)?`, date: fixed(2, 14) },
  { name: 'Halloween', pattern: 'hallowe(?:e)?n', date: fixed(10, 31) },
  {
    name: 'Independence Day',
    pattern: '(?:us\\s+)?independence\\s+day|(?:the\\s+)?(?:4th|fourth)\\s+of\\s+july|july\\s+(?:4th|fourth)',
    date: fixed(7, 4),
  },
  { name: 'Juneteenth', pattern: 'juneteenth', date: fixed(6, 19) },
  {
    name: 'Veterans Day',
    pattern: `veteran${APOS}s${APOS}\\s+day|armistice\\s+day|remembrance\\s+day`,
    date: fixed(11, 11),
  },
  { name: "St Patrick's Day", pattern: `${SAINT}\\s+(?:patrick|patty|paddy)${APOS}s?(?:\\s+day)?`, date: fixed(3, 17) },
  { name: "St George's Day", pattern: `${SAINT}\\s+george${APOS}s\\s+day`, date: fixed(4, 23) },
  { name: "St Andrew's Day", pattern: `${SAINT}\\s+andrew${APOS}s\\s+day`, date: fixed(11, 30) },
  { name: "St David's Day", pattern: `${SAINT}\\s+david${APOS}s\\s+day`, date: fixed(3, 1) },
  { name: "April Fools' Day", pattern: `april\\s+fool${APOS}s?${APOS}(?:\\s+day)?`, date: fixed(4, 1) },
  { name: 'Groundhog Day', pattern: 'groundhog\\s+day', date: fixed(2, 2) },
  { name: 'Earth Day', pattern: 'earth\\s+day', date: fixed(4, 22) },
  { name: 'Cinco de Mayo', pattern: 'cinco\\s+de\\s+mayo', date: fixed(5, 5) },
  { name: 'Bonfire Night', pattern: `bonfire\\s+night|guy\\s+fawkes${APOS}?\\s+(?:night|day)`, date: fixed(11, 5) },
  { name: 'Burns Night', pattern: 'burns\\s+night', date: fixed(1, 25) },
  { name: 'Canada Day', pattern: 'canada\\s+day', date: fixed(7, 1) },
  { name: 'Australia Day', pattern: 'australia\\s+day', date: fixed(1, 26) },
  { name: 'Bastille Day', pattern: 'bastille\\s+day', date: fixed(7, 14) },
  { name: 'Epiphany', pattern: 'epiphany|three\\s+kings\\s+day', date: fixed(1, 6) },
  { name: "All Saints' Day", pattern: `all\\s+saints${APOS}?\\s+day`, date: fixed(11, 1) },
  { name: 'World Vegan Day', pattern: 'world\\s+vegan\\s+day', date: fixed(11, 1) },
  { name: "Boss's Day", pattern: `boss${APOS}s?${APOS}?\\s+day`, date: (y) => nearestWeekday(ymd(y, 10, 16)) },
  // Nth weekday of a month (US, Canada, UK bank holidays).
  {
    name: 'Martin Luther King Jr. Day',
    pattern: `(?:mlk|martin\\s+luther\\s+king(?:${APOS}s|s)?)(?:\\s+jr\\.?)?(?:${APOS}s)?\\s+day|civil\\s+rights\\s+day`,
    date: nth(1, 1, 3),
  },
  {
    name: "Presidents' Day",
    pattern: `president${APOS}s?${APOS}\\s+day|washington${APOS}s\\s+birthday`,
    date: nth(2, 1, 3),
  },
  { name: 'Memorial Day', pattern: 'memorial\\s+day', date: nth(5, 1, -1) },
  { name: 'Labor Day', pattern: 'labou?r\\s+day', date: nth(9, 1, 1) },
  { name: 'Columbus Day', pattern: `columbus\\s+day|indigenous\\s+peoples${APOS}\\s+day`, date: nth(10, 1, 2) },
  { name: 'Election Day', pattern: 'election\\s+day', date: (y) => addDays(nthWeekday(y, 11, 1, 1), 1) },
  { name: 'Thanksgiving', pattern: 'thanksgiving(?:\\s+day)?', date: thanksgiving },
  { name: 'Black Friday', pattern: 'black\\s+friday', date: (y) => addDays(thanksgiving(y), 1) },
  { name: 'Cyber Monday', pattern: 'cyber\\s+monday', date: (y) => addDays(thanksgiving(y), 4) },
  { name: "Mother's Day", pattern: `mother${APOS}s?${APOS}\\s+day`, date: nth(5, 7, 2) },
  { name: "Father's Day", pattern: `father${APOS}s?${APOS}\\s+day`, date: nth(6, 7, 3) },
  {
    name: 'Early May bank holiday',
    pattern: 'early\\s+may\\s+bank\\s+holiday|may\\s+day(?:\\s+bank\\s+holiday)?',
    date: nth(5, 1, 1),
  },
  { name: 'Spring bank holiday', pattern: 'spring\\s+bank\\s+holiday', date: nth(5, 1, -1) },
  { name: 'Summer bank holiday', pattern: 'summer\\s+bank\\s+holiday|august\\s+bank\\s+holiday', date: nth(8, 1, -1) },
  // Easter and the days that hang off it.
  { name: 'Easter Monday', pattern: 'easter\\s+mon(?:day)?', date: fromEaster(1) },
  { name: 'Easter', pattern: 'easter(?:\\s+sunday)?', date: fromEaster(0) },
  { name: 'Good Friday', pattern: 'good\\s+friday', date: fromEaster(-2) },
  { name: 'Holy Saturday', pattern: 'holy\\s+saturday|easter\\s+saturday', date: fromEaster(-1) },
  {
    name: 'Maundy Thursday',
    pattern: 'maundy\\s+thu(?:rsday)?|holy\\s+thu(?:rsday)?|covenant\\s+thu(?:rsday)?|thu(?:rsday)?\\s+of\\s+mysteries',
    date: fromEaster(-3),
  },
  { name: 'Palm Sunday', pattern: 'palm\\s+sunday|branch\\s+sunday', date: fromEaster(-7) },
  { name: 'Ash Wednesday', pattern: 'ash\\s+wednesday', date: fromEaster(-46) },
  {
    name: 'Shrove Tuesday',
    pattern: 'shrove\\s+tuesday|mardi\\s+gras|pancake\\s+(?:day|tuesday)|fat\\s+tuesday',
    date: fromEaster(-47),
  },
  { name: 'Lent', pattern: 'lent', date: fromEaster(-46), days: () => 46 },
  { name: 'Mothering Sunday', pattern: 'mothering\\s+sunday', date: fromEaster(-21) },
  { name: 'Ascension Day', pattern: 'ascension\\s+(?:day|thursday)', date: fromEaster(39) },
  { name: 'Pentecost', pattern: 'pentecost(?:\\s+sunday)?|whit(?:e)?\\s*sunday', date: fromEaster(49) },
  { name: 'Whit Monday', pattern: 'whit\\s*monday|monday\\s+of\\s+the\\s+holy\\s+spirit', date: fromEaster(50) },
  { name: 'Trinity Sunday', pattern: 'trinity\\s+sunday', date: fromEaster(56) },
  { name: 'Corpus Christi', pattern: 'corpus\\s+christi', date: fromEaster(60) },
  { name: 'Orthodox Easter', pattern: 'orthodox\\s+easter(?:\\s+sunday)?', date: fromOrthodoxEaster(0) },
  {
    name: 'Orthodox Good Friday',
    pattern: 'orthodox\\s+(?:good|great)\\s+friday',
    date: fromOrthodoxEaster(-2),
  },
  {
    name: 'Clean Monday',
    pattern: 'clean\\s+monday|orthodox\\s+shrove\\s+monday',
    date: fromOrthodoxEaster(-48),
  },
  { name: 'Lazarus Saturday', pattern: 'lazarus\\s+saturday', date: fromOrthodoxEaster(-8) },
  { name: 'Great Lent', pattern: 'great\\s+(?:lent|fast)', date: fromOrthodoxEaster(-48), days: () => 40 },
  // Hebrew calendar (the eve as first day).
  {
    name: 'Rosh Hashanah',
    pattern: 'rosh\\s+hashan(?:n)?ah?',
    date: hebrew(['Tishri'], 1),
    days: () => 3,
  },
  { name: 'Yom Kippur', pattern: 'yom\\s+kippur', date: hebrew(['Tishri'], 10) },
  {
    name: 'Sukkot',
    pattern: 'sukkot|succos|sukkos|feast\\s+of\\s+(?:the\\s+)?(?:ingathering|tabernacles|booths)',
    date: hebrew(['Tishri'], 15),
    days: () => 9,
  },
  { name: 'Shemini Atzeret', pattern: 'shemini\\s+atzeret', date: hebrew(['Tishri'], 22) },
  { name: 'Simchat Torah', pattern: 'simchat\\s+torah', date: hebrew(['Tishri'], 23) },
  { name: 'Hanukkah', pattern: '(?:c)?han(?:n)?uk(?:k)?ah?|chanukkah', date: hebrew(['Kislev'], 25), days: () => 9 },
  { name: 'Tu BiShvat', pattern: "tu\\s+b(?:i)?(?:'|’)?sh(?:e)?vat", date: hebrew(['Shevat'], 15) },
  { name: 'Purim', pattern: 'purim', date: hebrew(['Adar', 'Adar II'], 14) },
  { name: 'Shushan Purim', pattern: 'shushan\\s+purim', date: hebrew(['Adar', 'Adar II'], 15) },
  { name: 'Passover', pattern: 'passover|pesach', date: hebrew(['Nisan'], 15), days: () => 9 },
  { name: 'Lag BaOmer', pattern: "lag\\s+b(?:a)?(?:'|’)?omer", date: hebrew(['Iyar'], 18) },
  { name: 'Shavuot', pattern: 'shavuot|shavuos', date: hebrew(['Sivan'], 6), days: () => 3 },
  {
    // A fast that falls on the Sabbath moves to Sunday, so its eve is the Saturday.
    name: "Tisha B'Av",
    pattern: "tisha\\s+b(?:'|’)?av",
    date: (y) => {
      const eve = hebrew(['Av'], 9)(y);
      return eve && weekdayOf(eve) === 5 ? addDays(eve, 1) : eve;
    },
  },
  // Chinese and Islamic calendars.
  {
    name: 'Chinese New Year',
    pattern: `(?:chinese|lunar)\\s+(?:lunar\\s+)?new\\s+year${APOS}?s?(?:${APOS}s)?(?:\\s+day)?`,
    date: (y) => inCalendar('chinese', ['1'], 1, y),
  },
  { name: 'Ramadan', pattern: 'ramadan|ramadhan', date: islamic(9, 1), days: (y) => ramadanDays(y) },
  { name: 'Eid al-Fitr', pattern: 'eid\\s+al[-\\s]fitr|eid\\s+ul[-\\s]fitr', date: islamic(10, 1) },
  {
    name: 'Eid al-Adha',
    pattern: 'eid\\s+al[-\\s]adha|id\\s+ul[-\\s]adha|eid\\s+ul[-\\s]adha|sacrifice\\s+feast|bakr[-\\s]id',
    date: islamic(12, 10),
  },
  {
    name: 'Islamic New Year',
    pattern: 'islamic\\s+new\\s+year|hijri\\s+new\\s+year|amun\\s+jadid',
    date: islamic(1, 1),
  },
  { name: 'Ashura', pattern: '(?:day\\s+of\\s+)?ashura', date: islamic(1, 10) },
  { name: 'Mawlid', pattern: 'mawlid(?:\\s+al[-\\s]nabawi)?', date: islamic(3, 12) },
];

/** Ramadan runs until the day before Eid al-Fitr (29 or 30 days). */
function ramadanDays(year: number): number {
  const start = islamic(9, 1)(year);
  if (!start) return 30;
  const eid = islamic(10, 1)(start.year) ?? islamic(10, 1)(start.year + 1);
  if (!eid) return 30;
  return Math.round(
    (Date.UTC(eid.year, eid.month - 1, eid.day) - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000,
  );
}

/** One alternation of every holiday name, in list order: the list names "christmas eve" before "christmas". */
export const HOLIDAY_PATTERN = HOLIDAYS.map((h) => h.pattern).join('|');

const compiled = HOLIDAYS.map((h) => ({ holiday: h, re: new RegExp(`^(?:${h.pattern})$`, 'i') }));

/** The holiday a matched name means; the longest pattern that matches wins. */
export function holidayNamed(text: string): Holiday | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  return compiled.find((c) => c.re.test(t))?.holiday;
}
