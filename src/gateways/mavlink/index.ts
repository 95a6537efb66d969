/** MAVLink gateway: drones and ground vehicles speaking MAVLink v1/v2 over UDP become CoT entities in the hub. */
export { startMavlinkGateway, type MavlinkGateway, type GatewayOptions, type GatewayHub } from './gateway.js';
export { mavlinkConfig, type MavlinkConfig } from './config.js';
export { encodeFrame, type SignOptions } from './encode.js';
export { signingKeyBytes, signingTimestampNow, SIGNING_EPOCH_MS } from './signing.js';
export { vehicleUid, footprintUid } from './events.js';
