const { main } = await import('./dist/cli.js');
const code = await main(process.argv.slice(2));
await new Promise((r) => setTimeout(r, 1500));
console.error(
  'main returned',
  code,
  'requests',
  process._getActiveRequests().map((r) => r.constructor.name + ' ' + (r.address ?? '') + ' ' + (r.port ?? '')),
);
console.error(
  'handles',
  process
    ._getActiveHandles()
    .slice(0, 4)
    .map((h) => ({
      c: h.constructor.name,
      handle: h._handle?.constructor.name,
      fd: h._handle?.fd,
      host: h._host,
      path: h._httpMessage?.path,
      server: !!h.server,
      reading: h._handle?.reading,
      conn: h.connecting,
      evs: Object.keys(h._events ?? {}),
      stack: h._stack,
    })),
);
process.exitCode = code;
