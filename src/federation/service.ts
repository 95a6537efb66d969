/**
 * The gRPC service `com.atakmap.FederatedChannel` (TAK Server Federation v2) as a grpc-js service definition. The
 * messages cross grpc-js as raw bytes and are read by src/codecs/fig here and in the handlers, so a message that
 * does not decode is counted and skipped (BW_FIG_BAD_PROTO) instead of failing the whole stream.
 */
import * as grpc from '@grpc/grpc-js';

const SERVICE = 'com.atakmap.FederatedChannel';

const raw = {
  requestSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  responseDeserialize: (b: Buffer) => b,
};

function method(name: string, requestStream: boolean, responseStream: boolean) {
  return { path: `/${SERVICE}/${name}`, requestStream, responseStream, originalName: name, ...raw };
}

/** The methods Baltic Wall serves and calls (ROL, binary blobs and tokens are answered UNIMPLEMENTED). */
export const FEDERATED_CHANNEL = {
  SendOneEvent: method('SendOneEvent', false, false),
  getIdentity: method('getIdentity', false, false),
  ClientEventStream: method('ClientEventStream', false, true),
  ServerEventStream: method('ServerEventStream', true, false),
  HealthCheck: method('HealthCheck', false, false),
  ServerFederateGroupsStream: method('ServerFederateGroupsStream', false, true),
  ClientFederateGroupsStream: method('ClientFederateGroupsStream', true, false),
} satisfies grpc.ServiceDefinition;

export type FederatedChannelClient = grpc.Client & {
  SendOneEvent: (
    req: Uint8Array,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<Buffer>,
  ) => grpc.ClientUnaryCall;
  getIdentity: (
    req: Uint8Array,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<Buffer>,
  ) => grpc.ClientUnaryCall;
  ClientEventStream: (
    req: Uint8Array,
    md?: grpc.Metadata,
    opts?: grpc.CallOptions,
  ) => grpc.ClientReadableStream<Buffer>;
  ServerEventStream: (
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<Buffer>,
  ) => grpc.ClientWritableStream<Uint8Array>;
  HealthCheck: (
    req: Uint8Array,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<Buffer>,
  ) => grpc.ClientUnaryCall;
  ServerFederateGroupsStream: (
    req: Uint8Array,
    md?: grpc.Metadata,
    opts?: grpc.CallOptions,
  ) => grpc.ClientReadableStream<Buffer>;
  ClientFederateGroupsStream: (
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: grpc.requestCallback<Buffer>,
  ) => grpc.ClientWritableStream<Uint8Array>;
};

export const FederatedChannelClientCtor = grpc.makeGenericClientConstructor(
  FEDERATED_CHANNEL,
  'FederatedChannel',
) as unknown as new (
  address: string,
  creds: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => FederatedChannelClient;

/** gzip on every message when compression is on (TAK Server accepts gRPC's standard encodings). */
export function channelOptions(compression: boolean): grpc.ChannelOptions {
  const o: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
  };
  if (compression) o['grpc.default_compression_algorithm'] = 2; // gzip
  return o;
}

/** Health status numbers of fig.proto. */
export const SERVING = 1;
export const NOT_CONNECTED = 3;
/** Identity.ConnectionType */
export const TAK_SERVER = 2;
export const TAK_CLIENT = 3;
