// Line protocol for tests/server/registry/test_rules_agreement.py: one JSON request per
// line on stdin, one JSON answer per line on stdout, so one node process serves a whole
// property test. Requests: {"op": "evaluate", "minor", "today", "settings"},
// {"op": "next_visit_due", "grade", "last_visit", "registered", "settings"},
// {"op": "apply_manual", "categories", "manual"}. Answers: {"ok": result} or {"error": msg}.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { applyManual, evaluate, nextVisitDue } from '../src/rules.js';

const rulesPath = process.argv[2] ?? new URL('../../server/registry/rules.json', import.meta.url);
const rules = JSON.parse(readFileSync(rulesPath, 'utf8'));

function answer(req) {
  if (req.op === 'evaluate') return evaluate(rules, req.minor, req.today, req.settings);
  if (req.op === 'next_visit_due') {
    return nextVisitDue(rules, req.grade, req.last_visit, req.registered, req.settings);
  }
  if (req.op === 'apply_manual') {
    return applyManual(req.categories, req.manual, req.rules ? rules : undefined);
  }
  throw new Error(`unknown op ${req.op}`);
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  let out;
  try {
    out = { ok: answer(JSON.parse(line)) };
  } catch (err) {
    out = { error: String(err?.message ?? err) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
