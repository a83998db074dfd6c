/**
 * Juju's JSON-over-WebSocket framing (shared/reference/juju-api.md): one JSON object per text frame.
 * Decoding follows Juju's Go decoder: keys match case-insensitively (python-libjuju sends `Id`),
 * a missing field is its zero value, a field of the wrong type is an error. A frame that cannot be
 * decoded yields an error reply (with its request-id when one could be read, else 0), never a throw.
 */
import { ErrorCode, type ApiRequest, type ApiResponse } from '../controller/api-types.ts';

export type DecodedRequest = { ok: true; request: ApiRequest } | { ok: false; reply: ApiResponse };

type Json = Record<string, unknown>;

/** A value looked up the way Go's encoding/json matches struct fields: exact key first, then any case. */
export function field(obj: Json, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

class FrameError {
  constructor(readonly message: string) {}
}

export function decodeRequest(data: string): DecodedRequest {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e) {
    return { ok: false, reply: errorReply(0, `cannot decode request: ${(e as Error).message}`) };
  }
  if (!isObject(value))
    return { ok: false, reply: errorReply(0, 'cannot decode request: a request must be a JSON object') };
  const rawId = field(value, 'request-id');
  const requestId = isRequestId(rawId) ? rawId : rawId === undefined || rawId === null ? 0 : undefined;
  if (requestId === undefined) {
    return {
      ok: false,
      reply: errorReply(
        0,
        `cannot decode request: request-id must be a non-negative integer, got ${JSON.stringify(rawId)}`,
      ),
    };
  }
  try {
    const request: ApiRequest = {
      'request-id': requestId,
      type: stringField(value, 'type'),
      version: intField(value, 'version'),
      request: stringField(value, 'request'),
    };
    const id = field(value, 'id');
    if (id !== undefined && id !== null) {
      if (typeof id !== 'string') throw new FrameError('id must be a string');
      request.id = id;
    }
    const params = field(value, 'params');
    if (params !== undefined && params !== null) {
      if (!isObject(params)) throw new FrameError('params must be a JSON object');
      request.params = params;
    }
    return { ok: true, request };
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
    return { ok: false, reply: errorReply(requestId, `cannot decode request: ${e.message}`) };
  }
}

/** The response frame: `error` and `error-code` only on failure (jujulib rejects any frame with an
 *  `error` key), `error-code` left out when empty as Juju 1.2x did, `response` always present. */
export function encodeResponse(response: ApiResponse): string {
  const frame: Json = { 'request-id': response['request-id'], response: response.response ?? {} };
  if (response.error !== undefined) {
    frame['error'] = response.error;
    if (response['error-code']) frame['error-code'] = response['error-code'];
  }
  return JSON.stringify(frame);
}

export function encodeRequest(request: ApiRequest): string {
  return JSON.stringify(request);
}

/** A response frame as a client reads it; undefined for a frame no request can be matched with. */
export function decodeResponse(data: string): ApiResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const requestId = field(value, 'request-id');
  if (!isRequestId(requestId)) return undefined;
  const response = field(value, 'response');
  const out: ApiResponse = { 'request-id': requestId, response: isObject(response) ? response : {} };
  const error = field(value, 'error');
  if (error !== undefined && error !== null) {
    out.error = typeof error === 'string' ? error : JSON.stringify(error);
    const code = field(value, 'error-code');
    out['error-code'] = typeof code === 'string' ? code : '';
  }
  return out;
}

export function errorReply(requestId: number, message: string, code: string = ErrorCode.badRequest): ApiResponse {
  return { 'request-id': requestId, response: {}, error: message, 'error-code': code };
}

function stringField(obj: Json, key: string): string {
  const v = field(obj, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new FrameError(`${key} must be a string`);
  return v;
}

function intField(obj: Json, key: string): number {
  const v = field(obj, key);
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FrameError(`${key} must be an integer`);
  return v;
}

function isRequestId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
