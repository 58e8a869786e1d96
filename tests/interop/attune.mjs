// A real Attune for the interop tests: the built attune.dll on a free port, with a fresh SQLite data directory and the
// demo clinic, and a system registered through the `attune api-client add` command as a clinic's IT person would.
import { spawn, execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built server: ATTUNE_DLL, else the newer of the Release and Debug builds. */
export function attuneDll() {
  if (process.env.ATTUNE_DLL) return process.env.ATTUNE_DLL;
  const builds = ['Release', 'Debug']
    .map((c) => join(repo, 'src', 'Attune.Web', 'bin', c, 'net10.0', 'attune.dll'))
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (builds.length === 0) throw new Error('Attune is not built: run `dotnet build Attune.slnx` (./test.sh does) or set ATTUNE_DLL.');
  return builds[0];
}

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

export async function startAttune() {
  const dll = attuneDll();
  const dataDir = await mkdtemp(join(tmpdir(), 'attune-interop-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Licence files for the licensed instruments, with stand-in text, so that every instrument can be recorded.
  const licences = join(dataDir, 'licences');
  await mkdir(licences);
  const stand = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i + 1), `Interop test item ${i + 1}`]));
  for (const [instrument, items] of [['ors', 4], ['srs', 4], ['wai-sr', 12]])
    await writeFile(join(licences, `${instrument}.json`), JSON.stringify({ instrument, licensee: 'Interop tests', items: stand(items) }));
  const settings = ['--Database:DataDirectory', dataDir, '--Instruments:LicenceDirectory', licences, '--PublicUrl', base, '--Security:SecureCookies=false'];
  let output = '';
  const child = spawn('dotnet', [dll, '--urls', base, ...settings], {
    cwd: dirname(dll),
    env: { ...process.env, ASPNETCORE_ENVIRONMENT: 'Production', DOTNET_NOLOGO: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((ok) => child.once('exit', ok));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Attune exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${base}/fhir/metadata`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`Attune did not start in 120 s:\n${output}`); }
    await new Promise((r) => setTimeout(r, 250));
  }

  const cli = async (...args) => {
    const { stdout } = await promisify(execFile)('dotnet', [dll, ...args, ...settings], { cwd: dirname(dll), env: { ...process.env, DOTNET_NOLOGO: '1' } });
    return stdout;
  };

  return {
    base,
    fhirBase: `${base}/fhir`,
    cli,
    output: () => output,
    /** Registers a system acting as a staff member, through the command line; returns { clientId, clientSecret }. */
    async register(actsAs, scopes) {
      return JSON.parse(await cli('api-client', 'add', '--name', 'Interop tests', '--as', actsAs, '--scope', scopes.join(' ')));
    },
    /** The token endpoint, as any OAuth 2.0 client calls it (client_secret_basic). */
    async token({ clientId, clientSecret }, scope) {
      const body = new URLSearchParams({ grant_type: 'client_credentials' });
      if (scope) body.set('scope', scope);
      const response = await fetch(`${base}/connect/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        body,
      });
      const json = await response.json();
      if (!response.ok) throw Object.assign(new Error(`token: ${response.status} ${JSON.stringify(json)}`), { status: response.status, json });
      return json;
    },
    async stop() {
      if (child.exitCode === null) { child.kill('SIGTERM'); await exited; }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
