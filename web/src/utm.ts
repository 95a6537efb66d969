/**
 * WGS-84 UTM forward and inverse (Transverse Mercator series after Snyder, USGS PP 1395, as used by every MGRS
 * implementation). The `mgrs` package computes the same internally but does not export it, and the grid overlay
 * needs easting/northing -> lat/lon for whole grid lines; test/web/mgrs-grid.test.ts checks these against `mgrs`.
 */
const A = 6378137;
const ECC2 = 0.00669438;
const K0 = 0.9996;
const ECC2P = ECC2 / (1 - ECC2);
const DEG = Math.PI / 180;

export interface Utm {
  zone: number;
  /** True for the southern hemisphere (northing counted from 10,000 km at the equator). */
  south: boolean;
  easting: number;
  northing: number;
}

/** UTM zone number of a position, with the Norway (32V) and Svalbard exceptions MGRS uses. */
export function utmZone(lon: number, lat: number): number {
  let zone = Math.floor((lon + 180) / 6) + 1;
  if (lon === 180) zone = 60;
  if (lat >= 56 && lat < 64 && lon >= 3 && lon < 12) zone = 32;
  if (lat >= 72 && lat < 84) {
    if (lon >= 0 && lon < 9) zone = 31;
    else if (lon >= 9 && lon < 21) zone = 33;
    else if (lon >= 21 && lon < 33) zone = 35;
    else if (lon >= 33 && lon < 42) zone = 37;
  }
  return zone;
}

/** Central meridian of a zone in degrees. */
export function centralMeridian(zone: number): number {
  return (zone - 1) * 6 - 180 + 3;
}

/** lat/lon (degrees) -> UTM in `zone` (default: the position's own zone). */
export function toUtm(lon: number, lat: number, zone = utmZone(lon, lat)): Utm {
  const phi = lat * DEG;
  const lam = lon * DEG;
  const lam0 = centralMeridian(zone) * DEG;
  const n = A / Math.sqrt(1 - ECC2 * Math.sin(phi) ** 2);
  const t = Math.tan(phi) ** 2;
  const c = ECC2P * Math.cos(phi) ** 2;
  const a = Math.cos(phi) * (lam - lam0);
  const m =
    A *
    ((1 - ECC2 / 4 - (3 * ECC2 ** 2) / 64 - (5 * ECC2 ** 3) / 256) * phi -
      ((3 * ECC2) / 8 + (3 * ECC2 ** 2) / 32 + (45 * ECC2 ** 3) / 1024) * Math.sin(2 * phi) +
      ((15 * ECC2 ** 2) / 256 + (45 * ECC2 ** 3) / 1024) * Math.sin(4 * phi) -
      ((35 * ECC2 ** 3) / 3072) * Math.sin(6 * phi));
  const easting =
    K0 * n * (a + ((1 - t + c) * a ** 3) / 6 + ((5 - 18 * t + t * t + 72 * c - 58 * ECC2P) * a ** 5) / 120) +
    500000;
  let northing =
    K0 *
    (m +
      n *
        Math.tan(phi) *
        ((a * a) / 2 +
          ((5 - t + 9 * c + 4 * c * c) * a ** 4) / 24 +
          ((61 - 58 * t + t * t + 600 * c - 330 * ECC2P) * a ** 6) / 720));
  const south = lat < 0;
  if (south) northing += 10000000;
  return { zone, south, easting, northing };
}

/** UTM -> [lon, lat] in degrees. */
export function fromUtm(u: Utm): [number, number] {
  const e1 = (1 - Math.sqrt(1 - ECC2)) / (1 + Math.sqrt(1 - ECC2));
  const x = u.easting - 500000;
  const y = u.south ? u.northing - 10000000 : u.northing;
  const m = y / K0;
  const mu = m / (A * (1 - ECC2 / 4 - (3 * ECC2 ** 2) / 64 - (5 * ECC2 ** 3) / 256));
  const phi1 =
    mu +
    ((3 * e1) / 2 - (27 * e1 ** 3) / 32) * Math.sin(2 * mu) +
    ((21 * e1 * e1) / 16 - (55 * e1 ** 4) / 32) * Math.sin(4 * mu) +
    ((151 * e1 ** 3) / 96) * Math.sin(6 * mu);
  const n1 = A / Math.sqrt(1 - ECC2 * Math.sin(phi1) ** 2);
  const t1 = Math.tan(phi1) ** 2;
  const c1 = ECC2P * Math.cos(phi1) ** 2;
  const r1 = (A * (1 - ECC2)) / Math.pow(1 - ECC2 * Math.sin(phi1) ** 2, 1.5);
  const d = x / (n1 * K0);
  const lat =
    phi1 -
    ((n1 * Math.tan(phi1)) / r1) *
      ((d * d) / 2 -
        ((5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * ECC2P) * d ** 4) / 24 +
        ((61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * ECC2P - 3 * c1 * c1) * d ** 6) / 720);
  const lon =
    (d -
      ((1 + 2 * t1 + c1) * d ** 3) / 6 +
      ((5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * ECC2P + 24 * t1 * t1) * d ** 5) / 120) /
    Math.cos(phi1);
  return [centralMeridian(u.zone) + lon / DEG, lat / DEG];
}
