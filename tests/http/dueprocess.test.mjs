// Due process over HTTP with fixed clocks: objections (marked at once, queued with a deadline in
// working days across Mid-Autumn and National Day 2026, escalated when overdue, corrected through
// the ingest), credit restoration (deadlines, approval hiding the record and changing the
// rating), commitments entering the file, notifications, attachments and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tempDir, createToken, cleanup, ndjson, run } from './harness.mjs';
import { uscc } from './codes.mjs';

// Friday 25 September 2026, 10:00 in Shanghai: the first day of Mid-Autumn.
const FILED = '2026-09-25T02:00:00Z';
// Friday 30 October 2026: the day after the objection deadline.
const OVERDUE = '2026-10-30T02:00:00Z';

const company = uscc('9133030266660001');
const other = uscc('9133030266660002');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let data, server, mr, court, operator, subject, otherSubject;

function penalty(ref, code, overrides = {}) {
  return {
    source_ref: ref, kind: 'admin_penalty',
    subject: { code, name: '温州市异议测试有限公司', kind: 'enterprise' },
    decided_at: '2026-03-02', tier: 'general', document_no: `温鹿市监罚〔2026〕${ref}号`,
    legal_basis: '《中华人民共和国食品安全法》第一百二十四条', content: '罚款人民币伍万元',
    amount_yuan: 50000, authority: { name: '温州市鹿城区市场监督管理局', code: '113303020000000000' },
    ...overrides,
  };
}

async function start(now) {
  await server?.stop();
  server = await new Server(data, [], now).start();
}

function json(body) {
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

async function recordId(ref) {
  const r = await server.get(`/api/v1/subjects/${company}/records?limit=100`, { token: subject });
  assert.equal(r.status, 200, r.text);
  const record = r.json.items.find((item) => item.source_ref === ref);
  assert.ok(record, `no record ${ref}`);
  return record;
}

async function publicRecord(ref) {
  const r = await server.get(`/api/v1/subjects/${company}/records?limit=100`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((item) => item.source_ref === ref);
}

before(async () => {
  data = tempDir();
  mr = createToken(data, 'department', 'market_regulation');
  court = createToken(data, 'department', 'court');
  operator = createToken(data, 'operator');
  await start(FILED);
  const r = await server.post('/api/v1/ingest/batches', {
    token: mr, headers: { 'content-type': 'application/x-ndjson' },
    body: ndjson([penalty('OBJ-1', company), penalty('RES-1', company, { tier: 'serious', decided_at: '2025-03-02' }),
      penalty('OTHER-1', other, { subject: { code: other, name: '温州市另一公司', kind: 'enterprise' } })]),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.accepted, 3, r.text);
  // Subject tokens act for a subject of the file.
  subject = createToken(data, 'subject', undefined, company);
  otherSubject = createToken(data, 'subject', undefined, other);
});

after(async () => {
  await server?.stop();
  cleanup(data);
});

test('a subject token says whom it acts for', async () => {
  const r = await server.get('/api/v1/me', { token: subject });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.role, 'subject');
  assert.equal(r.json.subject, company);
});

test('an objection marks the record at once, queues it with a working-day deadline and escalates when overdue', async () => {
  const record = await recordId('OBJ-1');
  assert.equal(record.under_objection, false);

  // Refused: the public, a department, another subject, hostile attachments.
  assert.equal((await server.post('/api/v1/objections', json({ record_id: record.id, grounds: 'x' }))).status, 401);
  assert.equal((await server.post('/api/v1/objections', { token: mr, ...json({ record_id: record.id, grounds: 'x' }) })).status, 403);
  assert.equal((await server.post('/api/v1/objections', { token: otherSubject, ...json({ record_id: record.id, grounds: 'x' }) })).status, 403);
  const disguised = await server.post('/api/v1/objections', { token: subject, ...json({
    record_id: record.id, grounds: '金额有误',
    attachments: [{ name: 'proof.pdf', content_base64: Buffer.from('MZ\x90\x00not a pdf').toString('base64') }] }) });
  assert.equal(disguised.status, 400, disguised.text);
  assert.equal(disguised.json.error.reason, 'attachment');
  const noGrounds = await server.post('/api/v1/objections', { token: subject, ...json({ record_id: record.id, grounds: ' ' }) });
  assert.equal(noGrounds.status, 400);
  assert.equal(noGrounds.json.error.reason, 'grounds');
  const notJson = await server.post('/api/v1/objections', { token: subject, body: '{"record_id":', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);

  const filed = await server.post('/api/v1/objections', { token: subject, ...json({
    record_id: record.id, grounds: '罚款金额有误，应为两万元',
    attachments: [{ name: '缴款凭证.pdf', content_base64: PDF.toString('base64') }] }) });
  assert.equal(filed.status, 201, filed.text);
  const objection = filed.json;
  assert.equal(objection.kind, 'objection');
  assert.equal(objection.status, 'open');
  assert.equal(objection.department, 'market_regulation');
  // Filed on the first day of Mid-Autumn: 20 working days skip 25-27 September and 1-7 October
  // and count Saturday 10 October, a make-up working day.
  assert.equal(objection.due_on, '2026-10-29');
  assert.equal(objection.working_days_left, 20);
  assert.equal(objection.overdue, false);
  assert.equal(objection.detail.attachments[0].type, 'pdf');

  // Under objection in the public view and in the department's, at once.
  assert.equal((await publicRecord('OBJ-1')).under_objection, true);
  const history = await server.get(`/api/v1/records/${record.id}`, { token: court });
  assert.equal(history.json.current.under_objection, true);
  const again = await server.post('/api/v1/objections', { token: subject, ...json({ record_id: record.id, grounds: '再次' }) });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.reason, 'already_open');

  // The attachment comes back as filed, to the subject and its department only.
  const download = await server.get(`/api/v1/cases/${objection.id}/attachments/0`, { token: mr });
  assert.equal(download.status, 200);
  assert.equal(download.headers.get('content-type'), 'application/pdf');
  assert.equal(download.text, PDF.toString());
  assert.equal((await server.get(`/api/v1/cases/${objection.id}/attachments/0`, { token: otherSubject })).status, 404);
  assert.equal((await server.get(`/api/v1/cases/${objection.id}`, { token: court })).status, 404);

  // Queues: the department's has it with its deadline; the court's does not.
  const queue = await server.get('/api/v1/objections?open=true', { token: mr });
  assert.equal(queue.status, 200, queue.text);
  assert.deepEqual(queue.json.items.map((c) => [c.id, c.due_on, c.subject.code]), [[objection.id, '2026-10-29', company]]);
  assert.equal(queue.json.today, '2026-09-25');
  assert.equal((await server.get('/api/v1/objections', { token: court })).json.total, 0);
  const own = await server.get('/api/v1/objections', { token: subject });
  assert.equal(own.json.total, 1);
  assert.equal((await server.get('/api/v1/objections', { token: otherSubject })).json.total, 0);
  assert.equal((await server.get('/api/v1/escalations', { token: operator })).json.total, 0);
  assert.equal((await server.get('/api/v1/escalations', { token: mr })).status, 403);

  // The day after the deadline it is escalated to the operators.
  await start(OVERDUE);
  const escalations = await server.get('/api/v1/escalations', { token: operator });
  assert.equal(escalations.status, 200, escalations.text);
  assert.deepEqual(escalations.json.items.map((c) => [c.id, c.overdue, c.escalated_to]), [[objection.id, true, 'operator']]);
  // The same list from the command line, for a daily job.
  const listed = run(['cases', 'escalations', '--data', data, '--now', OVERDUE]).stdout;
  assert.match(listed, /^1 overdue case on 2026-10-30$/m);
  assert.match(listed, new RegExp(`^case ${objection.id}\tobjection\topen\tdue 2026-10-29\tmarket_regulation\t${company}\t`, 'm'));
  assert.match(run(['cases', 'escalations', '--data', data, '--now', '2026-10-29']).stdout, /^0 overdue cases on 2026-10-29$/m);

  // Corrected: a new version through the ingest; the mark goes; the subject is told.
  const wrongDepartment = await server.post(`/api/v1/objections/${objection.id}/decision`, { token: court, ...json({ outcome: 'upheld', reasons: '无误' }) });
  assert.equal(wrongDepartment.status, 403);
  const decided = await server.post(`/api/v1/objections/${objection.id}/decision`, { token: mr, ...json({
    outcome: 'corrected', reasons: '核实后金额更正为两万元', changes: { amount_yuan: 20000, content: '罚款人民币贰万元' } }) });
  assert.equal(decided.status, 200, decided.text);
  assert.equal(decided.json.status, 'corrected');
  assert.equal(decided.json.open, false);
  const corrected = await publicRecord('OBJ-1');
  assert.equal(corrected.version, 2);
  assert.equal(corrected.payload.amount_yuan, 20000);
  assert.equal(corrected.under_objection, false);
  const twice = await server.post(`/api/v1/objections/${objection.id}/decision`, { token: mr, ...json({ outcome: 'upheld', reasons: 'x' }) });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.reason, 'decided');
  assert.equal((await server.get('/api/v1/escalations', { token: operator })).json.total, 0);
  const notes = await server.get('/api/v1/notifications', { token: subject });
  assert.equal(notes.status, 200, notes.text);
  assert.equal(notes.json.items[0].topic, 'objection.decided');
  assert.match(notes.json.items[0].message.zh, /核实后金额更正为两万元/);
  assert.match(notes.json.items[0].message.en, /corrected/);
  await start(FILED);
});

test('restoration: eligibility, deadlines across the holidays, approval hides the record and changes the rating', async () => {
  const record = await recordId('RES-1');
  const outlook = await server.get('/api/v1/restorations/outlook', { token: subject });
  assert.equal(outlook.status, 200, outlook.text);
  const item = outlook.json.items.find((i) => i.record_id === record.id);
  // A serious penalty of 2 March 2025: restorable after a year, public for three at most.
  assert.equal(item.restorable_from, '2026-03-02');
  assert.equal(item.expires_on, '2028-03-02');
  assert.equal(item.may_apply_now, true);

  const before = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.equal(before.status, 200, before.text);
  assert.ok(JSON.stringify(before.json).includes('RES-1'), 'the rating cites the penalty');

  const noCommitment = await server.post('/api/v1/restorations', { token: subject, ...json({ record_id: record.id, proof: '罚款已缴清' }) });
  assert.equal(noCommitment.status, 400);
  assert.equal(noCommitment.json.error.reason, 'commitment');
  const applied = await server.post('/api/v1/restorations', { token: subject, ...json({
    record_id: record.id, proof: '罚款已于2026年4月缴清', commitment: '本企业承诺今后严格遵守食品安全法律法规',
    attachments: [{ name: 'receipt.pdf', content_base64: PDF.toString('base64') }] }) });
  assert.equal(applied.status, 201, applied.text);
  // 3 and 10 working days from the first day of Mid-Autumn.
  assert.equal(applied.json.due_on, '2026-09-30');
  assert.equal(applied.json.answer_due_on, '2026-10-15');
  const commitments = await server.get('/api/v1/commitments', { token: subject });
  assert.equal(commitments.json.items[0].detail.type, 'restoration');

  const refusedBare = await server.post(`/api/v1/restorations/${applied.json.id}/decision`, { token: mr, ...json({ approve: false }) });
  assert.equal(refusedBare.status, 400);
  const approved = await server.post(`/api/v1/restorations/${applied.json.id}/decision`, { token: mr, ...json({ approve: true }) });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.json.status, 'approved');
  assert.equal(await publicRecord('RES-1'), undefined, 'restored records leave the public view at once');
  assert.equal((await recordId('RES-1')).publicity_state, 'restored');
  const after = await server.get(`/api/v1/subjects/${company}/rating`);
  assert.ok(!JSON.stringify(after.json).includes('RES-1'), 'the rating no longer counts the restored penalty');
  assert.ok(after.json.score >= before.json.score, `${after.json.score} < ${before.json.score}`);
  const outlookAfter = await server.get('/api/v1/restorations/outlook', { token: subject });
  assert.equal(outlookAfter.json.items.find((i) => i.record_id === record.id).may_apply_now, false);
});

test('a commitment kept enters the file as a commitment record', async () => {
  const badDepartment = await server.post('/api/v1/commitments', { token: subject, ...json({
    type: 'approval', department: 'court', matter: '食品经营许可', text: '承诺', deadline: '2026-12-31' }) });
  assert.equal(badDepartment.status, 400);
  const signed = await server.post('/api/v1/commitments', { token: subject, ...json({
    type: 'approval', department: 'market_regulation', matter: '食品经营许可告知承诺', text: '承诺三个月内补交健康证明', deadline: '2026-12-18' }) });
  assert.equal(signed.status, 201, signed.text);
  assert.equal(signed.json.status, 'signed');
  assert.equal(signed.json.due_on, '2026-12-18');
  const kept = await server.post(`/api/v1/commitments/${signed.json.id}/decision`, { token: mr, ...json({ kept: true }) });
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.status, 'kept');
  const record = await recordId(`CMT-${signed.json.id}`);
  assert.equal(record.kind, 'commitment');
  assert.equal(record.payload.status, 'kept');
  assert.equal(record.payload.type, 'approval');
  const byOther = await server.post(`/api/v1/commitments/${signed.json.id}/decision`, { token: court, ...json({ kept: false, reasons: 'x' }) });
  assert.equal(byOther.status, 403);
});
