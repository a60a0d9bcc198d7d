/**
 * The world is a plane in kilometres. The home country is the Handbook's square [0, plane]²; foreign cities sit
 * at roughly their real distance from a Brussels-like home centre, so travel between them takes real time.
 */
export interface City {
  readonly country: string;
  /** Offset of the city centre from the centre of the home square, km (east, north). */
  readonly east: number;
  readonly north: number;
  /** Share of travellers (and cloned-card use) going there. */
  readonly weight: number;
}

export const HOME_COUNTRY = 'BE';
export const CURRENCY = 'EUR';

export const FOREIGN_CITIES: readonly City[] = [
  { country: 'FR', east: -200, north: -170, weight: 20 },
  { country: 'NL', east: 20, north: 170, weight: 14 },
  { country: 'GB', east: -320, north: 60, weight: 12 },
  { country: 'DE', east: 640, north: 80, weight: 10 },
  { country: 'ES', east: -1000, north: -1000, weight: 12 },
  { country: 'IT', east: 800, north: -1050, weight: 9 },
  { country: 'PT', east: -1550, north: -1000, weight: 5 },
  { country: 'US', east: -5870, north: -300, weight: 7 },
  { country: 'AE', east: 4300, north: -2900, weight: 4 },
  { country: 'TH', east: 8800, north: -3600, weight: 4 },
  { country: 'NG', east: 150, north: -4300, weight: 3 },
];

/** Spread of a city's terminals around its centre, km. */
export const CITY_RADIUS_KM = 10;

/** Fastest plausible travel, km/h, door to door (a flight with airport time counts as slower). */
export const MAX_TRAVEL_KMH = 800;

/** Whole hours a trip of `km` takes: flight at cruising speed plus two hours at airports. */
export function travelSeconds(km: number): number {
  return Math.round((km / MAX_TRAVEL_KMH + 2) * 3600);
}
