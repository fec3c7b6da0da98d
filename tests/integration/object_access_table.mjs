// The object-access table of object_access.test.mjs: every route that names an object (a path
// {id}), a person (person_id, persons[]) or runs a search, classified once. An "owned" route says
// how to make an object of institution A and what institution B must get when it reaches for it
// (refused, or masked); every other class says in one line why no institution-pair check applies.
// A route of the API that is not in this table fails the test, so a new module cannot slip through.
import crypto from 'node:crypto';

import { runFor } from './auth_helpers.mjs';

// ------------------------------------------------------------------ fictional persons (canaries)
// Every value is unique to this run, so finding it in an answer can only mean that it leaked.
const SYL = 'bcdfgjklmnprstvz';
const word = (n) => Array.from(crypto.randomBytes(n), (b) => SYL[b % 16] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
const digits = (n) => Array.from(crypto.randomBytes(n), (b) => String(b % 10)).join('');
const pad = (n) => String(n).padStart(2, '0');
let runSeed = 23_000_000 + crypto.randomInt(900_000); // the demo's RUNs are below 23 million

// A woman with a RUN, a passport, a phone, an address and a full birth date, all made up.
export function newIdentity() {
  const run = runFor(runSeed += 1 + crypto.randomInt(97));
  return {
    run,
    document_type: 'pasaporte',
    other_document: `P${digits(9)}`,
    given_names: cap(word(4)),
    surname1: cap(word(4)),
    surname2: cap(word(4)),
    birth_date: `${pad(1 + crypto.randomInt(28))}-${pad(1 + crypto.randomInt(12))}-${1965 + crypto.randomInt(35)}`,
    sex: 'F',
    nationality: 'chilena',
    comuna_id: '13101',
    phone: `+56 9 ${digits(4)} ${digits(4)}`,
    address: `Pasaje ${cap(word(3))} ${1000 + crypto.randomInt(8999)}, Santiago`,
  };
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// "12345678-5" found as 12345678-5, 12.345.678-5, 123456785 (any case of K).
function runPattern(run) {
  const [body, dv] = run.split('-');
  const grouped = body.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const flexible = grouped.split('.').map(esc).join('\\.?');
  return new RegExp(`(?<!\\d)${flexible}[-‐]?${esc(dv)}(?![0-9])`, 'i');
}
// The last eight digits of a phone, whatever separators were used.
const phonePattern = (phone) => new RegExp(`${phone.replace(/\D/g, '').slice(-8).split('').join('[\\s().-]*')}(?![0-9])`);

// The identifying data of a person, each with how to find it in an answer.
// `typed`: fields the caller itself supplied (a search), which may come back.
export function leaks(identity, text, { typed = [], extra = {} } = {}) {
  const [d, m, y] = identity.birth_date.split('-');
  const checks = {
    given_names: new RegExp(esc(identity.given_names), 'i'),
    surname1: new RegExp(esc(identity.surname1), 'i'),
    surname2: new RegExp(esc(identity.surname2), 'i'),
    run: runPattern(identity.run),
    other_document: new RegExp(esc(identity.other_document), 'i'),
    birth_date: new RegExp(`${d}-${m}-${y}|${y}-${m}-${d}`),
    phone: phonePattern(identity.phone),
    address: new RegExp(esc(identity.address.split(',')[0]), 'i'),
  };
  for (const [k, v] of Object.entries(extra)) checks[k] = typeof v === 'string' ? new RegExp(esc(v), 'i') : v;
  return Object.entries(checks).filter(([k, re]) => !typed.includes(k) && re.test(text)).map(([k]) => k);
}

// The demo's own persons (src/cases/demo.cc): none of this may reach an institution that does not serve them.
export const DEMO_PERSON_DATA = {
  'Ana María Soto Vergara': /Soto Vergara/i, "Ana's RUN": runPattern('19876543-0'), "Ana's phone": phonePattern('+56 9 6123 4567'),
  "Ana's address": /Los Aromos/i, '14-03-1991': /14-03-1991/, 'Luis Alberto Carrasco Paredes': /Carrasco Paredes/i,
  'Rosa Elena Muñoz Tapia': /Muñoz Tapia/i, "Rosa's RUN": runPattern('21345678-4'), "Rosa's phone": phonePattern('+56 9 7222 1133'),
  '02-11-1995': /02-11-1995/, "Yelitza's passport": /V-24567890/i,
};

// The masking rule, once. An answer about a woman B does not serve is masked when it carries none
// of her identifying data (leaks() finds each value wherever it appears) and no detail of another
// institution's record. One exception, the shared minimum: when B itself typed enough to search
// for her (names and birth year, the issue's "reached through a search with enough identifying
// input"), her names and birth date may come back so that B can tell her from a namesake; never
// what finds or calls her (RUN, documents, phone, address, coordinates).
export const SHARED_MINIMUM = ['given_names', 'surname1', 'surname2', 'birth_date'];

// Identity fields that a masked view must not carry at all (whatever their value).
export const IDENTITY_KEYS = ['run', 'other_document', 'given_names', 'surname1', 'surname2', 'birth_date', 'phone', 'other_phones', 'address'];

// ------------------------------------------------------------------ the table
// kind:
//   owned      objects of one institution; `check(ctx, A, B)` tries B on A's object (returns the
//              failures as text), `owner(ctx, A)` proves A itself gets the whole object.
//   national   one national team sees every object by design (why says which and why).
//   public     open data, no session.
//   own        objects of one account (sessions): `check` tries another account on them.
//   none       names no object of an institution and no person (why says what it returns).
//   aggregate  statistics only, small cells hidden.
export const CLASSES = {
  // ---- public
  'GET /api/v1/legislative/bills/{id}': { kind: 'public', why: 'public legislative agenda' },
  'GET /api/v1/policy/public/instruments/{id}': { kind: 'public', why: 'validated policy progress (transparency page)' },
  'GET /api/v1/policy/public/instruments/{id}/items.csv': { kind: 'public', why: 'validated policy progress' },
  'GET /api/v1/policy/public/instruments/{id}/items.xlsx': { kind: 'public', why: 'validated policy progress' },
  'GET /api/v1/policy/public/instruments/{id}/periods.csv': { kind: 'public', why: 'reporting calendar' },
  'GET /api/v1/policy/public/instruments/{id}/periods.xlsx': { kind: 'public', why: 'reporting calendar' },
  'GET /api/v1/policy/public/items/{id}': { kind: 'public', why: 'validated policy progress' },
  'GET /api/v1/policy/public/items/{id}/bills': { kind: 'public', why: 'links between policy items and public bills' },
  'GET /api/v1/policy/public/bills/{id}/items': { kind: 'public', why: 'links between policy items and public bills' },
  'GET /api/v1/policy/public/instruments/{id}/assistance': { kind: 'public', why: 'PMG technical-assistance log (transparency page)' },
  'GET /api/v1/territory/regions/{id}/provinces': { kind: 'public', why: 'official territory reference data' },
  'GET /api/v1/territory/provinces/{id}/comunas': { kind: 'public', why: 'official territory reference data' },
  'GET /api/v1/territory/comunas/{id}': { kind: 'public', why: 'official territory reference data' },
  'GET /api/v1/territory/boundaries/regions/{id}/comunas': { kind: 'public', why: 'official territory boundaries' },

  // ---- case registry: persons, records, reviews, links, referrals
  'GET /api/v1/cases/persons/{id}': { kind: 'owned', actor: 'worker', check: 'personRead', owner: 'personOwner' },
  'GET /api/v1/cases/persons': { kind: 'owned', actor: 'worker', check: 'personSearch', owner: 'personSearchOwner' },
  'GET /api/v1/cases/persons/{id}/access-log': { kind: 'owned', actor: 'worker', check: 'accessLogRead', owner: 'accessLogOwner' },
  'POST /api/v1/cases/persons/{id}/emergency-access': {
    kind: 'owned', actor: 'worker', check: 'emergencyAccess', owner: 'personOwner',
    why: 'break-glass by design: allowed with a stated reason, but notified to A and in her access log',
  },
  'GET /api/v1/cases/records/{id}': { kind: 'owned', actor: 'worker', check: 'recordRead', owner: 'recordOwner' },
  'POST /api/v1/cases/records': {
    kind: 'owned', actor: 'worker', check: 'recordAttach', owner: 'recordAttachOwner',
    attack: 'issue 11 item 1: a contact, a lower risk assessment and a closure naming her person_id; her name and birth year linked automatically',
  },
  'POST /api/v1/cases/batches': {
    kind: 'owned', actor: 'worker', check: 'batchAttach', owner: 'batchAttachOwner',
    attack: 'issue 11 item 1, by batch',
  },
  'GET /api/v1/cases/reviews': { kind: 'owned', actor: 'worker', check: 'reviewList', owner: 'reviewOwner' },
  'GET /api/v1/cases/reviews/{id}': {
    kind: 'owned', actor: 'worker', check: 'reviewRead', owner: 'reviewOwner',
    attack: 'issue 11 item 3: a name and birth year close to her, then B reviews the candidate',
  },
  'POST /api/v1/cases/reviews/{id}': { kind: 'owned', actor: 'worker', check: 'reviewDecide', owner: 'reviewOwner' },
  'POST /api/v1/cases/links/{id}/undo': { kind: 'owned', actor: 'worker', check: 'linkUndo', owner: 'linkUndoOwner' },
  'POST /api/v1/cases/referrals/{id}/acknowledge': { kind: 'owned', actor: 'worker', check: 'referralStep', owner: 'referralOwner' },
  'POST /api/v1/cases/referrals/{id}/first-contact': { kind: 'owned', actor: 'worker', check: 'referralStep', owner: 'referralOwner' },
  'GET /api/v1/cases/referrals': { kind: 'owned', actor: 'worker', check: 'referralList', owner: 'referralOwner' },
  'GET /api/v1/cases/notifications': { kind: 'owned', actor: 'worker', check: 'notificationList', owner: 'notificationOwner' },
  'GET /api/v1/cases/institutions': { kind: 'none', why: 'directory of institutions one may refer to (names and types only)' },
  'GET /api/v1/cases/statistics': { kind: 'aggregate', why: 'consented records only, cells of 1-4 hidden (cases.test.mjs)' },
  'GET /api/v1/risk/instrument': { kind: 'none', why: 'the risk instrument (configuration)' },

  // ---- early alerts
  'GET /api/v1/alerts': { kind: 'owned', actor: 'worker', check: 'alertList', owner: 'alertOwner' },
  'GET /api/v1/alerts/{id}': { kind: 'owned', actor: 'worker', check: 'alertRead', owner: 'alertOwner' },
  'POST /api/v1/alerts/{id}/take': { kind: 'owned', actor: 'worker', check: 'alertTake', owner: 'alertOwner' },
  'POST /api/v1/alerts/{id}/close': { kind: 'owned', actor: 'worker', check: 'alertClose', owner: 'alertOwner' },
  'GET /api/v1/alerts/rules': { kind: 'none', why: 'alert rules (configuration, system administration)' },
  'GET /api/v1/alerts/rules/{id}': { kind: 'none', why: 'an alert rule (configuration, system administration)' },
  'PUT /api/v1/alerts/rules/{id}': { kind: 'none', why: 'an alert rule (configuration, system administration)' },
  'POST /api/v1/alerts/rules/dry-run': { kind: 'national', why: 'system administration tries a rule on the whole history: person ids and counts, no identity' },

  // ---- telematic monitoring: the 1455 control centre is national; units own their dispatches
  'GET /api/v1/monitoring/orders': { kind: 'national', why: 'the control centre (monitoring.manage) sees every monitored order by design' },
  'POST /api/v1/monitoring/orders': {
    kind: 'national',
    why: 'the control centre registers every monitored order; a record_id it names is resolved by the registry\'s object rule ' +
      '(cases/access.h court_order_basis: telematic or approach orders only), tried in protective_order.test.mjs',
  },
  'GET /api/v1/monitoring/orders/{id}': { kind: 'national', why: 'the control centre sees every monitored order by design' },
  'POST /api/v1/monitoring/orders/{id}/zones': { kind: 'national', why: 'the control centre manages every order' },
  'POST /api/v1/monitoring/orders/{id}/end': { kind: 'national', why: 'the control centre manages every order' },
  'POST /api/v1/monitoring/orders/{id}/devices': { kind: 'national', why: 'the control centre manages every order' },
  'GET /api/v1/monitoring/orders/{id}/trail': { kind: 'national', why: 'the control centre follows every order' },
  'GET /api/v1/monitoring/console': { kind: 'national', why: 'the control centre console shows every open incident' },
  'GET /api/v1/monitoring/incidents': { kind: 'national', why: 'the control centre handles every incident' },
  'GET /api/v1/monitoring/incidents/{id}': { kind: 'national', why: 'the control centre handles every incident' },
  'POST /api/v1/monitoring/incidents/{id}/actions': { kind: 'national', why: 'the control centre handles every incident' },
  'POST /api/v1/monitoring/incidents/{id}/dispatch': { kind: 'national', why: 'the control centre dispatches every incident' },
  'GET /api/v1/monitoring/incidents/{id}/units': { kind: 'national', why: 'the control centre dispatches every incident: the units it may send (institutions, no person data)' },
  'GET /api/v1/monitoring/labels': { kind: 'none', why: 'vocabularies (outcomes, action kinds, dispatch states) with their Spanish labels; no object' },
  'GET /api/v1/monitoring/court-orders/{id}': {
    kind: 'national',
    why: 'the id is a registry record: the registry\'s object rule decides (cases/access.h court_order_basis: telematic or approach orders only, ' +
      'every read on her access log), tried in protective_order.test.mjs and tests/cases/protective_order_test.cc',
  },
  'GET /api/v1/monitoring/incidents/{id}/export': { kind: 'national', why: 'the control centre exports evidence of every incident' },
  'GET /api/v1/monitoring/live': { kind: 'national', why: 'the control centre stream carries every incident' },
  'GET /api/v1/monitoring/dispatches': { kind: 'owned', actor: 'unit', check: 'dispatchList', owner: 'dispatchOwner' },
  'POST /api/v1/monitoring/dispatches/{id}/status': { kind: 'owned', actor: 'unit', check: 'dispatchStatus', owner: 'dispatchOwner' },
  'GET /api/v1/monitoring/unit/live': { kind: 'owned', actor: 'unit', check: 'dispatchStream', owner: 'dispatchOwner' },

  // ---- accounts and institutions
  // Help channels: one national queue. A contact is seen whole only by the operator it is offered to or who holds it, and by
  // supervisors of the holder\'s institution (channels/access.h); another operator or another institution's supervisor gets 404,
  // tried in channels.test.mjs («anonymous 401, wrong role 403, another operator or another institution 404»).
  'GET /api/v1/channels/me': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); the caller\'s own seat (presence, skills)' },
  'GET /api/v1/channels/queue': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); the queue\'s minimum (channel, urgency, wait) and the caller\'s own contacts' },
  'GET /api/v1/channels/vocabularies': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); vocabularies of the contact record, no object' },
  'GET /api/v1/channels/contacts/{id}': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); a contact whole only to its holder, the one it is offered to, or supervisors of the holder\'s institution' },
  'POST /api/v1/channels/contacts/{id}/take': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); taking needs the contact offered to the caller or waiting' },
  'POST /api/v1/channels/contacts/{id}/hand-back': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the operator holding it (403 otherwise, 404 when not visible; channels_handback.test.mjs)' },
  'POST /api/v1/channels/contacts/{id}/decline': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the operator it is offered to' },
  'POST /api/v1/channels/contacts/{id}/record': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the holder writes it' },
  'POST /api/v1/channels/contacts/{id}/close': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the holder closes it' },
  'POST /api/v1/channels/contacts/{id}/identify': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the holder; the registry\'s own checks apply to the record it submits' },
  'POST /api/v1/channels/contacts/{id}/referral': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); only the holder; the registry\'s referral flow applies' },
  'GET /api/v1/channels/contacts/{id}/timeline': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); the registry\'s need-to-know rules decide what of her the operator sees (cases/access.h)' },
  'POST /api/v1/channels/contacts/{id}/reassign': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); supervisors of the holder\'s institution only' },
  'POST /api/v1/channels/contacts/{id}/block': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); supervisors of the holder\'s institution only; the caller is named by a keyed hash' },
  'GET /api/v1/channels/callbacks': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); abandoned calls of the national line; no caller number shown' },
  'POST /api/v1/channels/callbacks/{id}/done': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); abandoned calls of the national line' },
  'GET /api/v1/channels/operators': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); operators of the supervisor\'s own institution' },
  'GET /api/v1/channels/blocks': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); blocks of the national line (keyed hashes, no number)' },
  'POST /api/v1/channels/blocks/{id}/lift': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); blocks of the national line' },
  'GET /api/v1/channels/statistics': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); daily counts of the national line' },
  'GET /api/v1/channels/live': { kind: 'national', why: 'the 1455 line is one national queue answered by the SernamEG (operator and supervisor roles are granted only to public services by system administration); the queue\'s minimum (channel, urgency, wait), no contact data' },

  'GET /api/v1/users': { kind: 'owned', actor: 'admin', check: 'userList', owner: 'userOwner' },
  'POST /api/v1/users': { kind: 'owned', actor: 'admin', check: 'userCreateElsewhere', owner: 'userOwner' },
  'GET /api/v1/users/{id}': { kind: 'owned', actor: 'admin', check: 'userRead', owner: 'userOwner' },
  'PATCH /api/v1/users/{id}': { kind: 'owned', actor: 'admin', check: 'userPatch', owner: 'userOwner' },
  'POST /api/v1/users/{id}/reset-totp': { kind: 'owned', actor: 'admin', check: 'userResetTotp', owner: 'userOwner' },
  'POST /api/v1/institutions': { kind: 'national', why: 'system administration (institutions.manage) creates every institution' },
  'PATCH /api/v1/institutions/{id}': { kind: 'national', why: 'system administration (institutions.manage) edits every institution' },
  'DELETE /api/v1/auth/sessions/{id}': { kind: 'own', check: 'sessionDelete', why: 'sessions belong to one account, not to an institution' },
  'GET /api/v1/audit': { kind: 'national', why: 'the audit log is for system administration (audit.read); names never enter it (cases.test.mjs)' },

  // ---- policy accountability: objects of institutions, no person data
  'GET /api/v1/policy/reports': { kind: 'owned', actor: 'focal', check: 'policyReportList', owner: 'policyReportOwner' },
  'GET /api/v1/policy/reports/{id}': { kind: 'owned', actor: 'focal', check: 'policyReportRead', owner: 'policyReportOwner' },
  'POST /api/v1/policy/reports': { kind: 'owned', actor: 'focal', check: 'policyReportElsewhere', owner: 'policyReportOwner' },
  'POST /api/v1/policy/reports/{id}/evidence': { kind: 'owned', actor: 'focal', check: 'policyEvidenceAdd', owner: 'policyReportOwner' },
  'GET /api/v1/policy/evidence/{id}': { kind: 'owned', actor: 'focal', check: 'policyEvidenceRead', owner: 'policyReportOwner' },
  'GET /api/v1/policy/items/{id}': { kind: 'owned', actor: 'focal', check: 'policyItemRead', owner: 'policyReportOwner' },
  'POST /api/v1/policy/reports/{id}/review': { kind: 'national', why: 'ministry analysts (policy.validate) validate every institution\'s reports' },
  'PATCH /api/v1/policy/items/{id}': { kind: 'national', why: 'ministry analysts maintain every instrument' },
  'POST /api/v1/policy/items/{id}/bills': { kind: 'national', why: 'ministry analysts maintain every instrument' },
  'DELETE /api/v1/policy/items/{id}/bills/{bill_id}': { kind: 'national', why: 'ministry analysts maintain every instrument' },
  'POST /api/v1/policy/assistance': { kind: 'national', why: 'ministry reviewers record the PMG technical assistance they gave; no institution\'s object' },
  'GET /api/v1/policy/regional': { kind: 'none', why: 'a region\'s agenda (public instruments\' items by region); a SEREMI is held to its own region by policy/access (403, policy_truth.test.mjs)' },
  'POST /api/v1/policy/items/{id}/outcome': { kind: 'national', why: 'ministry reviewers decide every PMG service\'s outcome' },
  'POST /api/v1/policy/periods': { kind: 'national', why: 'ministry analysts run the reporting calendar' },
  'POST /api/v1/policy/periods/{id}/reopen': { kind: 'national', why: 'ministry analysts run the reporting calendar' },
  'POST /api/v1/policy/items': { kind: 'national', why: 'ministry analysts maintain every instrument' },
  'GET /api/v1/policy/queue': { kind: 'national', why: 'ministry analysts validate every institution\'s reports' },
  'GET /api/v1/policy/my': { kind: 'none', why: 'the caller\'s own institution\'s items (filtered by the session)' },
  'GET /api/v1/policy/institutions': { kind: 'none', why: 'names of public bodies for analysts' },
  'GET /api/v1/policy/reports.csv': { kind: 'owned', actor: 'focal', check: 'policyReportExport', owner: 'policyReportOwner' },
  'GET /api/v1/policy/reports.xlsx': { kind: 'owned', actor: 'focal', check: 'policyReportExport', owner: 'policyReportOwner' },
  // PMG filings (policy/pmg_review.cc): a service's filings belong to its institution; another
  // institution's focal point gets 404 and an audited denial (policy/access may_read_pmg, may_file_pmg),
  // tried here pair by pair on a service made for each focal point's institution; reviewers are
  // national but never review their own institution's service (403 own_service,
  // policy_pmg_review.test.mjs).
  'GET /api/v1/policy/public/instruments/{id}/pmg-workflow': { kind: 'public', why: 'counts of PMG filings per year, stage and state (transparency page)' },
  'GET /api/v1/policy/pmg/mine': { kind: 'none', why: 'the caller\'s own institution\'s PMG services (filtered by the session)' },
  'GET /api/v1/policy/pmg/queue': { kind: 'national', why: 'ministry reviewers review every service\'s filings' },
  'GET /api/v1/policy/pmg/services/{id}': { kind: 'owned', actor: 'focal', check: 'pmgServiceRead', owner: 'pmgOwner' },
  'POST /api/v1/policy/pmg/services/{id}/filings': { kind: 'owned', actor: 'focal', check: 'pmgFileElsewhere', owner: 'pmgOwner' },
  'PATCH /api/v1/policy/pmg/filings/{id}': { kind: 'owned', actor: 'focal', check: 'pmgFilingEdit', owner: 'pmgOwner' },
  'POST /api/v1/policy/pmg/filings/{id}/correct': { kind: 'owned', actor: 'focal', check: 'pmgFilingEdit', owner: 'pmgOwner' },
  'POST /api/v1/policy/pmg/observations/{id}/answer': { kind: 'owned', actor: 'focal', check: 'pmgAnswer', owner: 'pmgOwner' },
  'POST /api/v1/policy/pmg/filings/{id}/review': { kind: 'national', why: 'ministry reviewers review every service\'s filings, never their own institution\'s (403)' },
  'POST /api/v1/policy/pmg/filings/{id}/observations': { kind: 'national', why: 'ministry reviewers review every service\'s filings, never their own institution\'s (403)' },
  'POST /api/v1/policy/pmg/filings/{id}/decision': { kind: 'national', why: 'ministry reviewers review every service\'s filings, never their own institution\'s (403)' },
  'POST /api/v1/legislative/bills/{id}/events': { kind: 'national', why: 'ministry analysts keep the public legislative agenda' },

  // ---- reads with no object of another institution
  'GET /api/v1/auth/session': { kind: 'none', why: 'the caller\'s own session' },
  'GET /api/v1/auth/sessions': { kind: 'none', why: 'the caller\'s own sessions (filtered by the session)' },
  'GET /api/v1/me/recovery-codes': { kind: 'none', why: 'how many of the caller\'s own recovery codes are left' },
  'GET /api/v1/me/home': { kind: 'none', why: 'counts for the caller\'s own work (home page)' },
  'GET /api/v1/roles': { kind: 'none', why: 'catalogue of roles and permissions' },
  'GET /api/v1/institutions': { kind: 'none', why: 'names and types of institutions' },
  'GET /api/v1/institutions/types': { kind: 'none', why: 'catalogue of institution types' },
  'GET /api/v1/audit/actions': { kind: 'none', why: 'the fixed catalogue of audit action names (src/audit/actions.cc), no object' },
  'GET /api/v1/audit/verify': { kind: 'none', why: 'a yes/no on the audit chain' },

  // ---- silent chat: the 1455 is one national service; inside it the object rule is the queue's
  // holder (src/chat/access.cc): only the operator holding the contact writes, she or a supervisor
  // reads, anyone else is refused and audited (tests/integration/chat.test.mjs)
  'GET /api/v1/chat/sessions/{ref}': { kind: 'national', why: 'one national 1455 line; holder-or-supervisor rule tested in chat.test.mjs', arriving: 'the chat opens only with a queue (channels::Intake)' },
  'POST /api/v1/chat/sessions/{ref}/messages': { kind: 'national', why: 'one national 1455 line; only the holding operator writes (chat.test.mjs)', arriving: 'the chat opens only with a queue (channels::Intake)' },
  'POST /api/v1/chat/sessions/{ref}/typing': { kind: 'national', why: 'one national 1455 line; only the holding operator (chat.test.mjs)', arriving: 'the chat opens only with a queue (channels::Intake)' },
  'POST /api/v1/chat/sessions/{ref}/escalations': { kind: 'national', why: 'one national 1455 line; only the holding operator escalates (chat.test.mjs)', arriving: 'the chat opens only with a queue (channels::Intake)' },
  // ---- «Mascarilla 19»: a pharmacy sees and reports for its own enrolment only (src/pharmacy/access.cc);
  // SernamEG's follow-up and enrolment are the national line's (tests/integration/pharmacy.test.mjs)
  'GET /api/v1/pharmacy/reports': { kind: 'owned', actor: 'pharmacy', check: 'pharmacyList', owner: 'pharmacyOwner' },
  'POST /api/v1/pharmacy/reports': { kind: 'owned', actor: 'pharmacy', check: 'pharmacyReportElsewhere', owner: 'pharmacyOwner' },
  'GET /api/v1/pharmacy/reports/{ref}': { kind: 'owned', actor: 'pharmacy', check: 'pharmacyRead', owner: 'pharmacyOwner' },
  'GET /api/v1/pharmacy/followups': { kind: 'national', why: 'the 1455 line (SernamEG) follows up every pharmacy activation in the country; no other role holds channels.answer' },
  'GET /api/v1/pharmacy/overview': { kind: 'national', why: 'enrolled pharmacies and activation counts by region and comuna for the national line\'s supervision; counts only, no woman' },
  'GET /api/v1/pharmacy/escalations': { kind: 'national', why: 'activations past their contact-back deadline, escalated to the national line\'s supervision (channels.supervise: SernamEG only); the same reports as /followups' },
  'POST /api/v1/pharmacy/enrolments': { kind: 'national', why: 'SernamEG\'s supervision enrols pharmacies of any region (institution_id names the pharmacy enrolled)' },
  'GET /api/v1/pharmacy/enrolments': { kind: 'national', why: 'the list of enrolled pharmacies of every region, filtered, for SernamEG\'s supervision; pharmacies\' own data, no woman' },
  'GET /api/v1/pharmacy/enrolments/{id}': { kind: 'national', why: 'SernamEG\'s supervision (channels.supervise) manages the enrolment of pharmacies of every region; a pharmacy\'s own data, no woman (tests/integration/pharmacy_enrolment.test.mjs)' },
  'PATCH /api/v1/pharmacy/enrolments/{id}': { kind: 'national', why: 'the national supervision corrects any enrolled pharmacy\'s data; pharmacies and operators are refused (pharmacy_enrolment.test.mjs)' },
  'POST /api/v1/pharmacy/enrolments/{id}/trainings': { kind: 'national', why: 'the national supervision records the trainings of any enrolled pharmacy\'s staff' },
  'POST /api/v1/pharmacy/enrolments/{id}/suspend': { kind: 'national', why: 'the national supervision suspends an enrolled pharmacy of any region, with a reason' },
  'POST /api/v1/pharmacy/enrolments/{id}/reactivate': { kind: 'national', why: 'the national supervision reactivates a suspended pharmacy of any region, with a reason' },
  'GET /api/v1/chat/sessions/{ref}/live': { kind: 'national', why: 'one national 1455 line; holder-or-supervisor rule (chat.test.mjs)', arriving: 'the chat opens only with a queue (channels::Intake)' },
  'GET /api/v1/chat/canned': { kind: 'national', why: 'one national 1455 line; the canned replies every operator of the line shares, no case data' },
  // ---- silent WhatsApp line: the same rule as the chat, the queue's holder (src/whatsapp/access.cc)
  'GET /api/v1/whatsapp/conversations/{ref}': { kind: 'national', why: 'one national 1455 line; holder-or-supervisor rule tested in whatsapp.test.mjs', arriving: 'WhatsApp opens only with a queue (channels::Intake)' },
  'POST /api/v1/whatsapp/conversations/{ref}/messages': { kind: 'national', why: 'one national 1455 line; only the holding operator answers (whatsapp.test.mjs)', arriving: 'WhatsApp opens only with a queue (channels::Intake)' },
  'GET /api/v1/whatsapp/conversations/{ref}/live': { kind: 'national', why: 'one national 1455 line; holder-or-supervisor rule at the upgrade, tested in whatsapp_media.test.mjs', arriving: 'WhatsApp opens only with a queue (channels::Intake)' },
  'GET /api/v1/whatsapp/conversations/{ref}/media/{id}': { kind: 'national', why: 'one national 1455 line; holder-or-supervisor rule tested in whatsapp_media.test.mjs', arriving: 'WhatsApp opens only with a queue (channels::Intake)' },
  'GET /api/v1/whatsapp/inbox': { kind: 'national', why: 'one national 1455 line; counts of webhook deliveries not yet processed, no case data' },
  'GET /api/v1/whatsapp/templates': { kind: 'national', why: 'one national 1455 line; the templates Meta approved for the line, no case data' },
  // ---- network of care (issue 17). Shelters are national reference data, not an institution's
  // object, except their address and the referrals to them: src/care/access.cc decides those, and
  // tests/integration/care.test.mjs tries them across institutions (another house, another
  // referring institution, a case worker before and after the house accepted, anonymous).
  'GET /api/v1/care/directory/{id}': { kind: 'public', why: 'public directory entry (centres and CAVAS; a shelter answers 404)' },
  'GET /api/v1/care/places': { kind: 'none', why: 'the network directory with capacity; shelters without address or position, no person' },
  'GET /api/v1/care/places/{id}/address': { kind: 'none', why: 'a shelter address: its staff, or the referrer whose placement it accepted (care/access.cc; pairs in care.test.mjs)' },
  'PUT /api/v1/care/places/{id}/capacity': { kind: 'none', why: 'only the house\'s own staff report its capacity (care/access.cc; another house gets 404 in care.test.mjs)' },
  'GET /api/v1/care/my-houses': { kind: 'none', why: 'the houses of the caller\'s own institution (filtered by the session)' },
  'GET /api/v1/care/placements': { kind: 'none', why: 'referrals the caller\'s institution sent or whose house received (filtered by the session)' },
  'GET /api/v1/care/placements/{id}': { kind: 'none', why: 'referrer or receiving house only (care/access.cc; others get 404 in care.test.mjs)' },
  'POST /api/v1/care/placements/{id}/accept': { kind: 'none', why: 'only the receiving house answers (care/access.cc; another house gets 404 in care.test.mjs)' },
  'POST /api/v1/care/placements/{id}/decline': { kind: 'none', why: 'only the receiving house answers (care/access.cc)' },
  'POST /api/v1/care/placements/{id}/entry': { kind: 'none', why: 'only the receiving house records entry (care/access.cc)' },
  'POST /api/v1/care/placements/{id}/exit': { kind: 'none', why: 'only the receiving house records exit (care/access.cc)' },
  'GET /api/v1/care/board': { kind: 'aggregate', why: 'places by region and unit type, no person' },
  'GET /api/v1/care/stats': { kind: 'aggregate', why: 'occupancy, stays and refusals by house and region, no person' },
  'GET /api/v1/care/stats.csv': { kind: 'aggregate', why: 'occupancy by house, no person' },
  'GET /api/v1/care/stats.xlsx': { kind: 'aggregate', why: 'occupancy by house, no person' },
  // ---- gender indicators (companies' report, SEG catalogue): no person data
  'GET /api/v1/indicators/public/catalogue/{id}': { kind: 'public', why: 'the public SEG indicator catalogue' },
  'GET /api/v1/indicators/filings': {
    kind: 'none',
    why: 'companies\' filings to the CMF: companies are not institutions of the platform; ministry analysts (indicators.import) read them all',
  },
  'GET /api/v1/indicators/steward/indicators': { kind: 'none', why: 'the SEG indicators of the caller\'s own institution (filtered by the session)' },
  'POST /api/v1/indicators/catalogue/{id}/values': {
    kind: 'none',
    why: 'a SEG series, no person data; the steward rule (indicators/access.h: only the indicator\'s own institution) is tried in indicators.test.mjs',
  },
  'GET /api/v1/indicators/editor/options': {
    kind: 'none',
    why: 'the caller\'s own institution (the Ministry: the institutions that steward SEG indicators) and the platform\'s computable sources; no person',
  },
  'GET /api/v1/indicators/editor/indicators': {
    kind: 'none',
    why: 'the SEG definitions the caller may edit (indicators/access.h check_edit filters by the session\'s institution); no person',
  },
  'POST /api/v1/indicators/editor/indicators': {
    kind: 'none',
    why: 'a new SEG definition; naming another institution as steward is 403 unless the Ministry (check_steward_choice), tried in indicators_editor.test.mjs',
  },
  'GET /api/v1/indicators/editor/indicators/{id}': {
    kind: 'none',
    why: 'a SEG definition, no person data; the steward rule (indicators/access.h check_edit: own institution, or the Ministry) is tried in indicators_editor.test.mjs',
  },
  'PUT /api/v1/indicators/editor/indicators/{id}': {
    kind: 'none',
    why: 'a SEG definition, no person data; another institution\'s indicator is 403 (a draft 404), audited, in indicators_editor.test.mjs',
  },
  // ---- Registro de Directoras (issue 18): a profile belongs to one woman's account, not to an
  // institution; companies see a profile only from their own traced search, contact details only
  // with her consent (directoras/access.h). directoras.test.mjs tries another woman, another
  // company (riding on the first one's search), a company without a search and consent masking.
  'GET /api/v1/directoras/vocabularies': { kind: 'none', why: 'fixed lists (studies, industries, specialties, regions), no person' },
  'GET /api/v1/directoras/me': { kind: 'none', why: 'the caller\'s own profile and who viewed it (filtered by the session)' },
  'GET /api/v1/directoras/search': { kind: 'none', why: 'profiles for companies without RUT, e-mail or phone; every search traced and audited' },
  'PUT /api/v1/directoras/profiles/{id}': { kind: 'none', why: 'only her own account edits a profile (another woman gets 404; directoras.test.mjs)' },
  'GET /api/v1/directoras/profiles/{id}': { kind: 'none', why: 'a company opens a profile only from its own traced search that listed it; never RUT or contact (directoras.test.mjs)' },
  'GET /api/v1/directoras/profiles/{id}/contact': { kind: 'none', why: 'contact details only when she consented, from the caller\'s own traced search; audited and shown to her (directoras.test.mjs)' },
  // ---- Cuenta Pública Participativa (issue 16): the ministry's public account, no person data
  'GET /api/v1/account/public/editions/{id}': { kind: 'public', why: 'a published edition of the public account' },
  'GET /api/v1/account/public/editions/{id}/print': { kind: 'public', why: 'the printable page of a published edition' },
  'GET /api/v1/account/editions': { kind: 'none', why: 'editions of the ministry\'s public account: no institution\'s object, no person' },
  'GET /api/v1/account/editions/{id}': { kind: 'none', why: 'a draft of the ministry\'s public account (aggregate figures, no person)' },
  'PUT /api/v1/account/editions/{id}/sections/{key}': { kind: 'none', why: 'editorial text of the ministry\'s public account; a published edition is refused (409, account.test.mjs)' },
  'POST /api/v1/account/editions/{id}/publish': { kind: 'none', why: 'publishes the ministry\'s public account; no institution\'s object' },
  'GET /api/v1/account/milestones': { kind: 'none', why: 'a region\'s milestones (public once published); a SEREMI is held to her own region by account/access (403, account.test.mjs)' },
  'POST /api/v1/account/milestones': { kind: 'none', why: 'a milestone of the caller\'s own region; another region is refused by account/access (403, account.test.mjs)' },
  'PUT /api/v1/account/milestones/{id}': { kind: 'none', why: 'a region\'s milestone; the SEREMI of another region is refused by account/access (403, account.test.mjs)' },
  'GET /api/v1/account/public/editions/{id}/pdf': { kind: 'public', why: 'the PDF of a published edition' },
  'POST /api/v1/account/editions/{id}/submit': { kind: 'none', why: 'review of the ministry\'s public account (aggregate figures, no person); account_review.test.mjs' },
  'POST /api/v1/account/editions/{id}/review': { kind: 'none', why: 'review of the ministry\'s public account; the submitter cannot approve her own version (403, account_review.test.mjs)' },
  'POST /api/v1/account/editions/{id}/versions': { kind: 'none', why: 'a new version of the ministry\'s public account; no institution\'s object' },
  'PUT /api/v1/account/milestones/{id}/curation': { kind: 'none', why: 'the ministry curates regional milestones; a regional account is refused by account/access (403, account_review.test.mjs)' },
  // ---- certified organisations and agreements (issue 18 items 2–3): the ministry's own objects, no
  // institution owns one and none names a person (registries/access.h). registries.test.mjs tries
  // an analyst of a non-ministry institution (403/404), a focal point and a company (403).
  'GET /api/v1/registries/public/certifications/{id}': { kind: 'public', why: 'public list of certified organisations and adherents; who changed a status only for the ministry' },
  'POST /api/v1/registries/certifications/{id}/status': { kind: 'none', why: 'the ministry\'s register of certified organisations (legal persons, no person); only ministry accounts (registries/access)' },
  'GET /api/v1/registries/agreements': { kind: 'none', why: 'the ministry\'s agreements with other bodies, no person; only ministry accounts (registries/access, 403 otherwise)' },
  'GET /api/v1/registries/agreements/{id}': { kind: 'none', why: 'the ministry\'s agreements with other bodies, no person; only ministry accounts (registries/access, 404 otherwise)' },
  'PUT /api/v1/registries/agreements/{id}/obligations/{obligation}': { kind: 'none', why: 'an obligation of a ministry agreement, no person; only ministry accounts (registries/access, 404 otherwise)' },
  'POST /api/v1/registries/agreements/{id}/obligations': { kind: 'none', why: 'a new obligation of a ministry agreement, no person; only ministry accounts (registries/access, 404 otherwise)' },
  'POST /api/v1/registries/agreements/{id}/documents': { kind: 'none', why: 'a document link of a ministry agreement, no person; only ministry accounts (registries/access, 404 otherwise)' },
  'DELETE /api/v1/registries/agreements/{id}/documents/{document}': { kind: 'none', why: 'a document link of a ministry agreement, no person; only ministry accounts (registries/access, 404 otherwise)' },
  'GET /api/v1/registries/certification-alerts': { kind: 'none', why: 'expiry alerts of the ministry\'s register of certified organisations (legal persons, no person); only ministry accounts (registries/access, 403 otherwise)' },
  'PUT /api/v1/registries/certifications/{id}/validity': { kind: 'none', why: 'the ministry\'s register of certified organisations (legal persons, no person); only ministry accounts (registries/access)' },
  'GET /api/v1/system/metrics': { kind: 'aggregate', why: 'process-wide gauges (live stream connections), no institution or person; permission system.metrics only (monitoring_security.test.mjs)' },
  'GET /api/v1/channels/history/statistics': { kind: 'aggregate', why: 'contact counts of the national help channels by channel, month, region and outcome; region cells of 1-4 hidden; no contact (channels_history.test.mjs)' },
  'GET /api/v1/channels/history/statistics.csv': { kind: 'aggregate', why: 'the same counts as a CSV table, region cells of 1-4 written "<5"' },
  'GET /api/v1/channels/history/statistics.xlsx': { kind: 'aggregate', why: 'the same counts as an XLSX table, region cells of 1-4 written "<5"' },
  // ---- Ley 21.719 data-subject requests (issue 20 item 4): the ministry is the controller; its
  // data-protection officers (dataprotection.manage, granted only in the ministry) handle every
  // request (dataprotection/access.h); any other role is refused by the route table (403,
  // dataprotection.test.mjs), a case worker included.
  'GET /api/v1/dataprotection/vocabularies': { kind: 'none', why: 'fixed lists (rights, states, legal causals), no person' },
  'GET /api/v1/dataprotection/requests': { kind: 'none', why: 'the ministry\'s register for its DPO: kinds, dates and states, no identity' },
  'GET /api/v1/dataprotection/requests/{id}': { kind: 'none', why: 'a request to the ministry as controller, for its DPO only (read audited; dataprotection.test.mjs)' },
  'POST /api/v1/dataprotection/requests/{id}/steps': { kind: 'none', why: 'the DPO handles the ministry\'s requests; every step audited (dataprotection.test.mjs)' },
  'GET /api/v1/dataprotection/requests/{id}/report': { kind: 'none', why: 'the requester\'s own data, compiled for the DPO from a registered request; refused after a denial; audited (dataprotection.test.mjs)' },
  'GET /api/v1/dataprotection/breaches': { kind: 'none', why: 'the ministry\'s breach register: categories and counts, never names' },
  'POST /api/v1/dataprotection/breaches/{id}/notifications': { kind: 'none', why: 'the DPO records the ministry\'s own notifications of a breach (dataprotection.test.mjs)' },
  'GET /api/v1/dataprotection/purge/preview': { kind: 'none', why: 'the DPO\'s dry run: counts per kind of data and the holds that keep some, no person (dataprotection_purge.test.mjs)' },
  'GET /api/v1/dataprotection/purge/runs': { kind: 'none', why: 'the ministry\'s purge runs for its DPO: dates and counts per kind, no person (dataprotection_purge.test.mjs)' },
  'GET /api/v1/dataprotection/ropa': { kind: 'none', why: 'the record of processing activities: tables and columns, no person' },
  // ---- councils and intersectoral tables (issue 16 item 1): public bodies (COSOC, Consejo Asesor,
  // mesas) with no contact data; changes by the ministry for every body, by a SEREMI only for her
  // region's (councils/access.h; councils.test.mjs tries another region's and a national body: 403).
  'GET /api/v1/councils/public/bodies/{id}': { kind: 'public', why: 'a public body: members without contact data, sessions, published minutes, agreements' },
  'POST /api/v1/councils/bodies/{id}/members': { kind: 'none', why: 'a body of the ministry or of a region, no institution\'s case data; region held by councils/access (403, councils.test.mjs)' },
  'PUT /api/v1/councils/bodies/{id}/members/{member}': { kind: 'none', why: 'a member\'s term in a public body; region held by councils/access (403, councils.test.mjs)' },
  'POST /api/v1/councils/bodies/{id}/sessions': { kind: 'none', why: 'a session of a public body; region held by councils/access (403, councils.test.mjs)' },
  'PUT /api/v1/councils/sessions/{id}/attendance': { kind: 'none', why: 'attendance of a public body\'s session; region held by councils/access (403, councils.test.mjs)' },
  'PUT /api/v1/councils/sessions/{id}/minutes': { kind: 'none', why: 'minutes of a public body\'s session; published ones refused (409); region held by councils/access' },
  'POST /api/v1/councils/sessions/{id}/agreements': { kind: 'none', why: 'an agreement of a public body; region held by councils/access (403, councils.test.mjs)' },
  'POST /api/v1/councils/agreements/{id}/updates': { kind: 'none', why: 'follow-up of a public body\'s agreement; region held by councils/access (403, councils.test.mjs)' },
  // ---- outreach (issue 18 items 4–5): courses, sessions and talks belong to the institution that
  // created them (outreach/access.h); another institution's trainer gets 404, audited (also outreach.test.mjs).
  'POST /api/v1/outreach/public/talks/{id}/registrations': { kind: 'public', why: 'public registration to a talk (no account); answers only her own code, never other registrants' },
  'GET /api/v1/outreach/public/certificates/{code}': { kind: 'public', why: 'a certificate checked by its unguessable code (72 bits): her name and the talk, never her e-mail' },
  'GET /api/v1/outreach/trainings': { kind: 'aggregate', why: 'courses and sessions with aggregate participant counts (the same as the public page) and which ones the caller may edit; no person' },
  'GET /api/v1/outreach/talks': { kind: 'aggregate', why: 'talks with seat and attendance counts (as the public page) and which ones the caller may edit; no registrant' },
  'GET /api/v1/outreach/sessions/{id}': { kind: 'owned', actor: 'focal', check: 'outreachSessionRead', owner: 'sessionOwner' },
  'PUT /api/v1/outreach/sessions/{id}/participants': { kind: 'owned', actor: 'focal', check: 'outreachSessionCounts', owner: 'sessionOwner' },
  'POST /api/v1/outreach/courses/{id}/sessions': { kind: 'owned', actor: 'focal', check: 'outreachSessionCreate', owner: 'sessionOwner' },
  'GET /api/v1/outreach/talks/{id}/registrations': { kind: 'owned', actor: 'focal', check: 'talkRegistrations', owner: 'talkOwner' },
  'POST /api/v1/outreach/talks/{id}/attendance': { kind: 'owned', actor: 'focal', check: 'talkAttendance', owner: 'talkOwner' },
  // ---- citizens' participation in the public account (issue 16 item 4): public consultation on
  // the ministry's published text; citizens appear by the pseudonym they chose, never by e-mail.
  'GET /api/v1/participation/public/processes/{id}': { kind: 'public', why: 'a public consultation: the published text, comments and questions by pseudonym, public answers' },
  'POST /api/v1/participation/public/processes/{id}/comments': { kind: 'public', why: 'a verified citizen comments on the public text (token + proof-of-work; participation.test.mjs)' },
  'POST /api/v1/participation/public/processes/{id}/questions': { kind: 'public', why: 'a verified citizen asks the ministry (token + proof-of-work; participation.test.mjs)' },
  'POST /api/v1/participation/public/posts/{id}/report': { kind: 'public', why: 'a verified citizen reports a public post, once, never her own (participation/access; participation.test.mjs)' },
  'POST /api/v1/participation/public/posts/{id}/appeal': { kind: 'public', why: 'only the author of a hidden post appeals (participation/access, 403; participation.test.mjs)' },
  'POST /api/v1/participation/questions/{id}/answer': { kind: 'none', why: 'the ministry answers a public question; ministry accounts only (participation/access; participation.test.mjs)' },
  'GET /api/v1/participation/processes/{id}/moderation': { kind: 'none', why: 'posts hidden by reports and their appeals, by pseudonym; ministry moderators only, read audited' },
  'POST /api/v1/participation/posts/{id}/moderate': { kind: 'none', why: 'the ministry restores or confirms a hidden post (audited; participation.test.mjs)' },
  'GET /api/v1/dataprotection/holds': { kind: 'none', why: 'the ministry\'s legal holds for its DPO: internal ids and reasons, no name; national by design' },
  'POST /api/v1/dataprotection/holds': { kind: 'none', why: 'the DPO holds a person (internal id) or record against every purge, nationally; reads nothing back; audited (dataprotection_holds.test.mjs)' },
  'POST /api/v1/dataprotection/holds/{id}/release': { kind: 'none', why: 'the DPO releases the ministry\'s own legal holds; audited (dataprotection_holds.test.mjs)' },
  // ---- the ministry's studies catalogue (issue 18 item 6): the ministry's own publications, no
  // institution owns one and none names a person (studies/access.h). A draft is 404 to anyone but
  // the ministry's studies staff; another institution's analyst gets 403 on writes (studies.test.mjs).
  'GET /api/v1/studies/public/studies/{id}': { kind: 'public', why: 'a published or withdrawn study; a draft is 404 to anyone but the ministry\'s studies staff (studies.test.mjs)' },
  'GET /api/v1/studies/public/files/{id}': { kind: 'public', why: 'a file of a published study; a draft\'s file is 404 to the public (studies.test.mjs)' },
  'GET /api/v1/studies/editor/studies': { kind: 'none', why: 'the ministry\'s studies, drafts included; ministry accounts only (studies/access, 403 otherwise); no person' },
  'GET /api/v1/studies/editor/studies/{id}': { kind: 'none', why: 'a study of the ministry; a draft is 404 to another institution (studies.test.mjs); no person' },
  'PUT /api/v1/studies/editor/studies/{id}': { kind: 'none', why: 'edits a ministry study; another institution\'s analyst 403, audited (studies.test.mjs)' },
  'POST /api/v1/studies/editor/studies/{id}/publish': { kind: 'none', why: 'publishes a ministry study; ministry accounts only (studies/access)' },
  'POST /api/v1/studies/editor/studies/{id}/withdraw': { kind: 'none', why: 'withdraws a ministry study; another institution\'s analyst 403, audited (studies.test.mjs)' },
  'POST /api/v1/studies/editor/studies/{id}/files': { kind: 'none', why: 'a file of a ministry study; another institution\'s analyst 403 (studies.test.mjs)' },
  'DELETE /api/v1/studies/editor/studies/{id}/files/{file}': { kind: 'none', why: 'removes a file of a ministry study; ministry accounts only (studies/access)' },
};
