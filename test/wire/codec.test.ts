import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../harness/wire/codec.ts';

describe('wire/codec: requests (juju-api.md "Transport")', () => {
  it('decodes the request shape of juju-api.md, id at the top level', () => {
    const d = decodeRequest(
      '{"request-id": 5, "type": "AllWatcher", "version": 3, "id": "1", "request": "Next", "params": {}}',
    );
    expect(d).toEqual({
      ok: true,
      request: { 'request-id': 5, type: 'AllWatcher', version: 3, id: '1', request: 'Next', params: {} },
    });
  });

  it("matches keys case-insensitively, as Juju's decoder does (python-libjuju sends Id)", () => {
    const d = decodeRequest(
      '{"Request-Id": 7, "Type": "AllWatcher", "Version": 3, "Id": "2", "Request": "Stop", "Params": {"x": 1}}',
    );
    expect(d).toEqual({
      ok: true,
      request: { 'request-id': 7, type: 'AllWatcher', version: 3, id: '2', request: 'Stop', params: { x: 1 } },
    });
  });

  it('takes absent params (jujulib sends none for FullStatus) and absent fields as zero values', () => {
    expect(decodeRequest('{"request-id": 1, "type": "Client", "version": 8, "request": "FullStatus"}')).toEqual({
      ok: true,
      request: { 'request-id': 1, type: 'Client', version: 8, request: 'FullStatus' },
    });
    expect(decodeRequest('{"request-id": 2, "params": null}')).toEqual({
      ok: true,
      request: { 'request-id': 2, type: '', version: 0, request: '' },
    });
  });

  it('answers a frame that is not JSON, or not an object, with an error for request-id 0', () => {
    for (const frame of ['not json', '[1,2]', '"text"', 'null', '{"request-id": 1']) {
      const d = decodeRequest(frame);
      expect(d.ok).toBe(false);
      if (!d.ok) {
        expect(d.reply['request-id']).toBe(0);
        expect(d.reply.error).toMatch(/cannot decode request/);
        expect(d.reply['error-code']).toBe('bad request');
      }
    }
  });

  it('answers fields of the wrong type with an error carrying the request-id when it could be read', () => {
    const cases: [string, number, RegExp][] = [
      ['{"request-id": 3, "type": 5, "version": 1, "request": "X"}', 3, /type must be a string/],
      ['{"request-id": 4, "type": "Client", "version": "8", "request": "FullStatus"}', 4, /version must be an integer/],
      [
        '{"request-id": 5, "type": "Client", "version": 8, "request": "FullStatus", "params": [1]}',
        5,
        /params must be a JSON object/,
      ],
      ['{"request-id": 6, "type": "AllWatcher", "version": 3, "request": "Next", "id": 1}', 6, /id must be a string/],
      [
        '{"request-id": "7", "type": "Client", "version": 8, "request": "FullStatus"}',
        0,
        /request-id must be a non-negative integer/,
      ],
      ['{"request-id": -1}', 0, /request-id/],
    ];
    for (const [frame, id, message] of cases) {
      const d = decodeRequest(frame);
      expect(d.ok, frame).toBe(false);
      if (!d.ok) {
        expect(d.reply['request-id'], frame).toBe(id);
        expect(d.reply.error, frame).toMatch(message);
      }
    }
  });

  it('encodes requests as plain JSON', () => {
    const frame = { 'request-id': 1, type: 'Pinger', version: 1, request: 'Ping', params: {} };
    expect(JSON.parse(encodeRequest(frame))).toEqual(frame);
  });
});

describe('wire/codec: responses', () => {
  it('leaves `error` out entirely on success (jujulib rejects any frame with an error key)', () => {
    const text = encodeResponse({ 'request-id': 5, response: { 'watcher-id': '1' } });
    expect(JSON.parse(text)).toEqual({ 'request-id': 5, response: { 'watcher-id': '1' } });
    expect(text).not.toContain('error');
  });

  it('always sends `response`, and error with error-code on failure', () => {
    expect(
      JSON.parse(
        encodeResponse({ 'request-id': 5, response: {}, error: 'unknown watcher id', 'error-code': 'not found' }),
      ),
    ).toEqual({ 'request-id': 5, response: {}, error: 'unknown watcher id', 'error-code': 'not found' });
  });

  it('leaves an empty error-code out, as Juju 1.2x did', () => {
    expect(
      JSON.parse(
        encodeResponse({
          'request-id': 2,
          response: {},
          error: 'upgrade in progress - Juju functionality is limited',
          'error-code': '',
        }),
      ),
    ).toEqual({ 'request-id': 2, response: {}, error: 'upgrade in progress - Juju functionality is limited' });
  });

  it('decodes responses, errors with or without a code, and ignores frames it cannot match', () => {
    expect(decodeResponse('{"request-id": 5, "response": {"a": 1}}')).toEqual({ 'request-id': 5, response: { a: 1 } });
    expect(decodeResponse('{"Request-Id": 6, "Error": "x", "Error-Code": "stopped"}')).toEqual({
      'request-id': 6,
      response: {},
      error: 'x',
      'error-code': 'stopped',
    });
    expect(decodeResponse('{"request-id": 7, "response": {}, "error": "y"}')).toEqual({
      'request-id': 7,
      response: {},
      error: 'y',
      'error-code': '',
    });
    expect(decodeResponse('nope')).toBeUndefined();
    expect(decodeResponse('{"response": {}}')).toBeUndefined();
  });
});
