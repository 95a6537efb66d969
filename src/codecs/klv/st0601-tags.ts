/**
 * The MISB ST 0601 (UAS Datalink Local Set) tags this hub maps, with each tag's encoding from the standard's
 * tables: strings, plain integers, linear maps (unsigned onto [min, max], signed onto ±range with an error value)
 * and ST 1201 IMAPB for the newer items. Tags not listed here are kept raw by the decoder.
 */

export type TagCodec =
  | { kind: 'text' }
  | { kind: 'uint'; scale?: number }
  | { kind: 'int' }
  | { kind: 'u'; min: number; max: number }
  | { kind: 's'; range: number }
  | { kind: 'imapb'; min: number; max: number }
  | { kind: 'time' };

export interface TagSpec {
  name: string;
  codec: TagCodec;
}

const T = (name: string): TagSpec => ({ name, codec: { kind: 'text' } });
const N = (name: string, scale?: number): TagSpec => ({
  name,
  codec: scale ? { kind: 'uint', scale } : { kind: 'uint' },
});
const U = (name: string, min: number, max: number): TagSpec => ({ name, codec: { kind: 'u', min, max } });
const S = (name: string, range: number): TagSpec => ({ name, codec: { kind: 's', range } });
const B = (name: string, min: number, max: number): TagSpec => ({ name, codec: { kind: 'imapb', min, max } });

const ALT: [number, number] = [-900, 19000];
const ALT_EXT: [number, number] = [-900, 40000];

export const ST0601_TAGS: ReadonlyMap<number, TagSpec> = new Map<number, TagSpec>([
  [2, { name: 'precisionTimeStamp', codec: { kind: 'time' } }],
  [3, T('missionId')],
  [4, T('platformTailNumber')],
  [5, U('platformHeading', 0, 360)],
  [6, S('platformPitch', 20)],
  [7, S('platformRoll', 50)],
  [8, N('platformTrueAirspeed')],
  [9, N('platformIndicatedAirspeed')],
  [10, T('platformDesignation')],
  [11, T('imageSourceSensor')],
  [12, T('imageCoordinateSystem')],
  [13, S('sensorLatitude', 90)],
  [14, S('sensorLongitude', 180)],
  [15, U('sensorTrueAltitude', ...ALT)],
  [16, U('sensorHorizontalFov', 0, 180)],
  [17, U('sensorVerticalFov', 0, 180)],
  [18, U('sensorRelativeAzimuth', 0, 360)],
  [19, S('sensorRelativeElevation', 180)],
  [20, U('sensorRelativeRoll', 0, 360)],
  [21, U('slantRange', 0, 5_000_000)],
  [22, U('targetWidth', 0, 10_000)],
  [23, S('frameCenterLatitude', 90)],
  [24, S('frameCenterLongitude', 180)],
  [25, U('frameCenterElevation', ...ALT)],
  [26, S('offsetCornerLatitude1', 0.075)],
  [27, S('offsetCornerLongitude1', 0.075)],
  [28, S('offsetCornerLatitude2', 0.075)],
  [29, S('offsetCornerLongitude2', 0.075)],
  [30, S('offsetCornerLatitude3', 0.075)],
  [31, S('offsetCornerLongitude3', 0.075)],
  [32, S('offsetCornerLatitude4', 0.075)],
  [33, S('offsetCornerLongitude4', 0.075)],
  [34, N('icingDetected')],
  [35, U('windDirection', 0, 360)],
  [36, U('windSpeed', 0, 100)],
  [37, U('staticPressure', 0, 5000)],
  [38, U('densityAltitude', ...ALT)],
  [39, { name: 'outsideAirTemperature', codec: { kind: 'int' } }],
  [40, S('targetLocationLatitude', 90)],
  [41, S('targetLocationLongitude', 180)],
  [42, U('targetLocationElevation', ...ALT)],
  [43, N('targetTrackGateWidth', 2)],
  [44, N('targetTrackGateHeight', 2)],
  [45, U('targetErrorEstimateCe90', 0, 4095)],
  [46, U('targetErrorEstimateLe90', 0, 4095)],
  [47, N('genericFlagData')],
  [49, U('differentialPressure', 0, 5000)],
  [50, S('platformAngleOfAttack', 20)],
  [51, S('platformVerticalSpeed', 180)],
  [52, S('platformSideslipAngle', 20)],
  [53, U('airfieldBarometricPressure', 0, 5000)],
  [54, U('airfieldElevation', ...ALT)],
  [55, U('relativeHumidity', 0, 100)],
  [56, N('platformGroundSpeed')],
  [57, U('groundRange', 0, 5_000_000)],
  [58, U('platformFuelRemaining', 0, 10_000)],
  [59, T('platformCallSign')],
  [60, N('weaponLoad')],
  [61, N('weaponFired')],
  [62, N('laserPrfCode')],
  [63, N('sensorFieldOfViewName')],
  [64, U('platformMagneticHeading', 0, 360)],
  [65, N('uasLsVersion')],
  [67, S('alternatePlatformLatitude', 90)],
  [68, S('alternatePlatformLongitude', 180)],
  [69, U('alternatePlatformAltitude', ...ALT)],
  [70, T('alternatePlatformName')],
  [71, U('alternatePlatformHeading', 0, 360)],
  [72, { name: 'eventStartTime', codec: { kind: 'time' } }],
  [75, U('sensorEllipsoidHeight', ...ALT)],
  [76, U('alternatePlatformEllipsoidHeight', ...ALT)],
  [77, N('operationalMode')],
  [78, U('frameCenterHeightAboveEllipsoid', ...ALT)],
  [79, S('sensorNorthVelocity', 327)],
  [80, S('sensorEastVelocity', 327)],
  [82, S('cornerLatitude1', 90)],
  [83, S('cornerLongitude1', 180)],
  [84, S('cornerLatitude2', 90)],
  [85, S('cornerLongitude2', 180)],
  [86, S('cornerLatitude3', 90)],
  [87, S('cornerLongitude3', 180)],
  [88, S('cornerLatitude4', 90)],
  [89, S('cornerLongitude4', 180)],
  [90, S('platformPitchFull', 90)],
  [91, S('platformRollFull', 90)],
  [92, S('platformAngleOfAttackFull', 90)],
  [93, S('platformSideslipAngleFull', 180)],
  [96, B('targetWidthExtended', 0, 1_500_000)],
  [103, B('densityAltitudeExtended', ...ALT_EXT)],
  [104, B('sensorEllipsoidHeightExtended', ...ALT_EXT)],
  [105, B('alternatePlatformEllipsoidHeightExtended', ...ALT_EXT)],
  [112, B('platformCourseAngle', 0, 360)],
  [113, B('altitudeAgl', ...ALT_EXT)],
  [114, B('radarAltimeter', ...ALT_EXT)],
]);
