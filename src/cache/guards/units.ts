/** A unit of measure: its dimension and how to convert a value into the dimension's base unit. */
export interface Unit {
  name: string;
  dimension: 'length' | 'mass' | 'data' | 'time' | 'temperature' | 'percent' | 'currency' | 'multiplier';
  toBase(value: number): number;
}

const scale = (name: string, dimension: Unit['dimension'], factor: number): Unit => ({ name, dimension, toBase: (v) => v * factor });

// Conversion factors: SI and NIST Handbook 44 (mile, foot, pound); a month is 1/12 of a Julian year.
const METER = scale('m', 'length', 1);
const KILOMETER = scale('km', 'length', 1000);
const MILE = scale('mi', 'length', 1609.344);
const FOOT = scale('ft', 'length', 0.3048);
const CENTIMETER = scale('cm', 'length', 0.01);
const MILLIMETER = scale('mm', 'length', 0.001);
const MICROGRAM = scale('mcg', 'mass', 1e-6);
const MILLIGRAM = scale('mg', 'mass', 1e-3);
const GRAM = scale('g', 'mass', 1);
const KILOGRAM = scale('kg', 'mass', 1000);
const POUND_MASS = scale('lb', 'mass', 453.59237);
const KILOBYTE = scale('kb', 'data', 1e3);
const MEGABYTE = scale('mb', 'data', 1e6);
const GIGABYTE = scale('gb', 'data', 1e9);
const TERABYTE = scale('tb', 'data', 1e12);
const PETABYTE = scale('pb', 'data', 1e15);
const MILLISECOND = scale('ms', 'time', 0.001);
const SECOND = scale('s', 'time', 1);
const MINUTE = scale('min', 'time', 60);
const HOUR = scale('h', 'time', 3600);
const DAY = scale('day', 'time', 86_400);
const WEEK = scale('week', 'time', 604_800);
const MONTH = scale('month', 'time', 2_629_800);
const YEAR = scale('year', 'time', 31_557_600);
const CELSIUS: Unit = { name: '°C', dimension: 'temperature', toBase: (v) => v + 273.15 };
const FAHRENHEIT: Unit = { name: '°F', dimension: 'temperature', toBase: (v) => ((v - 32) * 5) / 9 + 273.15 };
const PERCENT = scale('%', 'percent', 1);
// Currencies are never converted (rates change): the number guard requires the same currency.
const USD = scale('USD', 'currency', 1);
const EUR = scale('EUR', 'currency', 1);
const GBP = scale('GBP', 'currency', 1);
const TIMES = scale('times', 'multiplier', 1);

/** Unit words (singular and plural) and symbols, lowercase. */
export const UNIT_WORDS: ReadonlyMap<string, Unit> = new Map([
  ...words(METER, 'm', 'meter', 'meters', 'metre', 'metres'),
  ...words(KILOMETER, 'km', 'kms', 'kilometer', 'kilometers', 'kilometre', 'kilometres'),
  ...words(MILE, 'mi', 'mile', 'miles'),
  ...words(FOOT, 'ft', 'foot', 'feet'),
  ...words(CENTIMETER, 'cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'),
  ...words(MILLIMETER, 'mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'),
  ...words(MICROGRAM, 'mcg', 'µg', 'μg', 'ug', 'microgram', 'micrograms'),
  ...words(MILLIGRAM, 'mg', 'milligram', 'milligrams'),
  ...words(GRAM, 'g', 'gram', 'grams', 'gramme', 'grammes'),
  ...words(KILOGRAM, 'kg', 'kgs', 'kilogram', 'kilograms', 'kilo', 'kilos'),
  ...words(POUND_MASS, 'lb', 'lbs'),
  ...words(KILOBYTE, 'kb', 'kilobyte', 'kilobytes'),
  ...words(MEGABYTE, 'mb', 'megabyte', 'megabytes'),
  ...words(GIGABYTE, 'gb', 'gigabyte', 'gigabytes', 'gig', 'gigs'),
  ...words(TERABYTE, 'tb', 'terabyte', 'terabytes'),
  ...words(PETABYTE, 'pb', 'petabyte', 'petabytes'),
  ...words(MILLISECOND, 'ms', 'millisecond', 'milliseconds'),
  ...words(SECOND, 's', 'sec', 'secs', 'second', 'seconds'),
  ...words(MINUTE, 'min', 'mins', 'minute', 'minutes'),
  ...words(HOUR, 'h', 'hr', 'hrs', 'hour', 'hours'),
  ...words(DAY, 'day', 'days'),
  ...words(WEEK, 'wk', 'wks', 'week', 'weeks'),
  ...words(MONTH, 'mo', 'month', 'months'),
  ...words(YEAR, 'yr', 'yrs', 'year', 'years'),
  ...words(CELSIUS, '°c', 'celsius', 'centigrade'),
  ...words(FAHRENHEIT, '°f', 'fahrenheit'),
  ...words(PERCENT, '%', 'percent', 'pct'),
  ...words(USD, '$', 'usd', 'dollar', 'dollars', 'bucks'),
  ...words(EUR, '€', 'eur', 'euro', 'euros'),
  ...words(GBP, '£', 'gbp', 'pound', 'pounds', 'sterling'),
  ...words(TIMES, 'times'),
]);

/** Adjectives that name a rate period: "yearly" is per year. */
export const PERIOD_ADJECTIVES: ReadonlyMap<string, Unit> = new Map([
  ['hourly', HOUR], ['daily', DAY], ['weekly', WEEK], ['monthly', MONTH], ['yearly', YEAR], ['annual', YEAR], ['annually', YEAR],
]);

/** The multiplier unit, for "twice" and "three times". */
export const MULTIPLIER_UNIT = TIMES;

function words(unit: Unit, ...names: string[]): Array<[string, Unit]> {
  return names.map((name) => [name, unit]);
}
