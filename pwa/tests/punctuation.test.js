// Chinese text takes full-width punctuation (，；：？！（）), never ASCII marks beside Chinese
// characters ("保存, 下一步", "…,11岁,农村户籍"): the whole zh-CN catalogue, the code lists'
// labels and the rules' reasons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import zh, { fields, values } from '../src/i18n/zh-CN.js';

const CJK = '\\u3400-\\u9fff\\u3000-\\u303f\\uff00-\\uffef';
const ASCII_BESIDE_CHINESE = new RegExp(
  `[${CJK}]\\s*[,;:?!()]|[,;:?!()]\\s*[${CJK}]|[${CJK}}]\\s*\\(|\\)\\s*[${CJK}{]`,
);

function offenders(entries) {
  return entries.filter(([, text]) => typeof text === 'string' && ASCII_BESIDE_CHINESE.test(text));
}

test('the Chinese catalogue uses full-width punctuation', () => {
  const all = [
    ...Object.entries(zh),
    ...Object.entries(fields).map(([k, v]) => [`field ${k}`, v]),
    ...Object.entries(values).flatMap(([g, m]) => Object.entries(m).map(([k, v]) => [`${g}.${k}`, v])),
  ];
  assert.deepEqual(offenders(all), []);
});

test("the rules' Chinese reasons and labels use full-width punctuation", () => {
  const rules = JSON.parse(readFileSync(new URL('../../server/registry/rules.json', import.meta.url)));
  const found = [];
  const walk = (node, path) => {
    if (typeof node === 'string') {
      if (/[\u3400-\u9fff]/.test(node)) found.push([path, node]);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) if (k !== 'en' && k !== 'about') walk(v, `${path}.${k}`);
    }
  };
  walk(rules, 'rules');
  assert.ok(found.length > 50);
  assert.deepEqual(offenders(found), []);
});
